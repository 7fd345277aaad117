// Helpers for the suites: the extension's API, its folder, the workspace, waiting on the store.
import path from 'node:path';
import * as vscode from 'vscode';
import type { HyperlabApi } from '../../../src/vscode/api.ts';

export const EXTENSION_ID = 'hyperlab.hyperlab';

export async function hyperlab(): Promise<{ api: HyperlabApi; extension: vscode.Extension<HyperlabApi> }> {
  const extension = vscode.extensions.getExtension<HyperlabApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  return { api, extension };
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs a workspace folder');
  return folder.uri.fsPath;
}

/** The protocol fixture producer of the runner's tests, in a given mode (normal, slow, crash...). */
export async function useFixtureProducer(extensionPath: string, mode: string): Promise<void> {
  const fixture = path.join(extensionPath, 'test', 'fixtures', 'producer.mjs');
  await vscode.workspace.getConfiguration('hyperlab').update('producerCommand', ['${execPath}', fixture, mode], vscode.ConfigurationTarget.Workspace);
}

export async function useBuiltInEngine(): Promise<void> {
  await vscode.workspace.getConfiguration('hyperlab').update('producerCommand', undefined, vscode.ConfigurationTarget.Workspace);
}

/** Polls until check() returns a value (not undefined/false); fails naming what it waited for. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
