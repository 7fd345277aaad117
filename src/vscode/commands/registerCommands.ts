// The command table: every contributed command id and its handler. Errors end up as one clear
// notification (HyperlabError's message and hint) and a line in the Output channel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import { SHOW_DETAILS_COMMAND } from '../runExplorer/runTreeProvider.ts';
import type { CommandContext } from './commandContext.ts';
import { errorNotice } from './errorNotice.ts';
import { newExperiment, type NewExperimentOptions, runExperiment, type RunExperimentOptions } from './experimentCommands.ts';
import { copyParams, deleteRun, type DeleteRunOptions, revealLog, showLog, showRunDetails, stopRun } from './runCommands.ts';
import { deleteRuns, editRunNote, renameRun, resumeRun, runAgainWithChanges, stopRuns, tagRun, type TextOption, toggleStar } from './runManageCommands.ts';
import { selectedRunIds, selectionStoodIn } from './runSelection.ts';

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
  renameRun: 'hyperlab.renameRun',
  tagRun: 'hyperlab.tagRun',
  editRunNote: 'hyperlab.editRunNote',
  toggleStar: 'hyperlab.toggleStar',
  runAgainWithChanges: 'hyperlab.runAgainWithChanges',
  resumeRun: 'hyperlab.resumeRun',
} as const;

export function registerCommands(ctx: CommandContext, showOutput: () => void): vscode.Disposable[] {
  const treeSelection = (): readonly unknown[] => ctx.selection?.() ?? [];
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], (...args: unknown[]) => unknown> = {
    [COMMANDS.newExperiment]: (options) => newExperiment(ctx, isPlainObject(options) ? (options as NewExperimentOptions) : {}),
    [COMMANDS.runExperiment]: (arg, options) => runExperiment(ctx, arg, options as RunExperimentOptions | undefined),
    [COMMANDS.stopRun]: (arg, selection) => {
      const ids = selectedRunIds(arg, selection, treeSelection);
      return ids.length > 1 || (selectionStoodIn(arg, selection) && ids.length === 1) ? stopRuns(ctx, ids) : stopRun(ctx, ids[0] ?? arg);
    },
    [COMMANDS.deleteRun]: (arg, options) => {
      // From code: (id, { confirm }) or (undefined, { runIds, confirm }); from the tree: (node, selectedNodes); the Delete key: ().
      const given = isDeleteOptions(options) ? options : undefined;
      const ids = given?.runIds ?? selectedRunIds(arg, options, treeSelection);
      return ids.length > 1 ? deleteRuns(ctx, ids, given?.confirm !== false) : deleteRun(ctx, ids[0] ?? arg, given);
    },
    // A key binding (F2) passes no run: the tree's selected run is the one meant.
    [COMMANDS.renameRun]: (arg, options) => renameRun(ctx, arg ?? selectedRunIds(undefined, undefined, treeSelection)[0], isPlainObject(options) ? (options as TextOption) : undefined),
    [COMMANDS.tagRun]: (arg, options) => tagRun(ctx, arg, isPlainObject(options) ? (options as TextOption) : undefined),
    [COMMANDS.editRunNote]: (arg, options) => editRunNote(ctx, arg, isPlainObject(options) ? (options as TextOption) : undefined),
    [COMMANDS.toggleStar]: (arg) => toggleStar(ctx, arg),
    [COMMANDS.runAgainWithChanges]: (arg, options) => runAgainWithChanges(ctx, arg, isPlainObject(options) ? (options as { overrides?: string }) : undefined),
    [COMMANDS.resumeRun]: (arg) => resumeRun(ctx, arg),
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
        const notice = errorNotice(message);
        const more = notice.hasDetails ? 'Show Details' : 'Show Output';
        vscode.window.showErrorMessage(notice.text, more).then((c) => c === more && showOutput());
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
  return isPlainObject(value) && ('confirm' in value || 'runIds' in value);
}

/** The README inside the extension: README.md in a checkout, readme.md once vsce has packaged it. */
function readmeUri(extensionUri: vscode.Uri): vscode.Uri {
  const name = ['README.md', 'readme.md'].find((n) => fs.existsSync(path.join(extensionUri.fsPath, n))) ?? 'README.md';
  return vscode.Uri.joinPath(extensionUri, name);
}
