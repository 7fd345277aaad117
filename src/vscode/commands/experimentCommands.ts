// New Experiment (a spec from a template) and Run Experiment (the active spec, with overrides).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HyperlabError } from '../../core/errors.ts';
import type { Params } from '../../core/protocol/messages.ts';
import { chooseSpec, readSpecToRun, SPEC_SUFFIX, specName } from '../runs/specFiles.ts';
import { applyOverrides, isProducerSpec, parseProducerSpec, parseSpec, producerConfig, resolveProducerOverrides, specExperiment } from '../../core/spec/index.ts';
import { formatSpecJson } from '../../core/spec/format-json.ts';
import { resolveOverridePaths } from '../../core/spec/override-paths.ts';
import { OVERRIDES_EXAMPLE, overridesError, parseOverrides } from '../runs/overrides.ts';
import { progressNotificationEnabled, showRunProgress } from '../runs/progressNotification.ts';
import { listTemplates } from '../templates/specTemplates.ts';
import { ensureTrusted } from '../trust/workspaceTrust.ts';
import type { CommandContext } from './commandContext.ts';

/** Options code can pass (the integration suite); the palette passes none and asks. */
export interface NewExperimentOptions {
  /** Template id (its file name without .hyperlab.json). */
  template?: string;
  name?: string;
  /** Replace an existing file of that name without asking. */
  overwrite?: boolean;
}

export async function newExperiment(ctx: CommandContext, options: NewExperimentOptions = {}): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    vscode.window.showWarningMessage('Open a folder first: a Hyperlab experiment is a spec file in your workspace.');
    return undefined;
  }
  const templates = await listTemplates(ctx.extensionUri);
  if (templates.length === 0) {
    vscode.window.showWarningMessage('No experiment templates were found in this Hyperlab installation (media/templates). Reinstall the extension.');
    return undefined;
  }
  const template = options.template !== undefined ? templates.find((t) => t.id === options.template)
    : templates.length === 1 ? templates[0] : (await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.id, detail: t.description, template: t })),
    { title: 'New Experiment', placeHolder: 'Start from which template?', matchOnDetail: true },
  ))?.template;
  if (!template) {
    if (options.template !== undefined) {
      throw new HyperlabError('USAGE', `There is no template "${options.template}".`, `Use one of: ${templates.map((t) => t.id).join(', ')}.`);
    }
    return undefined;
  }
  const name = options.name ?? await vscode.window.showInputBox({
    title: 'New Experiment',
    prompt: `Name of the experiment (the file will be NAME${SPEC_SUFFIX} in ${folder.name})`,
    value: template.id,
    validateInput: (value) => (/^[\w][\w.-]*$/.test(value.trim()) ? undefined : 'Use letters, digits, dot, dash or underscore.'),
  });
  if (!name) return undefined;
  const target = vscode.Uri.joinPath(folder.uri, `${name.trim()}${SPEC_SUFFIX}`);
  if (!options.overwrite && (await exists(target))) {
    const overwrite = await vscode.window.showWarningMessage(`${path.basename(target.fsPath)} already exists.`, { modal: true }, 'Overwrite');
    if (overwrite !== 'Overwrite') return undefined;
  }
  // "$schema" points into the extension's folder; the jsonValidation contribution covers the copy.
  const { $schema: _schema, ...rest } = template.spec;
  const spec: Params = 'name' in rest ? { ...rest, name: name.trim() } : rest;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(formatSpecJson(spec)));
  await copyTemplateData(template.uri, target, spec);
  ctx.logger.log('info', `New experiment ${target.fsPath} from template ${template.id}`);
  await vscode.window.showTextDocument(target);
  return target;
}

/** Options code can pass (the integration suite, other commands); the palette passes none. */
export interface RunExperimentOptions {
  /** Overrides as typed after --set; skips the input box when given. */
  overrides?: string;
  /** The box's starting text ("Run Again with Changes…" passes the run's overrides). */
  prefill?: string;
  /** Overrides added after the typed ones (Resume: the checkpoint to start from). */
  extra?: Params;
  /** The new run's name (default: what the overrides change). */
  name?: string;
}

