// What every command handler may use: the parts activate() wired together.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log.ts';
import type { RunDocumentProvider } from '../documents/runDocuments.ts';
import type { RunTreeProvider } from '../runExplorer/runTreeProvider.ts';
import type { RunLauncher } from '../runs/runLauncher.ts';
import type { StoreSession } from '../store/storeSession.ts';

export interface CommandContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  session: StoreSession;
  launcher: () => RunLauncher;
  tree: RunTreeProvider;
  logs: RunDocumentProvider;
  details: RunDocumentProvider;
  refreshViews(): void;
  /** The Run Explorer's selected nodes (a key binding passes no argument). */
  selection?: () => readonly unknown[];
}
