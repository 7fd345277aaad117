// Runs through the commands, checked in the SQLite file, the tree and the status bar.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as vscode from 'vscode';
import type { TreeNodeSnapshot } from '../../../src/vscode/api.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { test } from './harness.ts';
import { hyperlab, useBuiltInEngine, useFixtureProducer, waitUntil, workspaceRoot } from './support.ts';

export const SPEC_FILE = 'tiny-mlp.hyperlab.json';
const EXPERIMENT = 'tiny-mlp';
const ids: { finished?: number; stopped?: number } = {};

const dbPath = () => path.join(workspaceRoot(), '.hyperlab', 'runs.db');
const specUri = () => vscode.Uri.file(path.join(workspaceRoot(), SPEC_FILE));

/** Reads the run's row straight from the file, through a connection of its own. */
function runRow(runId: number): { status: string; reason: string | null; params: string } | undefined {
  const db = new Database(dbPath(), { readonly: true });
  try {
    return db.prepare('SELECT status, reason, params FROM runs WHERE id = ?').get(runId) as { status: string; reason: string | null; params: string } | undefined;
  } finally {
    db.close();
  }
}

function findRun(tree: TreeNodeSnapshot[], runId: number): TreeNodeSnapshot | undefined {
  return tree.flatMap((e) => e.children).find((r) => r.id === runId);
}

test('Run Experiment runs the spec and records a finished run in .hyperlab/runs.db', async () => {
  const { api, extension } = await hyperlab();
  await useFixtureProducer(extension.extensionPath, 'normal');
  const runId = await vscode.commands.executeCommand<number | undefined>('hyperlab.runExperiment', specUri(), { overrides: 'train.epochs=2 train.optimizer.lr=0.05' });
  assert.equal(typeof runId, 'number', 'the command returns the new run id');
  ids.finished = runId!;
  await api.whenIdle();
  const row = runRow(runId!);
  assert.equal(row?.status, 'finished', `row: ${JSON.stringify(row)}`);
  const params = JSON.parse(row!.params) as Record<string, unknown>;
  assert.equal(params['train.epochs'], 2, 'the override reached the producer and came back as a param');
  assert.equal(params['train.optimizer.lr'], 0.05);
  const store = api.store();
  assert.deepEqual(store.metricKeys(runId!).sort(), ['train/acc', 'train/loss']);
  assert.equal(store.series(runId!, 'train/loss', { buckets: 1000 }).reduce((n, b) => n + b.count, 0), 20);
  assert.equal(store.getRun(runId!)?.experimentName, EXPERIMENT);
});

test('the Run Explorer shows the experiment with its finished run', async () => {
  const { api } = await hyperlab();
  const tree = await waitUntil('the finished run in the tree', () => {
    const t = api.runExplorer.snapshot();
    return findRun(t, ids.finished!)?.status === 'finished' ? t : undefined;
  });
  const experiment = tree.find((e) => e.label === EXPERIMENT);
  assert.ok(experiment, `experiments: ${tree.map((e) => e.label).join(', ')}`);
  assert.equal(experiment.icon, 'beaker');
  const run = findRun(tree, ids.finished!)!;
  assert.equal(run.icon, 'pass');
  assert.equal(run.iconColor, 'testing.iconPassed');
  assert.equal(run.contextValue, 'hyperlabRun.finished');
  // The fixture's summary holds train/loss = 2 / (1 + 19) = 0.1 and steps = 20; the loss wins.
  assert.match(run.description, /^train\/loss 0\.1 · \d+s$/, `the key summary metric and the duration: "${run.description}"`);
});

