// Finding and reading experiment specs (*.hyperlab.json) in the workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HyperlabError } from '../../core/errors.ts';
import type { Params } from '../../core/protocol/messages.ts';
import { SETTINGS_SECTION } from '../config/settings.ts';
import { withExecutionSetting } from './executionSetting.ts';

export const SPEC_SUFFIX = '.hyperlab.json';
export const SPEC_GLOB = `**/*${SPEC_SUFFIX}`;

export function isSpecUri(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return !!uri && uri.path.endsWith(SPEC_SUFFIX);
}

/** The spec to run: the given one, the active editor's, the only one, or the user's pick. */
export async function chooseSpec(given?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (isSpecUri(given)) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (isSpecUri(active)) return active;
  const found = await vscode.workspace.findFiles(SPEC_GLOB, '**/node_modules/**', 200);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    const create = 'New Experiment';
    const choice = await vscode.window.showInformationMessage(
      `No experiment spec (*${SPEC_SUFFIX}) in this workspace yet.`, create);
    if (choice === create) await vscode.commands.executeCommand('hyperlab.newExperiment');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map((uri) => ({ label: specName(uri), description: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Run Experiment', placeHolder: 'Which experiment spec?' },
  );
  return picked?.uri;
}

/** The spec's file name without the suffix: the experiment's default name. */
export function specName(uri: vscode.Uri): string {
  return path.basename(uri.fsPath, SPEC_SUFFIX);
}

/** Saves unsaved edits first (a person expects the run to use what they see), then parses. */
export async function readSpec(uri: vscode.Uri): Promise<Params> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HyperlabError('SPEC_INVALID', `${path.basename(uri.fsPath)} is not valid JSON: ${(error as Error).message}`,
      'Fix the JSON syntax (the Problems view shows where), then run again.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HyperlabError('SPEC_INVALID', `${path.basename(uri.fsPath)} must hold a JSON object.`, 'Start from a template: Hyperlab: New Experiment.');
  }
  return parsed as Params;
}

/** The spec as a run or sweep of it will use it: read as readSpec does, with the hyperlab.execution setting where it has no execution section. */
export async function readSpecToRun(uri: vscode.Uri): Promise<Params> {
  return withExecutionSetting(await readSpec(uri), vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<unknown>('execution'));
}
