// The extension activates lazily, registers its commands, and touches nothing before a run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { listTemplates } from '../../../src/vscode/templates/specTemplates.ts';
import { note, test } from './harness.ts';
import { hyperlab, workspaceRoot } from './support.ts';

const COMMANDS = ['hyperlab.newExperiment', 'hyperlab.runExperiment', 'hyperlab.stopRun', 'hyperlab.deleteRun', 'hyperlab.showLog',
  'hyperlab.revealLog', 'hyperlab.copyParams', 'hyperlab.showRunDetails', 'hyperlab.refresh', 'hyperlab.openDocumentation'];

test('activates and exports its API', async () => {
  const { api, extension } = await hyperlab();
  assert.equal(extension.isActive, true);
  assert.equal(typeof api.runExplorer.snapshot, 'function');
  assert.equal(typeof api.statusBar.snapshot, 'function');
  note(`activate() took ${api.activationMs.toFixed(1)} ms`);
});

test('registers every palette command', async () => {
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(COMMANDS.filter((c) => !registered.has(c)), []);
});

test('opens no store before the first run: empty tree (welcome view), hidden status bar item', async () => {
  const { api } = await hyperlab();
  assert.equal(fs.existsSync(path.join(workspaceRoot(), '.hyperlab')), false, '.hyperlab created by merely activating');
  assert.deepEqual(api.runExplorer.snapshot(), []);
  assert.deepEqual(api.statusBar.snapshot(), { running: 0, text: '', visible: false });
});

test('New Experiment offers the shipped templates, each a JSON object', async () => {
  const { extension } = await hyperlab();
  const templates = await listTemplates(extension.extensionUri);
  const onDisk = fs.existsSync(path.join(extension.extensionPath, 'media', 'templates'))
    ? fs.readdirSync(path.join(extension.extensionPath, 'media', 'templates')).filter((f) => f.endsWith('.hyperlab.json'))
    : [];
  assert.deepEqual(templates.map((t) => `${t.id}.hyperlab.json`).sort(), onDisk.sort());
  for (const t of templates) assert.equal(typeof t.spec, 'object');
});

test('New Experiment writes a spec from a template into the workspace, with the data it needs', async () => {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('hyperlab.newExperiment', { template: 'csv-example', name: 'moons' });
  assert.equal(uri?.fsPath, path.join(workspaceRoot(), 'moons.hyperlab.json'));
  const spec = JSON.parse(fs.readFileSync(uri!.fsPath, 'utf8')) as { name: string; $schema?: string; data: { path: string } };
  assert.equal(spec.name, 'moons');
  assert.equal(spec.$schema, undefined, 'the template\'s relative $schema would point nowhere');
  assert.ok(fs.statSync(path.join(workspaceRoot(), spec.data.path)).size > 0, 'the CSV the template trains on was copied');
  assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri!.fsPath, 'the new spec is opened');
  fs.rmSync(uri!.fsPath);
});

test('a spec with an unknown field and a wrong type shows errors (not warnings) in the Problems panel, at the fields', async () => {
  await hyperlab();
  const dir = path.join(workspaceRoot(), 'diagnostics-check');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'typo.hyperlab.json');
  fs.writeFileSync(file, '{\n  "train": {\n    "epochz": 3,\n    "batchSize": "big"\n  }\n}\n');
  try {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    let ours: vscode.Diagnostic[] = [];
    for (let i = 0; i < 100 && ours.length < 2; i++) {
      ours = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Hyperlab');
      if (ours.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(ours.length, 2, JSON.stringify(ours.map((d) => d.message)));
    assert.ok(ours.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const typo = ours.find((d) => d.message.startsWith('train.epochz'))!;
    assert.match(typo.message, /did you mean "epochs"/);
    assert.equal(doc.getText(typo.range), '"epochz"');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
