// Commands on one run: details, stop, delete, log, copy params.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import { removeRunDirectory, runDirectory } from '../../core/runner/index.ts';
import type { Run } from '../../core/store/types.ts';
import { detailsUri, logUri, runLogText } from '../documents/runDocuments.ts';
import type { CommandContext } from './commandContext.ts';
import { resolveRun } from './runArgument.ts';

export async function showRunDetails(ctx: CommandContext, arg?: unknown): Promise<void> {
  const run = await resolveRun(ctx.session.require(), arg, { title: 'Open Run Record as JSON' });
  if (!run) return;
  const doc = await vscode.workspace.openTextDocument(detailsUri(run));
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function stopRun(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const run = await resolveRun(ctx.session.require(), arg, { title: 'Stop Run', statuses: ['running', 'queued'] });
  if (!run) return false;
  if (run.status !== 'running' && run.status !== 'queued') {
    vscode.window.showInformationMessage(`Run ${run.name} has already ended (${run.status}).`);
    return false;
  }
  const launcher = ctx.launcher();
  if (launcher.supervises(run.id)) {
    ctx.logger.log('info', `Stopping run #${run.id} (${run.name})`);
    await launcher.stop(run.id);
    ctx.refreshViews();
    return true;
  }
  return signalForeignRun(ctx, run);
}

/** Options code can pass; a context-menu click passes none and gets the confirmation. */
export interface DeleteRunOptions { confirm?: boolean; /** several runs, behind one confirmation */ runIds?: number[] }

export async function deleteRun(ctx: CommandContext, arg?: unknown, options?: DeleteRunOptions): Promise<boolean> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Delete Run' });
  if (!run) return false;
  const active = run.status === 'running' || run.status === 'queued';
  if (options?.confirm !== false) {
    const action = active ? 'Stop and Delete' : 'Delete';
    const answer = await vscode.window.showWarningMessage(
      `Delete run "${run.name}" (#${run.id}) of ${run.experimentName}?`,
      { modal: true, detail: `Its metrics, log and artifact records are removed from the store, and its folder ${vscode.workspace.asRelativePath(runDirectory(store.path, run.id))} with its checkpoints. Files elsewhere are kept.` },
      action,
    );
    if (answer !== action) return false;
  }
  const launcher = ctx.launcher();
  if (active && launcher.supervises(run.id)) await launcher.stop(run.id);
  const deleted = store.deleteRun(run.id);
  try {
    removeRunDirectory(store.path, run.id);
  } catch (error) {
    ctx.logger.log('warn', `Run #${run.id} deleted, but its folder could not be removed: ${errorMessage(error)}`);
  }
  ctx.logger.log('info', `Deleted run #${run.id} (${run.name})`);
  ctx.refreshViews();
  return deleted;
}

export async function showLog(ctx: CommandContext, arg?: unknown): Promise<void> {
  const run = await resolveRun(ctx.session.require(), arg, { title: 'Show Log' });
  if (!run) return;
  const doc = await vscode.workspace.openTextDocument(logUri(run));
  await vscode.languages.setTextDocumentLanguage(doc, 'log');
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** Writes the log next to the store (logs/NAME-ID.log) and reveals that file. */
export async function revealLog(ctx: CommandContext, arg?: unknown): Promise<vscode.Uri | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Reveal Log' });
  if (!run) return undefined;
  const file = path.join(path.dirname(store.path), 'logs', path.basename(logUri(run).path));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${runLogText(store, run.id)}\n`);
  const uri = vscode.Uri.file(file);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
  return uri;
}

export async function copyParams(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const run = await resolveRun(ctx.session.require(), arg, { title: 'Copy Params as JSON' });
  if (!run) return undefined;
  const json = JSON.stringify(run.params, null, 2);
  await vscode.env.clipboard.writeText(json);
  vscode.window.setStatusBarMessage(`$(copy) Params of ${run.name} copied`, 3000);
  return json;
}

/** A run started by another process (the CLI): ask that process to stop with SIGTERM. */
async function signalForeignRun(ctx: CommandContext, run: Run): Promise<boolean> {
  if (run.pid === null) {
    // Queued in another window, or left queued by one that closed: no process yet, so nothing
    // to signal. Ending it in the store is enough: a window starts a queued run only if the
    // store still says queued.
    const mark = 'Mark as Stopped';
    const answer = await vscode.window.showWarningMessage(
      `Run ${run.name} is queued outside this window (another VS Code window, or one that closed) and has no process yet. Mark it as stopped so it never starts?`,
      { modal: true }, mark);
    if (answer !== mark) return false;
    ctx.session.require().endRun(run.id, 'killed', 'stopped from another window before it started');
    ctx.refreshViews();
    return true;
  }
  const answer = await vscode.window.showWarningMessage(
    `Run ${run.name} was started outside this window (process ${run.pid}). Send it a stop signal (SIGTERM)?`, { modal: true }, 'Stop');
  if (answer !== 'Stop') return false;
  try {
    process.kill(run.pid, 'SIGTERM');
    ctx.logger.log('info', `Sent SIGTERM to process ${run.pid} of run #${run.id}`);
    return true;
  } catch (error) {
    vscode.window.showWarningMessage(`Process ${run.pid} of run ${run.name} is not running: ${(error as Error).message}`);
    return false;
  }
}
