// In a workspace the user has not trusted, Hyperlab reads its store but never starts a process:
// a spec or a training script from an unknown repository must not run by a click.
import * as vscode from 'vscode';

/**
 * True when processes may start; otherwise tells the user why not and returns false at once
 * (the notification's button is handled when clicked; the command does not wait for it).
 */
export function ensureTrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage(
    `Hyperlab can't ${action} in Restricted Mode: it would start a process from this workspace. Trust the workspace to enable it.`,
    manage,
  ).then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}
