// The experiment templates shipped in media/templates (one *.hyperlab.json each).
import * as vscode from 'vscode';
import type { Params } from '../../core/protocol/messages.ts';
import { SPEC_SUFFIX } from '../runs/specFiles.ts';

export interface SpecTemplate {
  id: string;
  uri: vscode.Uri;
  description: string;
  spec: Params;
}

export async function listTemplates(extensionUri: vscode.Uri): Promise<SpecTemplate[]> {
  const folder = vscode.Uri.joinPath(extensionUri, 'media', 'templates');
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const templates: SpecTemplate[] = [];
  for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    if (type !== vscode.FileType.File || !name.endsWith(SPEC_SUFFIX)) continue;
    const uri = vscode.Uri.joinPath(folder, name);
    try {
      const spec = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as Params;
      const description = typeof spec.description === 'string' ? spec.description : '';
      templates.push({ id: name.slice(0, -SPEC_SUFFIX.length), uri, description, spec });
    } catch {
      // A broken template is skipped rather than breaking the picker; its unit test catches it.
    }
  }
  return templates;
}
