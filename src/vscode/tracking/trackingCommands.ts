// Tracking scripts from VS Code: "Run Python File with Tracking" runs the active .py file under
// the bundled `hyperlab run -- python3 FILE` in a terminal (the client writes to the run's channel,
// stdout and stderr become its log, closing the terminal stops it); "Import Runs…" brings a
// TensorBoard log folder or an MLflow store into the store, with the CLI's importers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { importMlflow, importTensorBoard, type ImportReport } from '../../core/import/index.ts';
import type { Logger } from '../../core/log.ts';
import type { StoreSession } from '../store/storeSession.ts';
import { ensureTrusted } from '../trust/workspaceTrust.ts';
import { registerGuardedCommand } from '../commands/guardedCommand.ts';

export const TRACKING_COMMANDS = { runPythonFile: 'hyperlab.runPythonFile', importRuns: 'hyperlab.importRuns' } as const;

export function registerTrackingCommands(session: StoreSession, extensionPath: string, logger: Logger, refreshViews: () => void): vscode.Disposable[] {
  const guarded = (id: string, body: (...args: unknown[]) => unknown) => registerGuardedCommand(id, body, logger);
  return [
    guarded(TRACKING_COMMANDS.runPythonFile, async (arg?: unknown) => {
      if (!ensureTrusted('run a Python script')) return undefined;
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri || !uri.fsPath.endsWith('.py')) {
        void vscode.window.showInformationMessage('Open a Python file (.py) first: it runs with the hyperlab client tracking it (import hyperlab; hyperlab.init(...)).');
        return undefined;
      }
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) await doc.save();
      const python = vscode.workspace.getConfiguration('hyperlab', uri).get<string>('pythonPath') || 'python3';
      const terminal = vscode.window.createTerminal({
        name: `Hyperlab: ${path.basename(uri.fsPath)}`,
        shellPath: process.execPath,
        shellArgs: [path.join(extensionPath, 'dist', 'cli.cjs'), 'run', '--db', session.require().path, '--', python, uri.fsPath],
        cwd: path.dirname(uri.fsPath),
        // The client from this extension, for a script that has not pip-installed it.
        env: { ELECTRON_RUN_AS_NODE: '1', PYTHONPATH: [path.join(extensionPath, 'python'), process.env['PYTHONPATH']].filter(Boolean).join(path.delimiter) },
        iconPath: new vscode.ThemeIcon('beaker'),
      });
      terminal.show(true);
      return terminal.name;
    }),
    guarded(TRACKING_COMMANDS.importRuns, async (...args: unknown[]) => {
      if (!ensureTrusted('import runs')) return undefined;
      const given = args[0] as { kind?: 'tensorboard' | 'mlflow'; path?: string } | undefined;
      const kind = given?.kind ?? (await vscode.window.showQuickPick([
        { label: 'TensorBoard logs', detail: 'A folder with events.out.tfevents.* files (one run per folder): scalars, steps and wall times', from: 'tensorboard' as const },
        { label: 'MLflow store', detail: 'An mlruns/ folder or an mlflow.db (SQLite): experiments, runs, params, tags, metric histories', from: 'mlflow' as const },
      ], { title: 'Import Runs' }))?.from;
      if (!kind) return undefined;
      const source = given?.path ?? (await vscode.window.showOpenDialog({
        title: kind === 'tensorboard' ? 'TensorBoard log folder' : 'MLflow store (mlruns folder or mlflow.db)',
        canSelectFolders: true, canSelectFiles: kind === 'mlflow', canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      }))?.[0]?.fsPath;
      if (!source) return undefined;
      const store = session.require();
      const report: ImportReport = kind === 'tensorboard' ? importTensorBoard(store, source) : importMlflow(store, source, path.dirname(source));
      refreshViews();
      const message = `Imported ${report.runs.length} run(s), ${report.points.toLocaleString('en-US')} points${report.skippedRuns ? `; ${report.skippedRuns} imported before, skipped` : ''}.`;
      logger.log('info', `Import Runs (${kind}, ${source}): ${message}${report.warnings.length ? ` Warnings: ${report.warnings.join('; ')}` : ''}`);
      void vscode.window.showInformationMessage(`Hyperlab: ${message}`);
      return report;
    }),
  ];
}
