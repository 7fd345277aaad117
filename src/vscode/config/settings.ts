// The extension's settings, read in one place with their defaults and bounds.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const SETTINGS_SECTION = 'hyperlab';
export const DEFAULT_STORE_PATH = '.hyperlab/runs.db';

export interface HyperlabSettings {
  /** As written in the setting (may be relative to the workspace). */
  storePath: string;
  parallelism: number;
  stopTimeoutSeconds: number;
  /** A command line to run instead of the built-in engine; empty = the engine. */
  producerCommand: readonly string[];
}

export function readSettings(): HyperlabSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const storePath = config.get<string>('storePath', DEFAULT_STORE_PATH).trim() || DEFAULT_STORE_PATH;
  const parallelism = clampInteger(config.get<number>('parallelism', 1), 1, 64);
  const stopTimeoutSeconds = Math.max(0, Number(config.get<number>('stopTimeoutSeconds', 10)) || 0);
  const producer = config.get<unknown>('producerCommand', []);
  const producerCommand = Array.isArray(producer) ? producer.filter((p): p is string => typeof p === 'string' && p !== '') : [];
  return { storePath, parallelism, stopTimeoutSeconds, producerCommand };
}

/** The store's absolute path: the setting, resolved against the first workspace folder. */
export function resolveStorePath(settings: HyperlabSettings): string | undefined {
  const expanded = settings.storePath.replace(/^~(?=$|[\\/])/, process.env.HOME ?? process.env.USERPROFILE ?? '~');
  if (path.isAbsolute(expanded)) return expanded;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, expanded) : undefined;
}

function clampInteger(value: unknown, min: number, max: number): number {
  const n = Math.round(Number(value));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
