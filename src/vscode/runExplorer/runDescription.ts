// The short text next to a run in the tree: the metric a person looks for first, and how
// long the run took (or has been going). Pure functions, unit-testable without VS Code.
import type { Params } from '../../core/protocol/messages.ts';
import { formatNumber as formatCoreNumber } from '../../core/format.ts';
import { formatProgress, type RunProgress } from '../../core/progress.ts';
import type { LatestValue, Run } from '../../core/store/types.ts';

/**
 * Metric names in the order people usually want to see them: held-out results first, then the
 * training loss (what one watches while a run goes), then training accuracy. Matched ignoring
 * case and separators (val/acc, val.acc and VAL_ACC are one name).
 */
const PREFERRED_METRICS = ['val_accuracy', 'val_acc', 'test_accuracy', 'test_acc', 'val_loss', 'test_loss',
  'accuracy', 'acc', 'loss', 'train_loss', 'train_accuracy', 'train_acc'];

const normalize = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]+/g, '_');

/** The most telling numeric entry of a summary or a set of latest values, or undefined. */
export function keyMetric(values: Params | readonly LatestValue[] | null): { key: string; value: number } | undefined {
  if (!values) return undefined;
  const entries: [string, number][] = Array.isArray(values)
    ? (values as readonly LatestValue[]).map((v) => [v.key, v.value])
    : Object.entries(values as Params).flatMap(([k, v]) => (typeof v === 'number' ? [[k, v] as [string, number]] : []));
  if (entries.length === 0) return undefined;
  for (const wanted of PREFERRED_METRICS) {
    const hit = entries.find(([k]) => normalize(k) === wanted);
    if (hit) return { key: hit[0], value: hit[1] };
  }
  const [key, value] = entries.find(([k]) => normalize(k).includes('loss')) ?? entries[0]!;
  return { key, value };
}

/** Four significant digits: a tree row's description is short. */
export function formatNumber(value: number): string {
  return formatCoreNumber(value, 4);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Elapsed time of a run: start to end, or start to now while it runs. */
export function runDuration(run: Run, now: number): number | undefined {
  if (run.startedAt === null) return undefined;
  return (run.endedAt ?? now) - run.startedAt;
}

/**
 * `progress`: a running run's position against its producer's plan; it replaces metric and
 * duration (`epoch 3/8 · 37% · ETA 1m 20s`), which is what one wants to know while it goes.
 */
/** The experiment's objective as one run scored it (core/compare/objective.ts). */
export interface RunObjective { key: string; text: string; best: boolean }

export function describeRun(run: Run, latest: readonly LatestValue[] | null, now: number, progress: RunProgress | null = null, objective: RunObjective | null = null): string {
  if (run.status === 'running' && progress !== null) return formatProgress(progress);
  const parts: string[] = [];
  // An ended run shows the experiment's objective, the same key for all its runs (a diverged
  // one its NaN loss); without one, the most telling summary value.
  const metric = run.status === 'running' ? keyMetric(latest) : objective ? undefined : keyMetric(run.summary) ?? keyMetric(latest);
  if (objective && run.status !== 'running') parts.push(objective.text.startsWith(objective.key) || /\bNaN$/.test(objective.text) ? objective.text : `${objective.key} ${objective.text}${objective.best ? ' (best)' : ''}`);
  else if (metric) parts.push(`${metric.key} ${formatNumber(metric.value)}`);
  else if ((run.status === 'failed' || run.status === 'killed' || run.status === 'pruned') && run.reason) parts.push(truncate(run.reason, 40));
  if (run.status === 'queued') parts.push('queued');
  const duration = runDuration(run, now);
  if (duration !== undefined) parts.push(formatDuration(duration));
  return parts.join(' · ');
}

function truncate(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
