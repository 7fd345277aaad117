// The best finished trial of a sweep from the runs' rollups (one query, no raw points): for the
// Run Explorer's "best" mark, which refreshes often. The same objective rules as objective.ts,
// except 'epoch' reads the last value (the rollups keep no per-epoch values).
import type { SearchConfig } from '../search/types.ts';
import type { Run, Store, Sweep } from '../store/types.ts';

export function bestTrialRun(store: Store, sweep: Sweep, runs: readonly Run[]): { runId: number; value: number } | null {
  const objective = (sweep.config as unknown as SearchConfig).objective;
  if (!objective?.metric) return null;
  const finished = runs.filter((r) => r.status === 'finished');
  if (finished.length === 0) return null;
  const keys = new Set([`epoch.${objective.metric}`, objective.metric]);
  const byRun = new Map<number, number>();
  for (const range of store.metricRanges(finished.map((r) => r.id))) {
    if (!keys.has(range.key)) continue;
    // The per-epoch key wins where a run has both (the driver reads that one).
    if (byRun.has(range.runId) && range.key === objective.metric) continue;
    const value = objective.value === 'best' ? (objective.direction === 'min' ? range.min : range.max) : range.last;
    if (Number.isFinite(value)) byRun.set(range.runId, value);
  }
  let best: { runId: number; value: number } | null = null;
  for (const [runId, value] of byRun) {
    if (!best || (objective.direction === 'min' ? value < best.value : value > best.value) || (value === best.value && runId < best.runId)) best = { runId, value };
  }
  return best;
}
