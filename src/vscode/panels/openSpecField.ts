// Opens a run's spec file with the cursor on a field (the one a remedy changes), or on the
// object where that field would be added when the spec leaves it to its default.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { HyperlabError } from '../../core/errors.ts';
import type { Run } from '../../core/store/types.ts';
import { locateJsonPath } from '../../core/spec/json-locate.ts';

export async function openSpecField(run: Run, field: string | null): Promise<void> {
  const specPath = run.specPath;
  if (!specPath || !fs.existsSync(specPath)) {
    throw new HyperlabError('SPEC_NOT_FOUND', `Run ${run.name} (#${run.id}) has no spec file on disk${specPath ? ` (${specPath} is gone)` : ''}.`,
      'Open the experiment\'s *.hyperlab.json yourself and change the field there.');
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(specPath));
  const path = field ? field.split('.') : [];
  const found = locateJsonPath(doc.getText(), path);
  const position = doc.positionAt(found.offset);
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (field && found.depth < path.length) {
    void vscode.window.showInformationMessage(`"${field}" is not set in ${vscode.workspace.asRelativePath(specPath)}: add it here (it uses its default now).`);
  }
}
