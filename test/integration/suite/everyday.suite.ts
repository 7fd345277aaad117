// Runs named and managed, inside the real extension host: auto-names from the overrides box's
// own example, rename / tag / note / star from the commands, the tree showing them, starred
// first, and several runs deleted at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { loadComparison } from '../../../src/core/compare/load.ts';
import { EMPTY_STATE, tableView } from '../../../src/core/compare/table-model.ts';
import { OVERRIDES_EXAMPLE } from '../../../src/vscode/runs/overrides.ts';
import { test } from './harness.ts';
import { hyperlab, useBuiltInEngine, useFixtureProducer, waitUntil, workspaceRoot } from './support.ts';

const specUri = () => vscode.Uri.file(path.join(workspaceRoot(), 'tiny-mlp.hyperlab.json'));

test('a run started with the box\'s example is named by what it changes; rename, tags, note and star are stored and shown; starred runs come first', async () => {
  const { api, extension } = await hyperlab();
  await useFixtureProducer(extension.extensionPath, 'normal');
  const first = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'optimizer.lr=0.01 epochs=3' }))!;
  const second = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'optimizer.kind=adam' }))!;
  await api.whenIdle();
  const store = api.store();
  assert.equal(store.getRun(first)!.name, 'lr=0.01 · epochs=3');
  assert.equal(store.getRun(second)!.name, 'adam');

  assert.equal(await vscode.commands.executeCommand('hyperlab.renameRun', first, { text: 'the baseline' }), 'the baseline');
  assert.deepEqual(await vscode.commands.executeCommand('hyperlab.tagRun', first, { text: 'baseline, lr-sweep' }), ['baseline', 'lr-sweep']);
  assert.deepEqual(await vscode.commands.executeCommand('hyperlab.tagRun', first, { text: 'baseline' }), ['baseline'], 'a tag removed from the box is taken off');
  assert.equal(await vscode.commands.executeCommand('hyperlab.editRunNote', first, { text: 'compare against this' }), 'compare against this');
  assert.equal(await vscode.commands.executeCommand('hyperlab.toggleStar', first), true);
  const note = store.annotations([first]).get(first)!;
  assert.deepEqual([note.tags, note.note, note.starred], [['baseline'], 'compare against this', true]);

  const experiment = await waitUntil('the starred run first in the tree', () => {
    const e = api.runExplorer.snapshot().find((n) => n.label === 'tiny-mlp');
    return e?.children[0]?.id === first ? e : undefined;
  });
  const node = experiment.children[0]!;
  assert.equal(node.label, 'the baseline');
  assert.match(node.description, / ★ #baseline$/);
  assert.equal(await vscode.commands.executeCommand('hyperlab.toggleStar', first), false);
});

test('Delete on several runs deletes them all behind one question (here answered by code)', async () => {
  const { api, extension } = await hyperlab();
  await useFixtureProducer(extension.extensionPath, 'normal');
  const a = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'train.epochs=1' }))!;
  const b = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'train.epochs=2' }))!;
  await api.whenIdle();
  const deleted = await vscode.commands.executeCommand<number>('hyperlab.deleteRun', undefined, { runIds: [a, b], confirm: false });
  assert.equal(deleted, 2);
  assert.equal(api.store().getRun(a), undefined);
  assert.equal(api.store().getRun(b), undefined);
  await waitUntil('both to leave the tree', () => !api.runExplorer.snapshot().some((e) => e.children.some((r) => r.id === a || r.id === b)));
});