test('Stop Run stops a running run; the status bar counts it while it runs', async () => {
  const { api, extension } = await hyperlab();
  await useFixtureProducer(extension.extensionPath, 'slow');
  const runId = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: '' }))!;
  ids.stopped = runId;
  const store = api.store();
  await waitUntil('the run to report metrics', () => store.getRun(runId)?.status === 'running' && store.latest(runId).length === 2);
  const bar = api.statusBar.snapshot();
  assert.equal(bar.running, 1);
  assert.equal(bar.visible, true);
  assert.equal(bar.text, `$(sync~spin) ${store.getRun(runId)!.name}`, 'one run going: the status bar names it');
  const running = await waitUntil('the running run in the tree', () => findRun(api.runExplorer.snapshot(), runId));
  assert.equal(running.icon, 'sync~spin');
  assert.equal(running.contextValue, 'hyperlabRun.running');

  const stopped = await vscode.commands.executeCommand<boolean>('hyperlab.stopRun', runId);
  assert.equal(stopped, true);
  const row = runRow(runId);
  assert.equal(row?.status, 'killed');
  assert.ok(row?.reason, 'a stopped run says why it ended');
  assert.equal(api.statusBar.snapshot().running, 0);
  assert.equal(api.statusBar.snapshot().text, '$(beaker) Hyperlab', 'idle when nothing runs (not "0 running")');
  const node = await waitUntil('the killed run in the tree', () => {
    const n = findRun(api.runExplorer.snapshot(), runId);
    return n?.status === 'killed' ? n : undefined;
  });
  assert.equal(node.icon, 'circle-slash');
});

test('Show Log opens the run log from the store', async () => {
  await vscode.commands.executeCommand('hyperlab.showLog', ids.finished);
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'hyperlab-log');
  assert.match(doc!.getText(), /^step 0 loss 2\.0000$/m);
  assert.match(doc!.getText(), /^\[stderr\] a warning on stderr$/m);
});

test('Open Run Record as JSON opens the run as JSON', async () => {
  await vscode.commands.executeCommand('hyperlab.showRunDetails', ids.finished);
  const doc = vscode.window.activeTextEditor?.document;
  assert.equal(doc?.uri.scheme, 'hyperlab-run');
  const details = JSON.parse(doc!.getText()) as { id: number; status: string; latest: Record<string, { step: number }> };
  assert.equal(details.id, ids.finished);
  assert.equal(details.status, 'finished');
  assert.equal(details.latest['train/loss']?.step, 19);
});

test('Copy Params copies the params as JSON', async () => {
  const { api } = await hyperlab();
  const json = await vscode.commands.executeCommand<string>('hyperlab.copyParams', ids.finished);
  assert.deepEqual(JSON.parse(json!), api.store().getRun(ids.finished!)!.params);
});

test('Reveal Log writes the log next to the store', async () => {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('hyperlab.revealLog', ids.finished);
  assert.equal(path.dirname(uri!.fsPath), path.join(workspaceRoot(), '.hyperlab', 'logs'));
  assert.match(fs.readFileSync(uri!.fsPath, 'utf8'), /^step 19 loss 0\.1000$/m);
});

test('Delete Run removes the run from the store, the tree and its run folder', async () => {
  const { api } = await hyperlab();
  const runFolder = path.join(workspaceRoot(), '.hyperlab', 'runs', String(ids.stopped));
  fs.mkdirSync(runFolder, { recursive: true });
  fs.writeFileSync(path.join(runFolder, 'last.safetensors'), 'stale checkpoint');
  const deleted = await vscode.commands.executeCommand<boolean>('hyperlab.deleteRun', ids.stopped, { confirm: false });
  assert.equal(deleted, true);
  assert.equal(runRow(ids.stopped!), undefined);
  assert.equal(fs.existsSync(runFolder), false, 'the run folder is gone');
  await waitUntil('the deleted run to leave the tree', () => findRun(api.runExplorer.snapshot(), ids.stopped!) === undefined);
  assert.ok(findRun(api.runExplorer.snapshot(), ids.finished!), 'the other run stays');
});

