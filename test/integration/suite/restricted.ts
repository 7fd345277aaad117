// A second entry (extensionTestsPath) for a workspace in Restricted Mode: the extension still
// activates and reads, but Run Experiment starts no process and creates no store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runAll, test } from './harness.ts';
import { hyperlab, workspaceRoot } from './support.ts';

test('the workspace is untrusted and the extension is active in it', async () => {
  assert.equal(vscode.workspace.isTrusted, false);
  const { extension } = await hyperlab();
  assert.equal(extension.isActive, true);
});

test('Run Experiment in Restricted Mode starts nothing and writes nothing', async () => {
  const { api } = await hyperlab();
  const spec = vscode.Uri.file(path.join(workspaceRoot(), 'tiny-mlp.hyperlab.json'));
  const runId = await vscode.commands.executeCommand('hyperlab.runExperiment', spec, { overrides: '' });
  assert.equal(runId, undefined);
  assert.equal(fs.existsSync(path.join(workspaceRoot(), '.hyperlab')), false, 'no store was created');
  assert.deepEqual(api.runExplorer.snapshot(), []);
  await api.whenIdle();
});

export async function run(): Promise<void> {
  const results = await runAll(process.env.HYPERLAB_SUITE_RESULTS);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} restricted-mode test(s) failed: ${failed.map((f) => f.name).join('; ')}`);
}
