// The Run Explorer: experiments; under each its sweeps (their trials inside, the best marked)
// and its other runs, starred first, then newest first. It holds no copy of the data: every
// refresh reads the store again (a few small queries).
import * as vscode from 'vscode';
import { liveProgress } from '../../core/progress.ts';
import { experimentObjective, shortKey } from '../../core/compare/objective.ts';
import { overridesAgainstSpecFile } from '../../core/compare/run-name.ts';
import { formatNumber } from '../../core/format.ts';
import type { Experiment, MetricRange, Run, RunAnnotation, Store, Sweep } from '../../core/store/types.ts';
import { bestTrialRun } from '../../core/sweep/best-run.ts';
import type { RunObjective } from './runDescription.ts';
import type { TreeNodeSnapshot } from '../api.ts';
import { describeRun } from './runDescription.ts';
import { statusIcon } from './runStatusIcon.ts';
import { runTooltip } from './runTooltip.ts';
import { varyingParams } from './tooltipMarkdown.ts';

export type RunTreeNode =
  | { kind: 'experiment'; experiment: Experiment; runs: Run[]; notes: ReadonlyMap<number, RunAnnotation>; ranges: readonly MetricRange[] }
  /** A sweep with its trials (by trial order) and the best finished one. */
  | { kind: 'sweep'; sweep: Sweep; runs: Run[]; best: { runId: number; value: number } | null; notes: ReadonlyMap<number, RunAnnotation> }
  /**
   * `varying`: the params that differ between the experiment's runs (shown in the hover card);
   * `objective`: the experiment's objective as this run scored it, and whether it is the best.
   */
  | { kind: 'run'; run: Run; varying: readonly string[]; note?: RunAnnotation; objective?: RunObjective; best?: boolean };

export const RUN_CONTEXT_PREFIX = 'hyperlabRun.';
export const EXPERIMENT_CONTEXT = 'hyperlabExperiment';
export const SWEEP_CONTEXT_PREFIX = 'hyperlabSweep.';
const SHOW_SWEEP_COMMAND = 'hyperlab.showSweepDashboard';
export const SHOW_DETAILS_COMMAND = 'hyperlab.showRunDetails';
/** A click on a run opens its Run detail panel (summary, confusion matrix, log tail). */
const OPEN_RUN_COMMAND = 'hyperlab.showRunDetailPanel';
/** How long after the last refresh of a burst the tree is refreshed once more (see refresh()). */
const SETTLE_MS = 1500;

