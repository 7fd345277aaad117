// Raw metric points of one key, for export. The Store interface has no raw point reader yet, so
// this uses one when the store offers it (`points(runId, key)`) and otherwise reads the series
// at one bucket per step, which gives every step and value but no epoch or time.
import type { MetricPoint, Store } from '../../core/store/types.ts';

type PointReader = { points(runId: number, key: string): MetricPoint[] };

function hasPointReader(store: Store): store is Store & PointReader {
  return typeof (store as Partial<PointReader>).points === 'function';
}

export function metricPoints(store: Store, runId: number, key: string): MetricPoint[] {
  if (hasPointReader(store)) return store.points(runId, key);
  const [whole] = store.series(runId, key, { buckets: 1 });
  if (!whole) return [];
  // Steps are ≥ 0, so lastStep + 1 buckets hold at most one step each.
  return store.series(runId, key, { buckets: whole.x + 1 }).map((b) => ({ key, step: b.x, epoch: null, time: Number.NaN, value: b.last }));
}
