// Writes metric points fast: a key dictionary cached in memory, multi-row INSERT statements
// prepared once per chunk size, and each run's latest point per key kept in run_keys.
import { HyperlabError } from '../errors.ts';
import type { Driver, PreparedStatement, SqlValue } from './driver.ts';
import { MetricBlocks } from './metric-blocks.ts';
import type { MetricPoint } from './types.ts';

const COLUMNS_PER_ROW = 6;
/** Rows per INSERT statement; remainders use the smaller sizes. Measured in test/bench/store.bench.ts. */
export const CHUNK_SIZES = [256, 64, 16, 4, 1] as const;

export class MetricIngest {
  private readonly driver: Driver;
  private readonly keyIds = new Map<string, number>();
  private readonly inserts = new Map<number, PreparedStatement>();
  private readonly insertKey: PreparedStatement;
  private readonly selectKey: PreparedStatement;
  private readonly upsertLatest: PreparedStatement;
  private readonly selectLastStep: PreparedStatement;
  private readonly blocks: MetricBlocks;
  private readonly buffers = new Map<number, SqlValue[]>();

  constructor(driver: Driver) {
    this.driver = driver;
    this.insertKey = driver.prepare('INSERT INTO metric_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
    this.selectKey = driver.prepare('SELECT id FROM metric_keys WHERE name = ?');
    this.selectLastStep = driver.prepare('SELECT last_step FROM run_keys WHERE run_id = ? AND key_id = ?');
    this.blocks = new MetricBlocks(driver);
    this.upsertLatest = driver.prepare(`
      INSERT INTO run_keys (run_id, key_id, last_step, last_time, last_value) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (run_id, key_id) DO UPDATE SET
        last_step = excluded.last_step, last_time = excluded.last_time, last_value = excluded.last_value
      WHERE excluded.last_step >= run_keys.last_step`);
  }

  /** The id of a metric key, creating it on first use. Call inside a transaction. */
  keyId(name: string): number {
    const cached = this.keyIds.get(name);
    if (cached !== undefined) return cached;
    this.insertKey.run(name);
    const id = Number(this.selectKey.get(name)!.id);
    this.keyIds.set(name, id);
    return id;
  }

  /** Looks a key up without creating it. */
  findKeyId(name: string): number | undefined {
    const cached = this.keyIds.get(name);
    if (cached !== undefined) return cached;
    const row = this.selectKey.get(name);
    if (!row) return undefined;
    const id = Number(row.id);
    this.keyIds.set(name, id);
    return id;
  }

  /** Keys created inside a transaction that rolled back no longer exist. */
  forgetKeys(): void {
    this.keyIds.clear();
  }

  /**
   * Inserts the points (call inside a transaction) and returns the largest step among them.
   * A point at an existing (run, key, step) replaces it: the last write wins.
   */
  append(runId: number, points: readonly MetricPoint[]): number {
    // Group by key first: each key's rows are one contiguous range of the clustered b-tree, so
    // writing them key by key appends to a few places instead of hopping between ranges per row.
    const byKey = new Map<number, MetricPoint[]>();
    let lastStep = -Infinity;
    for (let index = 0; index < points.length; index++) {
      const point = points[index]!;
      checkPoint(point, index);
      const keyId = this.keyId(point.key);
      const keyPoints = byKey.get(keyId);
      if (keyPoints === undefined) byKey.set(keyId, [point]);
      else keyPoints.push(point);
      if (point.step > lastStep) lastStep = point.step;
    }
    for (const [keyId, keyPoints] of byKey) {
      const previous = this.selectLastStep.get(runId, keyId);
      this.insertRows(runId, keyId, keyPoints);
      this.blocks.update(runId, keyId, keyPoints, previous ? Number(previous.last_step) : null);
      let latest = keyPoints[0]!;
      for (const point of keyPoints) if (point.step >= latest.step) latest = point; // the last write wins a tie
      this.upsertLatest.run(runId, keyId, latest.step, latest.time, latest.value);
    }
    return lastStep;
  }

  private insertRows(runId: number, keyId: number, points: readonly MetricPoint[]): void {
    let index = 0;
    for (const size of CHUNK_SIZES) {
      if (points.length - index < size) continue;
      const statement = this.insertStatement(size);
      const values = this.buffer(size);
      while (points.length - index >= size) {
        let v = 0;
        for (let end = index + size; index < end; index++) {
          const point = points[index]!;
          values[v++] = runId;
          values[v++] = keyId;
          values[v++] = point.step;
          values[v++] = point.epoch ?? null;
          values[v++] = point.time;
          values[v++] = point.value; // NaN binds as NULL
        }
        statement.runValues(values);
      }
    }
  }

  private insertStatement(rows: number): PreparedStatement {
    let statement = this.inserts.get(rows);
    if (!statement) {
      const tuple = `(${new Array(COLUMNS_PER_ROW).fill('?').join(', ')})`;
      statement = this.driver.prepare(
        `INSERT OR REPLACE INTO metrics (run_id, key_id, step, epoch, time, value) VALUES ${new Array(rows).fill(tuple).join(', ')}`,
      );
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  private buffer(rows: number): SqlValue[] {
    let values = this.buffers.get(rows);
    if (!values) {
      values = new Array<SqlValue>(rows * COLUMNS_PER_ROW).fill(null);
      this.buffers.set(rows, values);
    }
    return values;
  }
}

function checkPoint(point: MetricPoint, index: number): void {
  if (typeof point.key !== 'string' || point.key === '') {
    throw new HyperlabError('STORE_INPUT', `metric point ${index}: key must be a non-empty string`, 'Name every metric, e.g. "loss".');
  }
  if (!Number.isSafeInteger(point.step) || point.step < 0) {
    throw new HyperlabError('STORE_INPUT', `metric point ${index} (${point.key}): step must be a non-negative integer (got ${String(point.step)})`, 'Report steps as whole numbers (0, 1, 2, …).');
  }
  if (!Number.isFinite(point.time)) {
    throw new HyperlabError('STORE_INPUT', `metric point ${index} (${point.key}): time must be a finite number of ms since the epoch (got ${String(point.time)})`, 'Use Date.now() (or time.time() * 1000 in Python).');
  }
  if (point.epoch !== undefined && point.epoch !== null && !Number.isFinite(point.epoch)) {
    throw new HyperlabError('STORE_INPUT', `metric point ${index} (${point.key}): epoch must be a finite number or absent (got ${String(point.epoch)})`, 'Leave epoch out, or report it as a number.');
  }
  if (typeof point.value !== 'number') {
    throw new HyperlabError('STORE_INPUT', `metric point ${index} (${point.key}): value must be a number (got ${typeof point.value})`, 'Report metric values as numbers; NaN and ±Infinity are allowed.');
  }
}