export async function runExperiment(ctx: CommandContext, arg?: unknown, options?: RunExperimentOptions): Promise<number | undefined> {
  if (!ensureTrusted('run an experiment')) return undefined;
  const specUri = await chooseSpec(arg instanceof vscode.Uri ? arg : undefined);
  if (!specUri) return undefined;
  const spec = await readSpecToRun(specUri);
  // The spec as written must be valid before overrides are asked for: a broken file is fixed in
  // the file (the error says where), not by retyping overrides.
  if (isProducerSpec(spec)) parseProducerSpec(spec);
  else parseSpec(spec);
  const typed = options?.overrides !== undefined
    ? overridesFor(spec, options.overrides)
    : await askOverrides(spec, specName(specUri), options?.prefill ?? '');
  if (typed === undefined) return undefined;
  const overrides = options?.extra ? { ...typed, ...options.extra } : typed;
  if (options?.extra && !isProducerSpec(spec)) applyOverrides(spec, overrides);
  const experiment = specExperiment(spec.name, specUri.fsPath);
  const runId = ctx.launcher().launch({ specPath: specUri.fsPath, spec, experiment, overrides, ...(options?.name ? { name: options.name } : {}) });
  ctx.refreshViews();
  vscode.window.setStatusBarMessage(`$(play) Hyperlab: run #${runId} of ${experiment} started`, 4000);
  if (progressNotificationEnabled()) showRunProgress(() => ctx.session.existing(), runId, `Hyperlab: run #${runId} of ${experiment}`, () => ctx.launcher().stop(runId));
  return runId;
}

/** The typed overrides with each key resolved to its field's full path, checked against the spec. */
function overridesFor(spec: Params, typed: string): Params {
  if (isProducerSpec(spec)) {
    // The keys are paths into the script's config (a tail completes); the values are the script's business.
    const script = parseProducerSpec(spec);
    const resolved = resolveProducerOverrides(script, parseOverrides(typed)) as Params;
    producerConfig(script, resolved);
    return resolved;
  }
  const overrides = resolveOverridePaths(spec, parseOverrides(typed));
  applyOverrides(spec, overrides);
  return overrides;
}

/**
 * The overrides box. A mistake reopens it with the text as typed and the problem above it
 * (closing the box cancels the run), so nothing typed is lost.
 */
async function askOverrides(spec: Params, name: string, prefill: string): Promise<Params | undefined> {
  let value = prefill;
  let problem: string | undefined;
  for (;;) {
    const typed = await vscode.window.showInputBox({
      title: `Run ${name}`,
      prompt: problem ?? 'Overrides for this run, as key=value pairs (like --set on the command line; a field\'s last path segments are enough). Leave empty to run the spec as written.',
      placeHolder: OVERRIDES_EXAMPLE,
      value,
      validateInput: (text) => overridesError(text),
    });
    if (typed === undefined) return undefined;
    try {
      return overridesFor(spec, typed);
    } catch (error) {
      value = typed;
      problem = `$(error) ${error instanceof HyperlabError ? error.message.replace(/\s*\n\s*-?\s*/g, ' ') : String(error)} Fix the overrides, or press Escape to cancel.`;
    }
  }
}

/** A template's data file (data.path, relative to the spec) goes along, unless one is already there. */
async function copyTemplateData(templateUri: vscode.Uri, target: vscode.Uri, spec: Params): Promise<void> {
  const data = spec.data;
  const relative = typeof data === 'object' && data !== null && !Array.isArray(data) ? data.path : undefined;
  if (typeof relative !== 'string' || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) return;
  const source = vscode.Uri.joinPath(templateUri, '..', relative);
  const destination = vscode.Uri.joinPath(target, '..', relative);
  if ((await exists(source)) && !(await exists(destination))) await vscode.workspace.fs.copy(source, destination);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
