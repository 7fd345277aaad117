// A spec with a producer section, run from Run Experiment inside the real extension host: the
// override typed for the run reaches the user's script (python3 with the bundled client), and
// the stored run holds what the script ran with.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { hyperlab, useFixtureProducer, workspaceRoot } from './support.ts';

test('Run Experiment on a spec with a producer section: the typed override reaches the script, and the run records what it ran with', async () => {
  const { api, extension } = await hyperlab();
  // The workspace's fallback names the fixture producer: the spec's own producer must win over it.
  await useFixtureProducer(extension.extensionPath, 'normal');
  const side = path.join(workspaceRoot(), 'script-side.json');
  const specPath = path.join(workspaceRoot(), 'own-script.hyperlab.json');
  const script = path.join(extension.extensionPath, 'test', 'unit', 'client', 'scripts', 'configured.py');
  fs.writeFileSync(specPath, JSON.stringify({
    name: 'own-script',
    producer: { command: process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3', args: [script], env: { SIDE: side } },
    train: { lr: 0.1, epochs: 1 },
  }, null, 2));
  const runId = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', vscode.Uri.file(specPath), { overrides: 'lr=0.5' }))!;
  await api.whenIdle();
  const store = api.store();
  const run = store.getRun(runId)!;
  assert.equal(run.status, 'finished', `${run.reason}\n${store.log(runId).map((l) => l.text).join('\n')}`);
  assert.equal((JSON.parse(fs.readFileSync(side, 'utf8')) as { lr: number }).lr, 0.5, 'the script trained with the override');
  assert.deepEqual(run.params, { train: { lr: 0.5, epochs: 1, steps: 3 }, model: { hidden: 8 } });
  assert.equal(run.experimentName, 'own-script');
  assert.equal(run.name, 'lr=0.5');
  assert.equal(store.points(runId, 'train.loss')[0]!.value, 0.5 * 2.5 ** 2);
  await vscode.commands.executeCommand('hyperlab.deleteRun', undefined, { runIds: [runId], confirm: false });
  fs.rmSync(specPath);
  fs.rmSync(side);
});

test('Run Sweep on a spec with a producer section: each trial runs the script with its sampled value, and the sweep finishes', async () => {
  const { api, extension } = await hyperlab();
  const specPath = path.join(workspaceRoot(), 'own-sweep.hyperlab.json');
  const sideDir = fs.mkdtempSync(path.join(workspaceRoot(), 'sweep-side-'));
  const script = path.join(extension.extensionPath, 'test', 'unit', 'client', 'scripts', 'configured.py');
  fs.writeFileSync(specPath, JSON.stringify({
    name: 'own-sweep',
    producer: { command: process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3', args: [script], env: { SIDE_DIR: sideDir } },
    train: { lr: 0.1, epochs: 1 },
    search: { method: 'grid', space: { 'train.lr': { type: 'categorical', choices: [0.2, 0.4] } }, objective: { metric: 'val.loss', direction: 'min' }, parallelism: 1 },
  }, null, 2));
  const sweepId = (await vscode.commands.executeCommand<number>('hyperlab.runSweep', vscode.Uri.file(specPath)))!;
  assert.equal(typeof sweepId, 'number', 'the sweep was created and started');
  assert.equal(await api.sweeps.whenDone(sweepId), 'finished');
  const store = api.store();
  const trials = store.sweeps.trials(sweepId);
  assert.deepEqual(trials.map((t) => store.getRun(t.runId)!.status), ['finished', 'finished']);
  const used = fs.readdirSync(sideDir).map((f) => (JSON.parse(fs.readFileSync(path.join(sideDir, f), 'utf8')) as { lr: number }).lr).sort();
  assert.deepEqual(used, [0.2, 0.4], 'each trial trained with its own value');
  fs.rmSync(specPath);
  fs.rmSync(sideDir, { recursive: true });
});
