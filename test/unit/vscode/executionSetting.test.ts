// The hyperlab.execution setting: the execution section of specs that have none, checked with the
// spec's own rules and named as the setting when wrong; its settings schema is the spec's section.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { specExecution, specSchema } from '../../../src/core/spec/index.ts';
import { withExecutionSetting } from '../../../src/vscode/runs/executionSetting.ts';

const engineSpec = { name: 'x', train: { epochs: 2 } };
const scriptSpec = { name: 'y', producer: { command: 'python3', args: ['train.py'] }, lr: 0.1 };

test('a spec without an execution section runs where the setting says; the spec\'s own section wins; an empty setting changes nothing', () => {
  const setting = { backend: 'slurm', partition: 'gpu', time: '2:00:00' };
  assert.deepEqual(specExecution(withExecutionSetting(engineSpec, setting))?.partition, 'gpu');
  assert.equal(specExecution(withExecutionSetting(scriptSpec, setting))?.backend, 'slurm', 'a spec that runs a script too');
  const own = { ...engineSpec, execution: { backend: 'local' } };
  assert.equal(withExecutionSetting(own, setting), own);
  for (const empty of [undefined, null, {}]) assert.equal(withExecutionSetting(engineSpec, empty), engineSpec);
});

test('a wrong setting is refused before anything runs, naming the setting and each field', () => {
  assert.throws(() => withExecutionSetting(engineSpec, { backend: 'slrum', time: '1h' }), (error: unknown) => {
    assert.ok(error instanceof HyperlabError);
    assert.match(error.message, /^The setting hyperlab\.execution is invalid:\n {2}- backend: "slrum" is not one of local, slurm/);
    assert.match(error.hint ?? '', /Settings \(search "hyperlab\.execution"\)/);
    return true;
  });
  assert.throws(() => withExecutionSetting(engineSpec, { backend: 'slurm', time: '1h' }), /- time: "1h" is not a SLURM time limit/);
  assert.throws(() => withExecutionSetting(engineSpec, 'slurm'), /hyperlab\.execution is invalid:\n {2}- execution: "slurm" is not an object/);
});

test('the setting\'s schema in package.json is the spec\'s execution section (fields, types, defaults)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { properties: unknown; additionalProperties: boolean }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const setting = pkg.contributes.configuration.properties['hyperlab.execution']!;
  const section = (specSchema() as { properties: { execution: { properties: unknown } } }).properties.execution;
  assert.deepEqual(setting.properties, section.properties);
  assert.equal(setting.additionalProperties, false);
  // It runs shell commands on the cluster (setup): not taken from an untrusted workspace.
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('hyperlab.execution'));
});

test('the section is a plain copy of the setting (VS Code hands settings out as proxies that structuredClone refuses)', () => {
  const setting = new Proxy({ backend: 'slurm', time: '7' }, {});
  const spec = withExecutionSetting(engineSpec, setting);
  assert.doesNotThrow(() => structuredClone(spec));
  assert.deepEqual(spec['execution'], { backend: 'slurm', time: '7' });
});
