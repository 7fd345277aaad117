// A plain-JS statement of what Store.series must return, to check the SQL against.
// Kept independent of src/core/store/series-query.ts on purpose: it restates the rule.
import type { MetricPoint, SeriesBucket } from '../../../src/core/store/index.ts';

const BLOCK = 64;

/** The stored series after writes: one point per step, the last write winning. */
export function storedSeries(writes: readonly MetricPoint[], key: string): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const point of writes) if (point.key === key) byStep.set(point.step, point);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Buckets over step: equal runs of `width` steps from `origin`, rounded to 64-step blocks for long series. */
export function referenceByStep(points: readonly MetricPoint[], buckets: number): SeriesBucket[] {
  if (points.length === 0) return [];
  const lo = points[0]!.step;
  const hi = points[points.length - 1]!.step;
  let origin = lo;
  let width = Math.ceil((hi - lo + 1) / buckets);
  if (width >= BLOCK) {
    origin = Math.floor(lo / BLOCK) * BLOCK;
    width = Math.ceil(Math.ceil((hi - origin + 1) / buckets) / BLOCK) * BLOCK;
  }
  return group(points, (p) => Math.floor((p.step - origin) / width), (last) => last.step);
}

/** Buckets over time for short series: N equal spans of [min time, max time]. */
export function referenceByTime(points: readonly MetricPoint[], buckets: number): SeriesBucket[] {
  if (points.length === 0) return [];
  const lo = Math.min(...points.map((p) => p.time));
  const hi = Math.max(...points.map((p) => p.time));
  const bucketOf = (p: MetricPoint) => (hi === lo ? 0 : Math.min(Math.floor(((p.time - lo) * buckets) / (hi - lo)), buckets - 1));
  return group(points, bucketOf, (last) => last.time);
}

function group(points: readonly MetricPoint[], bucketOf: (p: MetricPoint) => number, xOf: (last: MetricPoint) => number): SeriesBucket[] {
  const groups = new Map<number, MetricPoint[]>();
  for (const point of points) {
    const bucket = bucketOf(point);
    const members = groups.get(bucket);
    if (members) members.push(point);
    else groups.set(bucket, [point]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, members]) => {
      const values = members.map((p) => p.value).filter((v) => !Number.isNaN(v));
      const last = members.reduce((a, b) => (b.step > a.step ? b : a));
      return {
        x: xOf(last),
        min: values.length > 0 ? Math.min(...values) : Number.NaN,
        max: values.length > 0 ? Math.max(...values) : Number.NaN,
        last: last.value,
        count: members.length,
      };
    });
}
