// What a user does to runs as things of their own: rename, tag, note, star, run again with
// changes, resume from a checkpoint; and Delete / Stop on a multi-selection behind one question.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { overridesAgainstSpecFile, overridesText } from '../../core/compare/run-name.ts';
import { errorMessage, HyperlabError } from '../../core/errors.ts';
import { removeRunDirectory } from '../../core/runner/index.ts';
import { parseTagList, TAG_FILTER_EXAMPLE, TAGS_EXAMPLE } from '../../core/store/run-annotations.ts';
import type { Run, Store } from '../../core/store/types.ts';
import type { CommandContext } from './commandContext.ts';
import { runExperiment } from './experimentCommands.ts';
import { resolveRun } from './runArgument.ts';

/** Text a test passes instead of typing into the box (the palette and menus pass none). */
export interface TextOption { text?: string }

async function ask(options: TextOption | undefined, box: vscode.InputBoxOptions): Promise<string | undefined> {
  return options?.text !== undefined ? options.text : vscode.window.showInputBox(box);
}

export async function renameRun(ctx: CommandContext, arg?: unknown, options?: TextOption): Promise<string | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Rename Run' });
  if (!run) return undefined;
  const name = await ask(options, { title: `Rename run #${run.id}`, value: run.name, prompt: 'A name for the run (shown in the Run Explorer, Comparison and runs ls).' });
  if (name === undefined) return undefined;
  store.renameRun(run.id, name);
  ctx.refreshViews();
  return store.getRun(run.id)!.name;
}

/** Tags as typed: separated by spaces or commas. The box holds the run's tags; what is left is what it keeps. */
export async function tagRun(ctx: CommandContext, arg?: unknown, options?: TextOption): Promise<string[] | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Tag Run' });
  if (!run) return undefined;
  const current = store.annotations([run.id]).get(run.id)?.tags ?? [];
  const typed = await ask(options, {
    title: `Tags of run ${run.name} (#${run.id})`, value: current.join(' '),
    prompt: `Tags separated by spaces, e.g. ${TAGS_EXAMPLE}. Remove a word to take its tag off. Comparison filters by ${TAG_FILTER_EXAMPLE}.`,
  });
  if (typed === undefined) return undefined;
  const wanted = parseTagList(typed);
  store.untagRun(run.id, current.filter((t) => !wanted.includes(t)));
  store.tagRun(run.id, wanted);
  ctx.refreshViews();
  return store.annotations([run.id]).get(run.id)?.tags ?? [];
}

export async function editRunNote(ctx: CommandContext, arg?: unknown, options?: TextOption): Promise<string | null | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Edit Note' });
  if (!run) return undefined;
  const note = await ask(options, { title: `Note on run ${run.name} (#${run.id})`, value: store.annotations([run.id]).get(run.id)?.note ?? '', prompt: 'A note for the run; empty removes it.' });
  if (note === undefined) return undefined;
  store.setRunNote(run.id, note);
  ctx.refreshViews();
  return store.annotations([run.id]).get(run.id)?.note ?? null;
}

export async function toggleStar(ctx: CommandContext, arg?: unknown): Promise<boolean | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Star Run' });
  if (!run) return undefined;
  const starred = !(store.annotations([run.id]).get(run.id)?.starred ?? false);
  store.setRunStarred(run.id, starred);
  ctx.refreshViews();
  return starred;
}

/** The spec file a run came from, or an error that says why there is none. */
function specOf(run: Run): vscode.Uri {
  if (!run.specPath || !fs.existsSync(run.specPath)) {
    throw new HyperlabError('SPEC_NOT_FOUND', `run ${run.name} (#${run.id}) has no spec file${run.specPath ? ` (${run.specPath} is gone)` : ''}`, 'Open its experiment\'s *.hyperlab.json and use Run Experiment.');
  }
  return vscode.Uri.file(run.specPath);
}

/** The run's overrides against its spec file as it is now: what differs, as the box's text. */
function runOverridesText(run: Run): string {
  return overridesText(overridesAgainstSpecFile(run.params, run.specPath) ?? {});
}

export async function runAgainWithChanges(ctx: CommandContext, arg?: unknown, options?: { overrides?: string }): Promise<number | undefined> {
  const run = await resolveRun(ctx.session.require(), arg, { title: 'Run Again with Changes…' });
  if (!run) return undefined;
  const spec = specOf(run);
  return runExperiment(ctx, spec, { prefill: runOverridesText(run), ...(options?.overrides !== undefined ? { overrides: options.overrides } : {}) });
}

