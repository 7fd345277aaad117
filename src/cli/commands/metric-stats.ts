// Per-key statistics of a run's metrics, taken from the store's SQL downsampling (one bucket
// per key holds the count, min, max and last point of the whole series).
import type { Store } from '../../core/store/types.ts';

export interface MetricStats {
  key: string;
  points: number;
  lastStep: number;
  last: number;
  min: number;
  max: number;
}

export function metricStats(store: Store, runId: number): MetricStats[] {
  return store.metricKeys(runId).flatMap((key) => {
    const [bucket] = store.series(runId, key, { buckets: 1 });
    return bucket ? [{ key, points: bucket.count, lastStep: bucket.x, last: bucket.last, min: bucket.min, max: bucket.max }] : [];
  });
}
