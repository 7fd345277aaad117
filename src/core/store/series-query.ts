// A metric series downsampled inside SQLite: the (run, key) range is split into equal-width
// buckets over step or time, and each bucket returns min, max, count and its last point
// (the one with the greatest step). Charts never receive raw millions of rows.
import { HyperlabError } from '../errors.ts';
import type { Driver, PreparedStatement, Row } from './driver.ts';
import { metricValue, num } from './rows.ts';
import type { SeriesBucket } from './types.ts';

export const DEFAULT_BUCKETS = 1000;

export class SeriesQuery {
  private readonly byStep: NamedStatement;
  private readonly byTime: NamedStatement;

  constructor(driver: Driver) {
    // better-sqlite3 binds every JS number as REAL, hence the CAST that keeps the division integral.
    // Bucket i of N over [lo, hi] holds steps with (step - lo) * N / (hi - lo + 1) = i (integer
    // division), so every bucket spans the same number of steps and i stays in 0..N-1.
    // lo and hi come from the ends of the clustered range (two index probes, no scan).
    this.byStep = prepareNamed(driver, `
      WITH bounds AS (
        SELECT (SELECT step FROM metrics WHERE run_id = :run AND key_id = :key ORDER BY step ASC LIMIT 1) AS lo,
               (SELECT step FROM metrics WHERE run_id = :run AND key_id = :key ORDER BY step DESC LIMIT 1) AS hi
      ),
      grouped AS (
        SELECT (m.step - b.lo) * CAST(:buckets AS INTEGER) / (b.hi - b.lo + 1) AS bucket,
               min(m.value) AS min, max(m.value) AS max, count(*) AS count, max(m.step) AS last_step
        FROM bounds AS b, metrics AS m
        WHERE m.run_id = :run AND m.key_id = :key
        GROUP BY bucket
      )
      SELECT g.last_step AS x, g.min, g.max, g.count, l.value AS last
      FROM grouped AS g JOIN metrics AS l ON l.run_id = :run AND l.key_id = :key AND l.step = g.last_step
      ORDER BY g.bucket`);
    // Over time the bucket is floor((time - lo) * N / (hi - lo)), the end point folded into the
    // last bucket. "last" is still the point with the greatest step; x is its time.
    this.byTime = prepareNamed(driver, `
      WITH bounds AS (
        SELECT min(time) AS lo, max(time) AS hi FROM metrics WHERE run_id = :run AND key_id = :key
      ),
      grouped AS (
        SELECT CASE WHEN b.hi = b.lo THEN 0
                    ELSE min(CAST((m.time - b.lo) * :buckets / (b.hi - b.lo) AS INTEGER), :buckets - 1) END AS bucket,
               min(m.value) AS min, max(m.value) AS max, count(*) AS count, max(m.step) AS last_step
        FROM bounds AS b, metrics AS m
        WHERE m.run_id = :run AND m.key_id = :key
        GROUP BY bucket
      )
      SELECT l.time AS x, g.min, g.max, g.count, l.value AS last
      FROM grouped AS g JOIN metrics AS l ON l.run_id = :run AND l.key_id = :key AND l.step = g.last_step
      ORDER BY g.bucket`);
  }

  run(runId: number, keyId: number, buckets: number, x: 'step' | 'time'): SeriesBucket[] {
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new HyperlabError('STORE_INPUT', `series buckets must be a positive integer (got ${String(buckets)})`, `Ask for e.g. ${DEFAULT_BUCKETS} buckets.`);
    }
    if (x !== 'step' && x !== 'time') {
      throw new HyperlabError('STORE_INPUT', `series x must be "step" or "time" (got ${String(x)})`, 'Use x: "step" or x: "time".');
    }
    const rows = (x === 'step' ? this.byStep : this.byTime).all({ run: runId, key: keyId, buckets });
    return rows.map((row) => ({
      x: num(row.x),
      min: metricValue(row.min),
      max: metricValue(row.max),
      last: metricValue(row.last),
      count: num(row.count),
    }));
  }
}

type SeriesArgs = { run: number; key: number; buckets: number };
interface NamedStatement {
  all(args: SeriesArgs): Row[];
}

/**
 * better-sqlite3 rejects numbered parameters (?1) and the two drivers bind named ones
 * differently, so :name tokens become plain ? with the values repeated in textual order.
 */
function prepareNamed(driver: Driver, sql: string): NamedStatement {
  const order: (keyof SeriesArgs)[] = [];
  const positional = sql.replace(/:(run|key|buckets)\b/g, (_, name: keyof SeriesArgs) => {
    order.push(name);
    return '?';
  });
  const statement: PreparedStatement = driver.prepare(positional);
  return { all: (args) => statement.all(...order.map((name) => args[name])) };
}
