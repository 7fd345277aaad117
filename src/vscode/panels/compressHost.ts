// The Compress & Export panel's host: the run to compress (and why it cannot be, if so), the last
// report of its exports, and an export started from the panel: `hyperlab export` in a child
// process with a cancellable progress notification mirrored in the panel. Variants are checked
// again here (the webview is untrusted) before anything starts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Run, Store } from '../../core/store/types.ts';
import { compressReport, exportArguments, exportCommandLine, variantProblem, type ExportReportJson } from '../../core/webview/compress-data.ts';
import type { CompressReport, CompressRun, CompressState } from '../../core/webview/contract.ts';
import { runRef } from '../../core/webview/panel-data.ts';
import { startExport, type ExportProcess } from '../compress/exportProcess.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';
import { pickRuns } from './panelSelection.ts';

export const COMPRESS_TITLE = 'Hyperlab Compress & Export';
const COMMAND_FILE = 'hyperlab-export-command.txt';

export class CompressHost extends PanelHost<'compress'> {
  private runId: number | null;
  private running: ExportProcess | undefined;
  private readonly extensionPath: string;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: CompressState | undefined, extensionPath: string) {
    super('compress', panel, services, COMPRESS_TITLE);
    this.state = state ?? { runId: null, variants: [], format: 'onnx' };
    this.runId = this.state.runId;
    this.extensionPath = extensionPath;
    this.onDidDispose(() => this.running?.cancel());
  }

  setRun(runId: number): void {
    this.runId = runId;
    this.state = { ...(this.state ?? { variants: [], format: 'onnx' }), runId };
    this.send();
  }

  protected onReady(): void {
    this.send();
  }

  protected async onMessage(message: HandledMessage<'compress'>): Promise<void> {
    const store = this.services.store();
    if (!store) return;
    switch (message.type) {
      case 'pickRun': {
        const picked = await pickRuns(store, { title: 'Run to compress and export', many: false });
        if (picked?.[0] !== undefined) this.setRun(picked[0]);
        return;
      }
      case 'startExport':
        return this.export(store, message.runId, message.variants, message.format);
      case 'cancelExport':
        this.running?.cancel();
        return;
      case 'openFolder': {
        const report = message.runId === this.runId ? lastReport(store, message.runId) : null;
        if (report) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(report.outDir));
        return;
      }
      case 'copyCommand': {
        const report = message.runId === this.runId ? lastReport(store, message.runId) : null;
        if (!report) return;
        await vscode.env.clipboard.writeText(report.command);
        vscode.window.setStatusBarMessage('$(copy) Hyperlab: export command copied', 3000);
        return;
      }
    }
  }

  protected onStoreChanged(): void {
    // The run's status may change (it finishes while the panel is open); an export in flight posts its own progress.
    if (!this.running && this.runId !== null) this.send();
  }

  private send(): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: train a run first, then compress it here.' });
      return;
    }
    const run = this.runId === null ? undefined : store.getRun(this.runId);
    this.post({ type: 'run', run: run ? compressRun(store, run) : null, lastReport: run ? lastReport(store, run.id) : null });
  }

  private async export(store: Store, runId: number, variants: CompressState['variants'], format: CompressState['format']): Promise<void> {
    const run = runId === this.runId ? store.getRun(runId) : undefined;
    if (!run) return this.log('warn', `rejected an export of run ${runId}, which the panel does not show; it was ignored.`);
    if (this.running) {
      this.post({ type: 'exportFailed', message: 'An export of this panel is still running: cancel it or wait for it.' });
      return;
    }
    const info = compressRun(store, run);
    const problem = info.blocked ?? variants.map((v) => variantProblem(v, info.layerWidths)).find((p) => p !== null) ?? null;
    if (problem) {
      this.post({ type: 'exportFailed', message: problem });
      return;
    }
    const out = path.join(path.dirname(store.path), 'exports', `run-${run.id}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const args = exportArguments(run.id, variants, format, out, store.path);
    const command = exportCommandLine(args);
    this.log('info', `export started: ${command}`);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hyperlab: exporting run #${run.id}`, cancellable: true }, async (progress, token) => {
      let shown = 0;
      const child = startExport(this.extensionPath, args, path.dirname(store.path), (message, fraction) => {
        progress.report({ message, increment: Math.max(0, fraction * 100 - shown) });
        shown = Math.max(shown, fraction * 100);
        this.post({ type: 'progress', message, fraction });
      });
      this.running = child;
      token.onCancellationRequested(() => child.cancel());
      const result = await child.done;
      this.running = undefined;
      if (!result.ok) {
        this.log('warn', `export of run ${run.id} failed: ${result.message}`);
        this.post({ type: 'exportFailed', message: result.message });
        return;
      }
      fs.writeFileSync(path.join(out, COMMAND_FILE), `${command}\n`);
      const report = readReport(out, command, []);
      if (report) this.post({ type: 'report', report });
      else this.post({ type: 'exportFailed', message: `the export finished but ${path.join(out, 'report.json')} could not be read` });
    });
  }
}

/** The run as the panel shows it, with why it cannot be exported (if so) and its dense input widths. */
export function compressRun(store: Store, run: Run): CompressRun {
  const checkpoints = store.artifacts(run.id).filter((a) => a.kind === 'checkpoint');
  const blocked = run.status === 'diverged' ? `Run #${run.id} diverged (${run.reason ?? 'a non-finite loss'}): its weights are not a model to deploy.`
    : run.status !== 'finished' ? `Run #${run.id} is ${run.status}: only a finished run can be exported.`
    : checkpoints.length === 0 ? `Run #${run.id} has no checkpoint: train it with train.checkpoint.last true (the default) to export it.`
    : null;
  const testAcc = run.summary?.['test.acc'];
  return {
    run: { ...runRef(run), reason: run.reason },
    blocked,
    testAccuracy: typeof testAcc === 'number' ? testAcc : null,
    layerWidths: denseInputWidths(run.params),
  };
}

/** Input widths of the dense layers after the first dense one (their inputs are the previous one's units). */
function denseInputWidths(params: Run['params']): { name: string; inputs: number }[] {
  const widths: { name: string; inputs: number }[] = [];
  let previous: number | null = null;
  let dense = 0;
  for (let i = 0; ; i++) {
    const type = params[`model.layers.${i}.type`];
    if (type === undefined) break;
    if (type === 'dense') {
      dense++;
      const units = params[`model.layers.${i}.units`];
      if (previous !== null) widths.push({ name: `dense${dense}`, inputs: previous });
      previous = typeof units === 'number' ? units : null;
    } else if (type !== 'dropout' && type !== 'activation' && type !== 'batchnorm' && type !== 'layernorm') {
      previous = null;
    }
  }
  return widths;
}

function lastReport(store: Store, runId: number): CompressReport | null {
  const artifact = store.artifacts(runId).filter((a) => a.kind === 'export-report').at(-1);
  const out = typeof artifact?.meta?.['out'] === 'string' ? artifact.meta['out'] : artifact ? path.dirname(artifact.path) : null;
  if (!out) return null;
  const commandFile = path.join(out, COMMAND_FILE);
  const command = fs.existsSync(commandFile) ? fs.readFileSync(commandFile, 'utf8').trim() : `hyperlab export ${runId} --out ${out} (variants as in report.md)`;
  return readReport(out, command, []);
}

function readReport(out: string, command: string, labels: readonly string[]): CompressReport | null {
  try {
    return compressReport(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as ExportReportJson, command, labels);
  } catch {
    return null;
  }
}
