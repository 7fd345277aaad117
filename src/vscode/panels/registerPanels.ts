// Defines the panels (their hosts and serializers) and the commands that open them from the
// Run Explorer's context menu or the palette, with the runs the user selected.
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../core/store/types.ts';
import { COMPARISON_TITLE, ComparisonHost } from './compareHost.ts';
import { experimentOfArgs } from './compareSelection.ts';
import { CURVES_TITLE, CurvesHost } from './curvesHost.ts';
import { DETAIL_TITLE, DetailHost } from './detailHost.ts';
import { GRADIENTS_TITLE, GradientsHost } from './gradientsHost.ts';
import { PanelRegistry } from './panelRegistry.ts';
import { pickRuns, runIdsFromArgs } from './panelSelection.ts';
import { SWEEP_TITLE, SweepHost, type SweepActions } from './sweepHost.ts';
import { COMPRESS_TITLE, CompressHost } from './compressHost.ts';
import { registerGuardedCommand } from '../commands/guardedCommand.ts';

export const PANEL_COMMANDS = {
  showCurves: 'hyperlab.showCurves',
  showGradients: 'hyperlab.showGradientMonitor',
  showDetailPanel: 'hyperlab.showRunDetailPanel',
  compareRuns: 'hyperlab.compareRuns',
  showSweep: 'hyperlab.showSweepDashboard',
  compressAndExport: 'hyperlab.compressAndExport',
} as const;

export interface PanelWiring {
  extensionUri: vscode.Uri;
  logger: Logger;
  /** The open store, or undefined when none exists yet. */
  store(): Store | undefined;
  onStoreChange: vscode.Event<void>;
  /** What the Sweep dashboard's "Run it again" does. */
  sweepActions: SweepActions;
  /** The extension's folder (the Compress & Export panel runs its bundled CLI). */
  extensionPath: string;
}

export function registerPanels(wiring: PanelWiring): { registry: PanelRegistry; disposables: vscode.Disposable[] } {
  const registry = new PanelRegistry(wiring);
  registry.define({ kind: 'curves', title: CURVES_TITLE, create: (panel, services, state) => new CurvesHost(panel, services, state) });
  registry.define({ kind: 'gradients', title: GRADIENTS_TITLE, create: (panel, services, state) => new GradientsHost(panel, services, state) });
  registry.define({ kind: 'detail', title: DETAIL_TITLE, create: (panel, services, state) => new DetailHost(panel, services, state) });
  registry.define({ kind: 'comparison', title: COMPARISON_TITLE, create: (panel, services, state) => new ComparisonHost(panel, services, state) });
  registry.define({ kind: 'sweep', title: SWEEP_TITLE, create: (panel, services, state) => new SweepHost(panel, services, state, wiring.sweepActions) });
  registry.define({ kind: 'compress', title: COMPRESS_TITLE, create: (panel, services, state) => new CompressHost(panel, services, state, wiring.extensionPath) });

  const selection = async (args: unknown[], title: string, many: boolean): Promise<number[] | undefined> => {
    const store = wiring.store();
    if (!store) {
      void vscode.window.showInformationMessage('No runs yet: run an experiment first.');
      return undefined;
    }
    const ids = runIdsFromArgs(store, args);
    return ids.length ? ids : pickRuns(store, { title, many });
  };
  const guarded = (id: string, body: (...args: unknown[]) => Promise<void>) => registerGuardedCommand(id, body, wiring.logger);
  const disposables = [
    registry,
    guarded(PANEL_COMMANDS.showCurves, async (...args) => {
      const ids = await selection(args, 'Runs to show in Curves', true);
      if (ids) (registry.show('curves') as CurvesHost).setRuns(ids);
    }),
    guarded(PANEL_COMMANDS.showGradients, async (...args) => {
      const ids = await selection(args, 'Run to show in the Gradient Monitor', false);
      if (ids?.[0] !== undefined) (registry.show('gradients') as GradientsHost).setRun(ids[0]);
    }),
    guarded(PANEL_COMMANDS.showDetailPanel, async (...args) => {
      const ids = await selection(args, 'Run to show in Run Detail', false);
      // A click on a run in the Run Explorer (its node is the argument) leaves the keyboard in the tree.
      const fromTree = typeof args[0] === 'object' && args[0] !== null && 'kind' in args[0];
      if (ids?.[0] !== undefined) (registry.show('detail', { preserveFocus: fromTree }) as DetailHost).setRun(ids[0]);
    }),
    guarded(PANEL_COMMANDS.showSweep, async (...args) => {
      const sweepId = sweepIdOfArgs(args);
      const host = registry.show('sweep') as SweepHost;
      if (sweepId !== undefined) host.setSweep(sweepId);
    }),
    guarded(PANEL_COMMANDS.compressAndExport, async (...args) => {
      const ids = await selection(args, 'Run to compress and export', false);
      if (ids?.[0] !== undefined) (registry.show('compress') as CompressHost).setRun(ids[0]);
    }),
    guarded(PANEL_COMMANDS.compareRuns, async (...args) => {
      (registry.show('comparison') as ComparisonHost).setExperiment(experimentOfArgs(wiring.store(), args));
    }),
  ];
  return { registry, disposables };
}

/** A sweep id from a tree node ({ kind: 'sweep', sweep }), a number, or { sweepId }. */
export function sweepIdOfArgs(args: readonly unknown[]): number | undefined {
  const arg = args[0];
  if (typeof arg === 'number' && Number.isSafeInteger(arg)) return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const node = arg as { kind?: unknown; sweep?: { id?: unknown }; sweepId?: unknown };
  if (node.kind === 'sweep' && typeof node.sweep?.id === 'number') return node.sweep.id;
  return typeof node.sweepId === 'number' ? node.sweepId : undefined;
}
