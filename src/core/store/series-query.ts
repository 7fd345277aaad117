// A metric series downsampled inside SQLite to at most N buckets, each with min, max, count and
// its last point (the one with the greatest step). Charts never receive raw millions of rows.
//
// Over step, buckets are equal runs of `width` steps starting at `origin`:
//   bucket = floor((step - origin) / width),  width = ceil((hi - lo + 1) / N).
// Short series (width < 64) group the raw rows (at most ~64·N of them). Longer ones group the
// 64-step rollups in metric_blocks instead; then origin and width are rounded to whole blocks
// (origin = floor(lo/64)·64, width = a multiple of 64 with ceil((hi - origin + 1) / width) ≤ N),
// so every block lies in exactly one bucket and the result is still exact.
// Over time, buckets split [first time, last time] into N equal spans, exactly from the raw rows
// for series spanning up to 65,536 steps; beyond that each 64-step block is placed by its latest
// time (a bucket edge then falls between blocks, not points: invisible at chart resolution).
import { HyperlabError } from '../errors.ts';
import type { Driver, PreparedStatement, Row } from './driver.ts';
import { metricValue, num } from './rows.ts';
import { BLOCK_STEPS } from './schema.ts';
import type { SeriesBucket } from './types.ts';

export const DEFAULT_BUCKETS = 1000;
/** Longest step span downsampled over time from raw rows (bounded scan, ~20 ms). */
export const RAW_TIME_SPAN = 65_536;

type Args = Record<string, number>;
interface NamedStatement {
  all(args: Args): Row[];
}

export class SeriesQuery {
  private readonly bounds: NamedStatement;
  private readonly rawByStep: NamedStatement;
  private readonly blocksByStep: NamedStatement;
  private readonly rawByTime: NamedStatement;
  private readonly blocksByTime: NamedStatement;

  constructor(driver: Driver) {
    // Both ends of the clustered (run, key) range: two index probes, no scan.
    this.bounds = prepareNamed(driver, `
      SELECT (SELECT step FROM metrics WHERE run_id = :run AND key_id = :key ORDER BY step ASC LIMIT 1) AS lo,
             (SELECT step FROM metrics WHERE run_id = :run AND key_id = :key ORDER BY step DESC LIMIT 1) AS hi`);
    // better-sqlite3 binds every JS number as REAL, hence the CASTs that keep divisions integral.
    this.rawByStep = prepareNamed(driver, `
      WITH grouped AS (
        SELECT (step - CAST(:origin AS INTEGER)) / CAST(:width AS INTEGER) AS bucket,
               min(value) AS min, max(value) AS max, count(*) AS count, max(step) AS last_step
        FROM metrics WHERE run_id = :run AND key_id = :key
        GROUP BY bucket
      )
      SELECT g.last_step AS x, g.min, g.max, g.count, l.value AS last
      FROM grouped AS g JOIN metrics AS l ON l.run_id = :run AND l.key_id = :key AND l.step = g.last_step
      ORDER BY g.bucket`);
    this.blocksByStep = prepareNamed(driver, `
      WITH grouped AS (
        SELECT (block - CAST(:originBlock AS INTEGER)) / CAST(:blocksPerBucket AS INTEGER) AS bucket,
               min(min) AS min, max(max) AS max, sum(count) AS count, max(block) AS last_block
        FROM metric_blocks WHERE run_id = :run AND key_id = :key
        GROUP BY bucket
      )
      SELECT l.last_step AS x, g.min, g.max, g.count, l.last_value AS last
      FROM grouped AS g JOIN metric_blocks AS l ON l.run_id = :run AND l.key_id = :key AND l.block = g.last_block
      ORDER BY g.bucket`);
    // The end time folds into the last bucket (min(…, N - 1)).
    this.rawByTime = prepareNamed(driver, `
      WITH span AS (SELECT min(time) AS lo, max(time) AS hi FROM metrics WHERE run_id = :run AND key_id = :key),
      grouped AS (
        SELECT CASE WHEN s.hi = s.lo THEN 0
                    ELSE min(CAST((m.time - s.lo) * :buckets / (s.hi - s.lo) AS INTEGER), CAST(:buckets AS INTEGER) - 1) END AS bucket,
               min(m.value) AS min, max(m.value) AS max, count(*) AS count, max(m.step) AS last_step
        FROM span AS s, metrics AS m WHERE m.run_id = :run AND m.key_id = :key
        GROUP BY bucket
      )
      SELECT l.time AS x, g.min, g.max, g.count, l.value AS last
      FROM grouped AS g JOIN metrics AS l ON l.run_id = :run AND l.key_id = :key AND l.step = g.last_step
      ORDER BY g.bucket`);
    this.blocksByTime = prepareNamed(driver, `
      WITH span AS (SELECT min(min_time) AS lo, max(max_time) AS hi FROM metric_blocks WHERE run_id = :run AND key_id = :key),
      grouped AS (
        SELECT CASE WHEN s.hi = s.lo THEN 0
                    ELSE min(CAST((b.max_time - s.lo) * :buckets / (s.hi - s.lo) AS INTEGER), CAST(:buckets AS INTEGER) - 1) END AS bucket,
               min(b.min) AS min, max(b.max) AS max, sum(b.count) AS count, max(b.block) AS last_block
        FROM span AS s, metric_blocks AS b WHERE b.run_id = :run AND b.key_id = :key
        GROUP BY bucket
      )
      SELECT l.last_time AS x, g.min, g.max, g.count, l.last_value AS last
      FROM grouped AS g JOIN metric_blocks AS l ON l.run_id = :run AND l.key_id = :key AND l.block = g.last_block
      ORDER BY g.bucket`);
  }

