// The extension's entry: wiring only. Each part lives in src/vscode/<domain>/.
import * as vscode from 'vscode';
import type { HyperlabApi } from './vscode/api.ts';
import { registerCommands } from './vscode/commands/registerCommands.ts';
import { readSettings, SETTINGS_SECTION } from './vscode/config/settings.ts';
import { DETAILS_SCHEME, LOG_SCHEME, RunDocumentProvider } from './vscode/documents/runDocuments.ts';
import { SpecDiagnostics } from './vscode/documents/specDiagnostics.ts';
import { createChannelLogger } from './vscode/logging/outputChannelLogger.ts';
import { registerPanels } from './vscode/panels/registerPanels.ts';
import { RunTreeProvider } from './vscode/runExplorer/runTreeProvider.ts';
import { ActivityTicker } from './vscode/runExplorer/activityTicker.ts';
import type { RunLauncher } from './vscode/runs/runLauncher.ts';
import { WindowRunLauncher } from './vscode/runs/windowRunLauncher.ts';
import { runIdOf } from './vscode/commands/runSelection.ts';
import { RunningRunsItem } from './vscode/statusBar/runningRunsItem.ts';
import { StoreSession } from './vscode/store/storeSession.ts';
import { registerSweepCommands } from './vscode/sweeps/registerSweepCommands.ts';
import { registerTuneCommands } from './vscode/sweeps/tuneCommands.ts';
import { InboxWatcher } from './vscode/tracking/inboxWatcher.ts';
import { ClusterWatcher } from './vscode/tracking/clusterWatcher.ts';
import { registerTrackingCommands } from './vscode/tracking/trackingCommands.ts';
import { SweepController } from './vscode/sweeps/sweepController.ts';
import type { SweepHost } from './vscode/panels/sweepHost.ts';

export const RUN_EXPLORER_VIEW = 'hyperlab.runs';

let launcher: RunLauncher | undefined;
let sweeps: SweepController | undefined;

export function activate(context: vscode.ExtensionContext): HyperlabApi {
  const started = performance.now();
  const logger = createChannelLogger('Hyperlab');
  const session = new StoreSession(logger);
  const existing = () => session.existing();
  const tree = new RunTreeProvider(existing);
  const statusItem = new RunningRunsItem(existing);
  const logs = new RunDocumentProvider(LOG_SCHEME, existing);
  const details = new RunDocumentProvider(DETAILS_SCHEME, existing);
  // SLURM runs outlive the window: reattached at activation, followed while it is open.
  const cluster = vscode.workspace.isTrusted ? new ClusterWatcher(session, logger) : undefined;
  const getLauncher = (): RunLauncher =>
    (launcher ??= new WindowRunLauncher({ acquireStore: () => session.lease(), logger, extensionPath: context.extensionPath, settings: readSettings, ...(cluster ? { cluster } : {}) }));
  const refreshViews = (): void => {
    tree.refresh();
    statusItem.update();
    logs.refreshOpen();
    details.refreshOpen();
  };
  const view = vscode.window.createTreeView(RUN_EXPLORER_VIEW, { treeDataProvider: tree, canSelectMany: true });
  // The selection as run ids, from VS Code's own selection events: while live runs redraw the
  // tree, view.selection (and a context menu's arguments) can name elements VS Code has dropped
  // until it fetches them again, and a command then got no run ("Which run?" after Stop on two
  // selected running runs). The rows stay selected on screen, and these ids with them.
  let selectedRuns: { runId: number }[] = [];
  const selectionEvents = view.onDidChangeSelection((e) => {
    selectedRuns = e.selection.map(runIdOf).filter((id): id is number => id !== undefined).map((runId) => ({ runId }));
  });
  const ticker = new ActivityTicker(() => statusItem.runningCount > 0, () => tree.refresh());

  const panels = registerPanels({
    extensionUri: context.extensionUri, extensionPath: context.extensionPath, logger, store: existing, onStoreChange: session.onDidChange,
    sweepActions: { runSpec: (spec, specPath, experiment) => getLauncher().launch({ spec, specPath, experiment, overrides: {} }) },
  });
  sweeps = new SweepController({
    session, logger, extensionPath: context.extensionPath, refreshViews, ...(cluster ? { cluster } : {}),
    showDashboard: (sweepId) => (panels.registry.show('sweep') as SweepHost).setSweep(sweepId),
  });
  context.subscriptions.push(
    logger.channel, session, tree, statusItem, logs, details, view, selectionEvents, ticker, new SpecDiagnostics(),
    session.onDidChange(refreshViews),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.storePath`)) session.reset();
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.parallelism`)) launcher?.parallelismChanged();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => session.reset()),
    ...panels.disposables,
    ...registerSweepCommands(sweeps, logger),
    ...registerTuneCommands(session, context.extensionPath, logger),
    ...registerTrackingCommands(session, context.extensionPath, logger, refreshViews),
    new InboxWatcher(session, logger),
    ...(cluster ? [cluster] : []),
    ...registerCommands({ extensionUri: context.extensionUri, logger, session, launcher: getLauncher, tree, logs, details, refreshViews, selection: () => (view.selection.length > 0 ? view.selection : selectedRuns) },
      () => logger.channel.show(true)),
  );
  const activationMs = performance.now() - started;
  logger.log('info', `Hyperlab activated in ${activationMs.toFixed(1)} ms (${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace)`);

  return {
    store: () => session.require(),
    runExplorer: { snapshot: () => tree.snapshot(), refresh: refreshViews },
    statusBar: { snapshot: () => statusItem.snapshot() },
    activationMs,
    whenIdle: () => launcher?.whenIdle() ?? Promise.resolve(),
    sweeps: { driving: () => sweeps?.driving() ?? [], whenDone: async (sweepId: number) => (await sweeps?.whenDone(sweepId))?.status },
  };
}

/**
 * Runs still going get a stop and end as 'killed' with a reason, not as orphans. VS Code disposes
 * the subscriptions (the store session among them) as soon as this is called, without awaiting
 * it: each run holds a lease on its store, which closes once the last run has written its end.
 */
export async function deactivate(): Promise<void> {
  await Promise.all([launcher?.dispose(), sweeps?.dispose()]);
  launcher = undefined;
  sweeps = undefined;
}