/** The run's last checkpoint (written when it stopped), or null. */
export function lastCheckpoint(store: Store, runId: number): string | null {
  const found = store.artifacts(runId).filter((a) => a.kind === 'checkpoint' && a.meta?.['which'] === 'last' && fs.existsSync(a.path));
  return found.length > 0 ? found[found.length - 1]!.path : null;
}

/** A stopped run goes on from its last checkpoint as a new run with the same overrides. */
export async function resumeRun(ctx: CommandContext, arg?: unknown): Promise<number | undefined> {
  const store = ctx.session.require();
  const run = await resolveRun(store, arg, { title: 'Resume Run', statuses: ['killed'] });
  if (!run) return undefined;
  const checkpoint = lastCheckpoint(store, run.id);
  if (run.status !== 'killed' || checkpoint === null) {
    throw new HyperlabError('RUN_NOT_FOUND', `run ${run.name} (#${run.id}) cannot be resumed: ${run.status !== 'killed' ? `it ${run.status === 'running' || run.status === 'queued' ? 'is still going' : `ended ${run.status}`}` : 'it left no checkpoint'}`,
      'Resume works on a stopped run that saved a last checkpoint; use Run Again with Changes… to start over.');
  }
  return runExperiment(ctx, specOf(run), { overrides: runOverridesText(run), extra: { 'train.checkpoint.resumeFrom': checkpoint }, name: `${run.name} (resumed)` });
}

/** Delete several runs behind one confirmation (stopping those still going in this window). */
export async function deleteRuns(ctx: CommandContext, ids: readonly number[], confirm = true): Promise<number> {
  const store = ctx.session.require();
  const runs = ids.map((id) => store.getRun(id)).filter((r): r is Run => r !== undefined);
  if (runs.length === 0) return 0;
  if (confirm) {
    const going = runs.filter((r) => r.status === 'running' || r.status === 'queued').length;
    const action = going > 0 ? 'Stop and Delete' : 'Delete';
    const names = runs.slice(0, 6).map((r) => `${r.name} (#${r.id})`).join(', ') + (runs.length > 6 ? `, and ${runs.length - 6} more` : '');
    const answer = await vscode.window.showWarningMessage(`Delete ${runs.length} runs?`,
      { modal: true, detail: `${names}.\nTheir metrics, logs and run folders with checkpoints are removed${going > 0 ? `; ${going} still going ${going === 1 ? 'is' : 'are'} stopped first` : ''}.` }, action);
    if (answer !== action) return 0;
  }
  const launcher = ctx.launcher();
  let deleted = 0;
  for (const run of runs) {
    if ((run.status === 'running' || run.status === 'queued') && launcher.supervises(run.id)) await launcher.stop(run.id);
    if (store.deleteRun(run.id)) deleted++;
    try {
      removeRunDirectory(store.path, run.id);
    } catch (error) {
      ctx.logger.log('warn', `Run #${run.id} deleted, but its folder could not be removed: ${errorMessage(error)}`);
    }
  }
  ctx.logger.log('info', `Deleted ${deleted} runs: ${runs.map((r) => `#${r.id}`).join(', ')}`);
  ctx.refreshViews();
  return deleted;
}

/** Stop the runs this window supervises among these, behind one confirmation naming them. */
export async function stopRuns(ctx: CommandContext, ids: readonly number[]): Promise<number> {
  const store = ctx.session.require();
  const launcher = ctx.launcher();
  const runs = ids.map((id) => store.getRun(id)).filter((r): r is Run => r !== undefined && (r.status === 'running' || r.status === 'queued') && launcher.supervises(r.id));
  if (runs.length === 0) {
    vscode.window.showInformationMessage('None of the selected runs is going in this window.');
    return 0;
  }
  const named = runs.map((r) => `${r.name} (#${r.id})`).join(', ');
  const answer = runs.length === 1
    ? await vscode.window.showWarningMessage(`Stop ${named}?`, { modal: true }, 'Stop')
    : await vscode.window.showWarningMessage(`Stop ${runs.length} runs?`, { modal: true, detail: named }, 'Stop');
  if (answer !== 'Stop') return 0;
  await Promise.all(runs.map((r) => launcher.stop(r.id)));
  ctx.refreshViews();
  return runs.length;
}
