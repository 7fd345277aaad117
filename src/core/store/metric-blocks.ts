// Keeps metric_blocks (per-64-step rollups of each series) in step with metrics, so a long
// series downsamples from ~1/64 of its rows. Appends (the normal case: steps rising past the
// last stored one) merge in JS; anything else (rewritten or out-of-order steps) recomputes the
// touched blocks from the raw rows, so the rollups are always exact.
import type { Driver, PreparedStatement } from './driver.ts';
import { BLOCK_STEPS } from './schema.ts';
import type { MetricPoint } from './types.ts';

interface BlockAggregate {
  block: number;
  count: number;
  min: number | null;
  max: number | null;
  minTime: number;
  maxTime: number;
  last: MetricPoint;
}

export class MetricBlocks {
  private readonly merge: PreparedStatement;
  private readonly recompute: PreparedStatement;

  constructor(driver: Driver) {
    // min(a, b) is NULL when either is NULL (an all-NaN block), hence the coalesce chains.
    this.merge = driver.prepare(`
      INSERT INTO metric_blocks (run_id, key_id, block, count, min, max, min_time, max_time, last_step, last_time, last_value)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, key_id, block) DO UPDATE SET
        count = count + excluded.count,
        min = coalesce(min(min, excluded.min), min, excluded.min),
        max = coalesce(max(max, excluded.max), max, excluded.max),
        min_time = min(min_time, excluded.min_time),
        max_time = max(max_time, excluded.max_time),
        last_step = excluded.last_step, last_time = excluded.last_time, last_value = excluded.last_value`);
    this.recompute = driver.prepare(`
      INSERT OR REPLACE INTO metric_blocks
        SELECT g.run_id, g.key_id, ?, g.count, g.min, g.max, g.min_time, g.max_time, m.step, m.time, m.value
        FROM (SELECT run_id, key_id, count(*) AS count, min(value) AS min, max(value) AS max,
                     min(time) AS min_time, max(time) AS max_time, max(step) AS last_step
              FROM metrics WHERE run_id = ? AND key_id = ? AND step BETWEEN ? AND ?) AS g
        JOIN metrics AS m ON m.run_id = g.run_id AND m.key_id = g.key_id AND m.step = g.last_step`);
  }

  /**
   * Updates the blocks for one key after `points` (this key's points of the batch, in batch
   * order) were written. `previousLastStep` is the key's greatest step before the batch.
   */
  update(runId: number, keyId: number, points: readonly MetricPoint[], previousLastStep: number | null): void {
    if (isAppend(points, previousLastStep)) {
      for (const b of aggregate(points)) {
        this.merge.run(runId, keyId, b.block, b.count, b.min, b.max, b.minTime, b.maxTime, b.last.step, b.last.time, b.last.value);
      }
      return;
    }
    const touched = new Set<number>();
    for (const point of points) touched.add(Math.floor(point.step / BLOCK_STEPS));
    for (const block of touched) {
      this.recompute.run(block, runId, keyId, block * BLOCK_STEPS, block * BLOCK_STEPS + BLOCK_STEPS - 1);
    }
  }
}

function isAppend(points: readonly MetricPoint[], previousLastStep: number | null): boolean {
  let last = previousLastStep ?? -1;
  for (const point of points) {
    if (point.step <= last) return false;
    last = point.step;
  }
  return true;
}

/** Points in rising step order → one aggregate per block. NaN values count but have no min/max. */
function aggregate(points: readonly MetricPoint[]): BlockAggregate[] {
  const blocks: BlockAggregate[] = [];
  let current: BlockAggregate | undefined;
  for (const point of points) {
    const block = Math.floor(point.step / BLOCK_STEPS);
    if (!current || current.block !== block) {
      current = { block, count: 0, min: null, max: null, minTime: point.time, maxTime: point.time, last: point };
      blocks.push(current);
    }
    current.count++;
    const value = point.value;
    if (!Number.isNaN(value)) {
      if (current.min === null || value < current.min) current.min = value;
      if (current.max === null || value > current.max) current.max = value;
    }
    if (point.time < current.minTime) current.minTime = point.time;
    if (point.time > current.maxTime) current.maxTime = point.time;
    current.last = point;
  }
  return blocks;
}