  run(runId: number, keyId: number, buckets: number, x: 'step' | 'time'): SeriesBucket[] {
    if (!Number.isSafeInteger(buckets) || buckets < 1) {
      throw new HyperlabError('STORE_INPUT', `series buckets must be a positive integer (got ${String(buckets)})`, `Ask for e.g. ${DEFAULT_BUCKETS} buckets.`);
    }
    if (x !== 'step' && x !== 'time') {
      throw new HyperlabError('STORE_INPUT', `series x must be "step" or "time" (got ${String(x)})`, 'Use x: "step" or x: "time".');
    }
    const ends = this.bounds.all({ run: runId, key: keyId })[0];
    if (!ends || ends.lo === null || ends.hi === null) return [];
    const layout = stepLayout(num(ends.lo), num(ends.hi), buckets);
    let rows: Row[];
    if (x === 'time') {
      const fromBlocks = num(ends.hi) - num(ends.lo) + 1 > RAW_TIME_SPAN;
      rows = (fromBlocks ? this.blocksByTime : this.rawByTime).all({ run: runId, key: keyId, buckets });
    } else if (layout.fromBlocks) {
      rows = this.blocksByStep.all({ run: runId, key: keyId, originBlock: layout.origin / BLOCK_STEPS, blocksPerBucket: layout.width / BLOCK_STEPS });
    } else {
      rows = this.rawByStep.all({ run: runId, key: keyId, origin: layout.origin, width: layout.width });
    }
    return rows.map((row) => ({
      x: num(row.x),
      min: metricValue(row.min),
      max: metricValue(row.max),
      last: metricValue(row.last),
      count: num(row.count),
    }));
  }
}

export interface StepLayout {
  origin: number;
  width: number;
  /** true when buckets are whole 64-step blocks and come from metric_blocks. */
  fromBlocks: boolean;
}

/** Where step buckets start and how many steps each spans (see the file comment). */
export function stepLayout(lo: number, hi: number, buckets: number): StepLayout {
  const width = Math.ceil((hi - lo + 1) / buckets);
  if (width < BLOCK_STEPS) return { origin: lo, width, fromBlocks: false };
  const origin = Math.floor(lo / BLOCK_STEPS) * BLOCK_STEPS;
  const blockWidth = Math.ceil(Math.ceil((hi - origin + 1) / buckets) / BLOCK_STEPS) * BLOCK_STEPS;
  return { origin, width: blockWidth, fromBlocks: true };
}

/**
 * better-sqlite3 rejects numbered parameters (?1) and the two drivers bind named ones
 * differently, so :name tokens become plain ? with the values repeated in textual order.
 */
function prepareNamed(driver: Driver, sql: string): NamedStatement {
  const order: string[] = [];
  const positional = sql.replace(/:([a-zA-Z]+)\b/g, (_, name: string) => {
    order.push(name);
    return '?';
  });
  const statement: PreparedStatement = driver.prepare(positional);
  return {
    all: (args) =>
      statement.all(
        ...order.map((name) => {
          const value = args[name];
          if (value === undefined) throw new Error(`series query: no value for :${name}`);
          return value;
        }),
      ),
  };
}
