// A command whose failure reaches the user once: logged to the Output channel with the command's
// id, and shown as an error notification; the command then resolves undefined.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';

export function registerGuardedCommand(id: string, body: (...args: unknown[]) => unknown, logger: Logger): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await body(...args);
    } catch (error) {
      logger.log('error', `${id}: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Hyperlab: ${errorMessage(error)}`);
      return undefined;
    }
  });
}
