// The window's launcher starting a user's script with real python3 and the real client: a spec's
// producer section, and the hyperlab.producerCommand setting for a spec without one. The script
// writes what it received; the store must hold what the script ran with, nothing else.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { memoryLogger } from '../../../src/core/log.ts';
import type { Params } from '../../../src/core/protocol/messages.ts';
import { openStore } from '../../../src/core/store/index.ts';
import type { HyperlabSettings } from '../../../src/vscode/config/settings.ts';
import { WindowRunLauncher } from '../../../src/vscode/runs/windowRunLauncher.ts';
import { StoreLeases } from '../../../src/vscode/store/storeLeases.ts';
import { PYTHON, ROOT, SCRIPTS } from '../client/helpers.ts';
import { tempDir } from '../runner/helpers.ts';

function launcherIn(dir: string, producerCommand: string[]) {
  const logger = memoryLogger();
  const leases = new StoreLeases(logger);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  const settings: HyperlabSettings = { storePath: '', parallelism: 1, stopTimeoutSeconds: 5, producerCommand };
  // The extension's folder is the checkout: its python/ is the client put on PYTHONPATH.
  const launcher = new WindowRunLauncher({ acquireStore: () => leases.lease(store), logger, extensionPath: ROOT, settings: () => settings });
  return { store, launcher };
}

test('a producer spec from the window: the override reaches the script, the run records what it ran with and is filed where init() says', async () => {
  const dir = tempDir('hyperlab-window-script-');
  const side = path.join(dir, 'side.json');
  const spec: Params = { producer: { command: PYTHON, args: [path.join(SCRIPTS, 'configured.py')], env: { SIDE: side, EXPERIMENT: 'named-by-script' } }, train: { lr: 0.1, epochs: 1 } };
  // The fixture producer in the setting: a spec's own producer wins over the workspace's fallback.
  const { store, launcher } = launcherIn(dir, ['${execPath}', path.join(ROOT, 'test', 'fixtures', 'producer.mjs'), 'normal']);
  const runId = launcher.launch({ specPath: path.join(dir, 'quad.hyperlab.json'), spec, experiment: 'quad', overrides: { 'train.lr': 0.5 } });
  await launcher.whenIdle();
  const received = JSON.parse(fs.readFileSync(side, 'utf8')) as { lr: number; HYPERLAB_PARAMS: string };
  assert.equal(received.lr, 0.5);
  assert.deepEqual(JSON.parse(received.HYPERLAB_PARAMS), { train: { lr: 0.5, epochs: 1 } });
  const run = store.getRun(runId)!;
  assert.equal(run.status, 'finished', run.reason ?? '');
  assert.deepEqual(run.params, { train: { lr: 0.5, epochs: 1, steps: 3 }, model: { hidden: 8 } });
  assert.equal(run.experimentName, 'named-by-script');
  assert.equal(run.name, 'lr=0.5');
  assert.equal(store.points(runId, 'train.loss')[0]!.value, 0.5 * 2.5 ** 2);
  await launcher.dispose();
  store.close();
});

test('the producerCommand setting (a spec without a producer): the overrides reach the script as HYPERLAB_PARAMS, and the run records only what it reports', async () => {
  const dir = tempDir('hyperlab-window-setting-');
  const side = path.join(dir, 'side.json');
  const script = path.join(dir, 'train.py');
  fs.writeFileSync(script, [
    'import json, os, hyperlab',
    'run = hyperlab.init(config={"train": {"optimizer": {"lr": 0.01}}, "data": {"limit": 100}})',
    `json.dump({"lr": run.config["train"]["optimizer"]["lr"]}, open(${JSON.stringify(side)}, "w"))`,
    'run.log({"train.loss": 1.0}, step=0)',
    '',
  ].join('\n'));
  const { store, launcher } = launcherIn(dir, [PYTHON, script]);
  const spec: Params = { name: 'tiny', data: { dataset: 'fashion-mnist', limit: 512 }, train: { epochs: 1, optimizer: { lr: 0.1 } } };
  const runId = launcher.launch({ specPath: path.join(dir, 'tiny.hyperlab.json'), spec, experiment: 'tiny', overrides: { 'train.optimizer.lr': 0.5 } });
  await launcher.whenIdle();
  // Before: the script never saw the override (it ran with its 0.01) and the run recorded 0.5 beside it.
  assert.equal((JSON.parse(fs.readFileSync(side, 'utf8')) as { lr: number }).lr, 0.5);
  const run = store.getRun(runId)!;
  assert.equal(run.status, 'finished', run.reason ?? '');
  assert.deepEqual(run.params, { train: { optimizer: { lr: 0.5 } }, data: { limit: 512 } });
  assert.equal(run.experimentName, 'tiny');
  await launcher.dispose();
  store.close();
});