test('runs written by another connection (the CLI) appear through polling', async () => {
  const { api } = await hyperlab();
  const other = openStore(dbPath());
  let failedId: number;
  let divergedId: number;
  try {
    failedId = other.createRun({ experiment: 'from-cli', name: 'cli-run' }).id;
    other.markRunning(failedId, null);
    other.endRun(failedId, 'failed', 'exit code 1');
    divergedId = other.createRun({ experiment: 'from-cli', name: 'cli-nan' }).id;
    other.markRunning(divergedId, null);
    other.endRun(divergedId, 'diverged', 'loss became NaN at step 3');
  } finally {
    other.close();
  }
  const tree = await waitUntil('the other connection\'s runs in the tree', () => {
    const t = api.runExplorer.snapshot();
    return t.some((e) => e.label === 'from-cli' && e.children.length === 2) ? t : undefined;
  });
  const experiment = tree.find((e) => e.label === 'from-cli')!;
  assert.deepEqual(experiment.children.map((r) => [r.label, r.icon]), [['cli-nan', 'warning'], ['cli-run', 'error']]);
  assert.equal(findRun(tree, failedId)?.status, 'failed');
  assert.equal(findRun(tree, divergedId)?.status, 'diverged');
});

test('Run Experiment with the built-in engine trains the spec on FashionMNIST', async () => {
  const { api } = await hyperlab();
  await useBuiltInEngine();
  const runId = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'train.epochs=1' }))!;
  assert.equal(typeof runId, 'number');
  await api.whenIdle();
  const run = api.store().getRun(runId)!;
  assert.equal(run.status, 'finished', `reason: ${run.reason}\n${api.store().log(runId, { tail: 20 }).map((l) => l.text).join('\n')}`);
  const valAcc = run.summary?.['val.acc'];
  assert.equal(typeof valAcc, 'number');
  assert.ok(api.store().metricKeys(runId).includes('loss'), `metric keys: ${api.store().metricKeys(runId).join(', ')}`);
  const node = await waitUntil('the engine run in the tree', () => findRun(api.runExplorer.snapshot(), runId));
  assert.equal(node.icon, 'pass');
  // The experiment's objective: the best epoch validation accuracy over the run (objective.ts).
  const best = api.store().metricRanges([runId]).find((r) => r.key === 'epoch.val.acc')!.max;
  assert.ok(node.description.startsWith(`val.acc ${Number(best.toPrecision(4))} `), node.description);
});

