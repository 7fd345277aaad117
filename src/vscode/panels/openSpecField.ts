// Opens a run's spec file with the cursor on a field (the one a remedy changes), or on the
// object where that field would be added when the spec leaves it to its default. The stored path
// is checked first (core/webview/spec-path-check.ts).
import * as vscode from 'vscode';
import { HyperlabError } from '../../core/errors.ts';
import type { Run } from '../../core/store/types.ts';
import { locateJsonPath } from '../../core/spec/json-locate.ts';
import { checkSpecPath } from '../../core/webview/spec-path-check.ts';

export async function openSpecField(run: Run, field: string | null): Promise<void> {
  // The stored path is input: only a real *.hyperlab.json inside the workspace is opened.
  const checked = checkSpecPath(run.specPath, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  if (!checked.ok) {
    throw new HyperlabError(checked.gone ? 'SPEC_NOT_FOUND' : 'SPEC_INVALID', `Not opening the spec of run ${run.name} (#${run.id}): ${checked.reason}.`, checked.hint);
  }
  const specPath = checked.path;
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