export class RunTreeProvider implements vscode.TreeDataProvider<RunTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly storeOrUndefined: () => Store | undefined;
  private settle: ReturnType<typeof setTimeout> | undefined;

  constructor(storeOrUndefined: () => Store | undefined) {
    this.storeOrUndefined = storeOrUndefined;
  }

  refresh(): void {
    this.changed.fire(undefined);
    // VS Code answers a children request for an element it dropped in a refresh with nothing, so
    // an experiment expanded at that moment showed no runs until the next change (CI dry run: a
    // finished run missing under its experiment). One more refresh once changes stop mends it.
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.changed.fire(undefined);
    }, SETTLE_MS);
  }

  getChildren(node?: RunTreeNode): RunTreeNode[] {
    if (node?.kind === 'experiment') {
      const varying = varyingParams(node.runs);
      const scored = experimentObjective(node.runs, node.ranges);
      const objectiveOf = (run: Run): RunObjective | undefined => {
        const cell = scored.objective ? scored.cells.get(run.id) : undefined;
        return cell && cell.text !== '—' && scored.objective ? { key: shortKey(scored.objective.key), text: cell.text, best: run.id === scored.bestRunId && node.runs.length > 1 } : undefined;
      };
      const store = this.storeOrUndefined();
      const sweeps = store ? store.sweeps.list({ experiment: node.experiment.name }) : [];
      const inSweep = new Set(sweeps.map((s) => s.id));
      const sweepNodes: RunTreeNode[] = sweeps.map((sweep) => {
        const runs = node.runs.filter((r) => r.sweepId === sweep.id).sort((a, b) => a.id - b.id);
        return { kind: 'sweep', sweep, runs, best: store ? bestTrialRun(store, sweep, runs) : null, notes: node.notes };
      });
      // Starred runs first, then newest first (the order listRuns gave).
      const starred = (run: Run): number => (node.notes.get(run.id)?.starred ? 0 : 1);
      const plain = node.runs.filter((run) => run.sweepId === null || !inSweep.has(run.sweepId));
      return [...sweepNodes, ...[...plain].sort((a, b) => starred(a) - starred(b))
        .map((run): RunTreeNode => {
          const objective = objectiveOf(run);
          return { kind: 'run', run, varying, ...(node.notes.has(run.id) ? { note: node.notes.get(run.id)! } : {}), ...(objective ? { objective } : {}) };
        })];
    }
    if (node?.kind === 'sweep') {
      const varying = varyingParams(node.runs);
      return node.runs.map((run) => ({ kind: 'run', run, varying, best: run.id === node.best?.runId, ...(node.notes.has(run.id) ? { note: node.notes.get(run.id)! } : {}) }));
    }
    if (node) return [];
    const store = this.storeOrUndefined();
    if (!store) return [];
    const runs = store.listRuns({ sortBy: 'id', order: 'desc' });
    const notes = store.annotations();
    const ranges = this.endedRanges(store, runs);
    return store
      .listExperiments()
      .map((experiment) => ({ kind: 'experiment' as const, experiment, runs: runs.filter((r) => r.experimentId === experiment.id), notes, ranges }))
      .filter((n) => n.runs.length > 0);
  }

  getTreeItem(node: RunTreeNode): vscode.TreeItem {
    const now = Date.now();
    if (node.kind === 'experiment') {
      const { experiment, runs } = node;
      const item = new vscode.TreeItem(experiment.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${experiment.id}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      const active = runs.filter((r) => r.status === 'running').length;
      // Short enough for the default sidebar width ("3 runs · 1 running" was cut to "3 runs · 1 runni…").
      item.description = active ? `${active} of ${runs.length} running` : `${runs.length} run${runs.length === 1 ? '' : 's'}`;
      item.tooltip = experiment.specPath ? `${experiment.name}\n${experiment.specPath}` : experiment.name;
      item.contextValue = EXPERIMENT_CONTEXT;
      return item;
    }
    if (node.kind === 'sweep') return sweepItem(node);
    const { run } = node;
    const item = new vscode.TreeItem(run.name || `Run ${run.id}`, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${run.id}`;
    item.iconPath = statusIcon(run.status);
    const latest = run.status === 'running' ? this.latest(run.id) : null;
    const progress = latest === null ? null : liveProgress(node.note?.plan ?? null, node.note?.planTime ?? null, latest);
    const marks = [node.note?.starred ? '★' : '', ...(node.note?.tags ?? []).map((t) => `#${t}`)].filter((m) => m !== '');
    // Progress or the key metric first: at the default sidebar width the end of the line is cut.
    item.description = [node.best ? '★ best ·' : '', describeRun(run, latest, now, progress, node.objective ?? null), ...marks].filter((t) => t !== '').join(' ');
    // The hover card is made on hover (resolveTreeItem): it reads the spec file for the run's changes.
    item.contextValue = `${RUN_CONTEXT_PREFIX}${run.status}`;
    item.command = { command: OPEN_RUN_COMMAND, title: 'Show Run Details', arguments: [node] };
    return item;
  }

  /** A run's hover card, made when it is hovered: with every change against its spec file (the name shows a few). */
  resolveTreeItem(item: vscode.TreeItem, node: RunTreeNode): vscode.TreeItem {
    if (node.kind !== 'run') return item;
    item.tooltip = runTooltip(node.run, node.varying, Date.now(), node.note, overridesAgainstSpecFile(node.run.params, node.run.specPath),
      this.storeOrUndefined()?.cluster.get(node.run.id));
    return item;
  }

  /** What the tree shows now, as plain data (for tests and the exported API). */
  snapshot(): TreeNodeSnapshot[] {
    const toSnapshot = (node: RunTreeNode): TreeNodeSnapshot => {
      const item = this.getTreeItem(node);
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
      return {
        kind: node.kind,
        id: node.kind === 'run' ? node.run.id : node.kind === 'sweep' ? node.sweep.id : node.experiment.id,
        label: typeof item.label === 'string' ? item.label : item.label?.label ?? '',
        description: typeof item.description === 'string' ? item.description : '',
        icon: icon?.id ?? '',
        iconColor: icon?.color?.id ?? null,
        status: node.kind === 'run' ? node.run.status : null,
        contextValue: item.contextValue ?? '',
        children: this.getChildren(node).map(toSnapshot),
      };
    };
    return this.getChildren().map(toSnapshot);
  }

  dispose(): void {
    if (this.settle) clearTimeout(this.settle);
    this.changed.dispose();
  }

  private rangesCache: { key: string; ranges: readonly MetricRange[] } | null = null;

  /**
   * Metric ranges of the ended runs (what the objective is scored on), cached: an ended run's
   * series no longer change, and the tree refreshes every second while a run trains.
   */
  private endedRanges(store: Store, runs: readonly Run[]): readonly MetricRange[] {
    const ended = runs.filter((r) => r.status !== 'running' && r.status !== 'queued');
    // With the end time: a deleted newest run's id can come back for another run.
    const key = `${store.path}|${ended.map((r) => `${r.id}:${r.endedAt}`).join(',')}`;
    if (this.rangesCache?.key !== key) this.rangesCache = { key, ranges: store.metricRanges(ended.map((r) => r.id)) };
    return this.rangesCache.ranges;
  }

  private latest(runId: number) {
    try {
      return this.storeOrUndefined()?.latest(runId) ?? null;
    } catch {
      return null;
    }
  }
}

const SWEEP_ICONS: { [status: string]: { icon: string; color: string } } = {
  created: { icon: 'clock', color: 'descriptionForeground' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  stopped: { icon: 'debug-pause', color: 'descriptionForeground' },
  finished: { icon: 'search', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};

function sweepItem(node: Extract<RunTreeNode, { kind: 'sweep' }>): vscode.TreeItem {
  const { sweep, runs, best } = node;
  const item = new vscode.TreeItem(sweep.name, sweep.status === 'running' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `sweep:${sweep.id}`;
  const look = SWEEP_ICONS[sweep.status] ?? SWEEP_ICONS['created']!;
  item.iconPath = new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
  const ended = runs.filter((r) => r.status !== 'queued' && r.status !== 'running').length;
  const metric = (sweep.config as { objective?: { metric?: string } }).objective?.metric ?? 'objective';
  item.description = `${ended}${sweep.budgetTrials !== null ? `/${sweep.budgetTrials}` : ''} trials${best ? ` · best ${metric} ${formatNumber(best.value, 4)}` : ''}`;
  const counts = Object.entries(sweep.trialCounts).map(([status, n]) => `${n} ${status}`).join(', ');
  item.tooltip = new vscode.MarkdownString(`**${sweep.name}** · sweep #${sweep.id} · ${sweep.status}${sweep.reason ? `: ${sweep.reason}` : ''}\n\n${counts || 'no trials yet'}; parallelism ${sweep.parallelism}`);
  item.contextValue = `${SWEEP_CONTEXT_PREFIX}${sweep.status}`;
  item.command = { command: SHOW_SWEEP_COMMAND, title: 'Show Sweep Dashboard', arguments: [node] };
  return item;
}
