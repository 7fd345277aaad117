// What the Curves panel says about shown runs that have nothing to draw, so an empty chart is
// never left unexplained: a queued run has not started, a running one has not reported the
// metric yet, an ended one never recorded it. Pure: a function of the runs and their series.
import type { RunRef } from '../../src/core/webview/contract.ts';

export interface SeriesPoints { runId: number; xs: ArrayLike<number> }

/** One sentence per run without points for `metric` (null: the runs have no metric at all). */
export function emptyNote(runs: readonly RunRef[], series: readonly SeriesPoints[], metric: string | null): string[] {
  const what = metric ?? 'metrics';
  return runs.filter((run) => !series.some((s) => s.runId === run.id && s.xs.length > 0)).map((run) => {
    const name = `${run.name} #${run.id}`;
    if (run.status === 'queued') return `${name} is queued: its curves appear once it starts.`;
    if (run.status === 'running') return `${name} is running but has not reported ${what} yet.`;
    return `${name} recorded no ${what} (${run.status}).`;
  });
}
