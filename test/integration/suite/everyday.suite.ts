// Runs named and managed, inside the real extension host: auto-names from the overrides box's
// own example, rename / tag / note / star from the commands, the tree showing them, starred
// first, and several runs deleted at once.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness.ts';
import { hyperlab, useFixtureProducer, waitUntil, workspaceRoot } from './support.ts';

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