test('walkthrough on the real engine: template → Run Experiment with the box\'s own example → live progress → rename and tag → multi-delete (Compare with the filter\'s example: everyday.test.ts)', async () => {
  const { api } = await hyperlab();
  await useBuiltInEngine();
  // 1. New Experiment from the MLP template.
  const spec = await vscode.commands.executeCommand<vscode.Uri>('hyperlab.newExperiment', { template: 'fashion-mnist-mlp', name: 'walkthrough', overwrite: true });
  assert.ok(spec && fs.existsSync(spec.fsPath));
  // 2. Run it with the overrides box's own example, on a small data.limit; and a second run to compare with.
  const example = `${OVERRIDES_EXAMPLE} data.limit=12000`;
  const first = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', spec, { overrides: example }))!;
  const second = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', spec, { overrides: 'optimizer.lr=0.0005 epochs=1 data.limit=2000' }))!;
  const store = api.store();
  assert.equal(store.getRun(first)!.name, 'lr=0.01 · epochs=3 +1', 'named by what the example changes (the third counted: the hover card lists it)');
  // 3. Live progress in the Run Explorer while it trains: epoch x/3, percent, then an ETA.
  const live = await waitUntil('the running run to show its progress', () => {
    const node = api.runExplorer.snapshot().flatMap((e) => e.children).find((r) => r.id === first);
    return node?.status === 'running' && /^epoch [1-3]\/3 · \d+% · ETA /.test(node.description) ? node.description : undefined;
  }, 120_000);
  assert.match(live, /^epoch [1-3]\/3 · \d{1,3}% · ETA \d/);
  await api.whenIdle();
  assert.equal(store.getRun(first)!.status, 'finished', store.getRun(first)!.reason ?? '');
  assert.equal(store.getRun(second)!.status, 'finished');
  // 4. Compare with the filter's own example: typed into the real Comparison webview by
  // test/integration/everyday.test.ts (a webview cannot be typed into from the extension host).
  assert.equal(loadComparison(store, 'walkthrough').dataset.objective, 'metric.epoch.val.acc.best');
  // 5. Rename and tag, as the tree's commands do.
  await vscode.commands.executeCommand('hyperlab.renameRun', first, { text: 'adam lr 0.01' });
  await vscode.commands.executeCommand('hyperlab.tagRun', first, { text: 'walkthrough keep' });
  const named = await waitUntil('the renamed, tagged run in the tree', () =>
    api.runExplorer.snapshot().flatMap((e) => e.children).find((r) => r.id === first && r.label === 'adam lr 0.01' && r.description.endsWith('#keep #walkthrough')));
  assert.match(named.description, /^val\.acc 0\.\d+ (\(best\) )?· [\dhm ]+s? #keep #walkthrough$/, 'the experiment\'s objective, then the tags');
  const tagged = tableView(loadComparison(store, 'walkthrough').dataset, { ...EMPTY_STATE, filter: 'tag=walkthrough' });
  assert.equal(tagged.matched.length, 1, 'Comparison filters by tag');
  // 6. Delete both at once.
  assert.equal(await vscode.commands.executeCommand<number>('hyperlab.deleteRun', undefined, { runIds: [first, second], confirm: false }), 2);
  await waitUntil('the walkthrough experiment to leave the tree', () => !api.runExplorer.snapshot().some((e) => e.label === 'walkthrough'));
  fs.rmSync(spec.fsPath);
});

test('Resume on a stopped run goes on from its last checkpoint as a new run; Run Again with Changes starts one with the given overrides', async () => {
  const { api } = await hyperlab();
  await useBuiltInEngine();
  const store = api.store();
  const stopped = (await vscode.commands.executeCommand<number>('hyperlab.runExperiment', specUri(), { overrides: 'train.epochs=400' }))!;
  await waitUntil('a few epochs', () => (store.latest(stopped).find((l) => l.key === 'epoch.val.acc')?.step ?? 0) > 0, 120_000);
  assert.equal(await vscode.commands.executeCommand<boolean>('hyperlab.stopRun', stopped), true);
  await api.whenIdle();
  assert.equal(store.getRun(stopped)!.status, 'killed');
  const resumed = (await vscode.commands.executeCommand<number>('hyperlab.resumeRun', stopped))!;
  assert.equal(typeof resumed, 'number');
  const run = store.getRun(resumed)!;
  assert.equal(run.name, `${store.getRun(stopped)!.name} (resumed)`);
  assert.match(String(run.params['train.checkpoint.resumeFrom']), /last\.safetensors$/);
  await vscode.commands.executeCommand('hyperlab.stopRun', resumed);
  await api.whenIdle();
  assert.ok(store.log(resumed).some((l) => /resumed from .*last\.safetensors at epoch [1-9]/.test(l.text)), 'the engine went on from the checkpoint');
  const again = (await vscode.commands.executeCommand<number>('hyperlab.runAgainWithChanges', stopped, { overrides: 'train.epochs=1' }))!;
  await api.whenIdle();
  assert.equal(store.getRun(again)!.status, 'finished');
  assert.equal(store.getRun(again)!.params['train.epochs'], 1);
  await vscode.commands.executeCommand('hyperlab.deleteRun', undefined, { runIds: [stopped, resumed, again], confirm: false });
});