test('a run by the hyperlab CLI in another process shows up in the tree', async () => {
  const { api, extension } = await hyperlab();
  const before = new Set(api.store().listRuns().map((r) => r.id));
  const cli = spawnSync(process.execPath, [path.join(extension.extensionPath, 'dist', 'cli.cjs'), 'run', specUri().fsPath, '--db', dbPath()],
    { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', cwd: workspaceRoot() });
  assert.equal(cli.status, 0, `hyperlab run failed:\n${cli.stdout}\n${cli.stderr}`);
  const node = await waitUntil('the CLI run in the tree', () =>
    api.runExplorer.snapshot().find((e) => e.label === EXPERIMENT)?.children.find((r) => !before.has(r.id) && r.status === 'finished'));
  assert.equal(node.icon, 'pass');
});

test('a sweep shows in the Run Explorer as experiment → sweep → trials, the best finished trial marked', async () => {
  const { api } = await hyperlab();
  const store = api.store();
  const sweep = store.sweeps.create({
    experiment: 'tree-sweep', name: 'lr search', specPath: null, spec: {}, budgetTrials: 3, budgetSeconds: null, parallelism: 1, state: null,
    config: { objective: { metric: 'val.acc', direction: 'max', value: 'last', epoch: null } },
  });
  const accs = [0.7, 0.9, 0.8];
  const runIds = accs.map((acc, number) => {
    const trial = store.sweeps.addTrial(sweep.id, { number, params: { 'train.optimizer.lr': 10 ** -(number + 1) } }, null);
    store.markRunning(trial.runId, null);
    store.appendMetrics(trial.runId, [{ key: 'epoch.val.acc', step: 9, epoch: 1, time: Date.now(), value: acc }]);
    store.endRun(trial.runId, 'finished', null, {});
    return trial.runId;
  });
  api.runExplorer.refresh();
  const node = await waitUntil('the sweep in the tree', () => api.runExplorer.snapshot().find((e) => e.label === 'tree-sweep')?.children.find((c) => c.kind === 'sweep'));
  assert.equal(node.label, 'lr search');
  assert.match(node.description, /^3\/3 trials · best val\.acc 0\.9$/);
  assert.equal(node.contextValue, 'hyperlabSweep.created');
  assert.deepEqual(node.children.map((c) => c.id), runIds, 'its trials, in trial order');
  const marked = node.children.filter((c) => c.description.startsWith('★ best'));
  assert.deepEqual(marked.map((c) => c.id), [runIds[1]], 'the trial with val.acc 0.9');
  assert.ok(store.sweeps.delete(sweep.id));
});

test('Learning-Rate Range Test from the palette runs `hyperlab tune lr-range` in a terminal; its run lands in the store with the lr/loss curve', async () => {
  const { api } = await hyperlab();
  const store = api.store();
  const before = new Set(store.listRuns({ limit: 10_000 }).map((r) => r.id));
  const name = await vscode.commands.executeCommand<string>('hyperlab.tuneLrRange', specUri());
  assert.equal(name, 'Hyperlab: Learning-rate range test');
  const run = await waitUntil('the range test run to finish', () => {
    const fresh = store.listRuns({ limit: 10_000 }).find((r) => !before.has(r.id) && store.metricKeys(r.id).includes('lr_range.lr'));
    return fresh && fresh.status !== 'running' && fresh.status !== 'queued' ? fresh : undefined;
  }, 120_000);
  assert.equal(run.status, 'finished', run.reason ?? '');
  const lrs = store.points(run.id, 'lr_range.lr').map((p) => p.value);
  assert.ok(lrs.length > 10 && lrs.every((lr, i) => i === 0 || lr > lrs[i - 1]!), 'the learning rate grows every step');
  vscode.window.terminals.find((t) => t.name === name)?.dispose();
});

test('a script started outside VS Code (the Python client writing to the inbox) appears in the store and its curve grows while it runs', async () => {
  const { api, extension } = await hyperlab();
  const store = api.store();
  const script = [
    'import sys, time',
    `sys.path.insert(0, ${JSON.stringify(path.join(extension.extensionPath, 'python'))})`,
    'import hyperlab',
    'run = hyperlab.init(experiment="inbox-live", name="terminal-script")',
    'for step in range(30):',
    '    run.log({"train.loss": 1.0 / (step + 1)}, step=step)',
    '    run.flush()',
    '    time.sleep(0.15)',
    'run.finish()',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { env: { ...process.env, HYPERLAB_DIR: path.join(workspaceRoot(), '.hyperlab') }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let running = true;
  void exited.then(() => { running = false; });
  // While the script still runs, the extension (no `hyperlab sync`) has ingested part of its curve.
  const partial = await waitUntil('the running script\'s first points', () => {
    const run = store.listRuns({ experiment: 'inbox-live', limit: 10 })[0];
    const n = run ? store.points(run.id, 'train.loss').length : 0;
    return n > 0 && n < 30 && running ? { run, n } : undefined;
  }, 20_000);
  assert.equal(partial.run!.name, 'terminal-script');
  assert.equal(await exited, 0);
  const done = await waitUntil('the script\'s run to end with all its points', () => {
    const run = store.getRun(partial.run!.id);
    return run?.status === 'finished' && store.points(run.id, 'train.loss').length === 30 ? run : undefined;
  }, 20_000);
  assert.ok(store.points(done.id, 'train.loss').length > partial.n, 'the curve grew');
});

test('Import Runs brings a TensorBoard log folder into the store (one run per folder, every scalar)', async () => {
  const { api, extension } = await hyperlab();
  const logs = path.join(extension.extensionPath, 'test', 'fixtures', 'import', 'tensorboard');
  const report = await vscode.commands.executeCommand<{ runs: { id: number; points: number }[] }>('hyperlab.importRuns', { kind: 'tensorboard', path: logs });
  const folders = new Set(fs.readdirSync(logs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('events.out.tfevents')).map((e) => e.parentPath));
  assert.equal(report?.runs.length, folders.size, 'one run per folder of event files');
  assert.ok(folders.size >= 2);
  const store = api.store();
  for (const run of report!.runs) assert.ok(store.metricKeys(run.id).length > 0 && run.points > 0);
});
