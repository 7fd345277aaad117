// In a workspace the user has not trusted, Hyperlab reads its store but never starts a process:
// a spec or a training script from an unknown repository must not run by a click.
import * as vscode from 'vscode';

/** True when processes may start; otherwise tells the user why not and returns false. */
export async function ensureTrusted(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `Hyperlab can't ${action} in Restricted Mode: it would start a process from this workspace. Trust the workspace to enable it.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
