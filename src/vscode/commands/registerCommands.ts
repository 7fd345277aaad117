// The command table: every contributed command id and its handler. Errors end up as one clear
// notification (HyperlabError's message and hint) and a line in the Output channel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import { SHOW_DETAILS_COMMAND } from '../runExplorer/runTreeProvider.ts';
import type { CommandContext } from './commandContext.ts';
import { newExperiment, type NewExperimentOptions, runExperiment, type RunExperimentOptions } from './experimentCommands.ts';
import { copyParams, deleteRun, type DeleteRunOptions, revealLog, showLog, showRunDetails, stopRun } from './runCommands.ts';

export const COMMANDS = {
  newExperiment: 'hyperlab.newExperiment',
  runExperiment: 'hyperlab.runExperiment',
  stopRun: 'hyperlab.stopRun',
  deleteRun: 'hyperlab.deleteRun',
  showLog: 'hyperlab.showLog',
  revealLog: 'hyperlab.revealLog',
  copyParams: 'hyperlab.copyParams',
  showRunDetails: SHOW_DETAILS_COMMAND,
  refresh: 'hyperlab.refresh',
  openDocumentation: 'hyperlab.openDocumentation',
  showOutput: 'hyperlab.showOutput',
} as const;

export function registerCommands(ctx: CommandContext, showOutput: () => void): vscode.Disposable[] {
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], (...args: unknown[]) => unknown> = {
    [COMMANDS.newExperiment]: (options) => newExperiment(ctx, isPlainObject(options) ? (options as NewExperimentOptions) : {}),
    [COMMANDS.runExperiment]: (arg, options) => runExperiment(ctx, arg, options as RunExperimentOptions | undefined),
    [COMMANDS.stopRun]: (arg) => stopRun(ctx, arg),
    [COMMANDS.deleteRun]: (arg, options) => deleteRun(ctx, arg, isDeleteOptions(options) ? options : undefined),
    [COMMANDS.showLog]: (arg) => showLog(ctx, arg),
    [COMMANDS.revealLog]: (arg) => revealLog(ctx, arg),
    [COMMANDS.copyParams]: (arg) => copyParams(ctx, arg),
    [COMMANDS.showRunDetails]: (arg) => showRunDetails(ctx, arg),
    [COMMANDS.refresh]: () => ctx.refreshViews(),
    [COMMANDS.openDocumentation]: () => vscode.commands.executeCommand('markdown.showPreview', readmeUri(ctx.extensionUri)),
    [COMMANDS.showOutput]: () => showOutput(),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        const message = errorMessage(error);
        ctx.logger.log('error', `${id}: ${message}`);
        const more = 'Show Output';
        vscode.window.showErrorMessage(`Hyperlab: ${message}`, more).then((c) => c === more && showOutput());
        return undefined;
      }
    }),
  );
}

/** A menu passes tree nodes or URIs as arguments; only a plain options object counts as options. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && !('kind' in value);
}

function isDeleteOptions(value: unknown): value is DeleteRunOptions {
  return isPlainObject(value) && 'confirm' in value;
}

/** The README inside the extension: README.md in a checkout, readme.md once vsce has packaged it. */
function readmeUri(extensionUri: vscode.Uri): vscode.Uri {
  const name = ['README.md', 'readme.md'].find((n) => fs.existsSync(path.join(extensionUri.fsPath, n))) ?? 'README.md';
  return vscode.Uri.joinPath(extensionUri, name);
}
