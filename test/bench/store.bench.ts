// Store benchmark: run with `node test/bench/store.bench.ts` (Node 24).
// For both drivers, in this one process, it prints
//   - metric points ingested per second through appendMetrics in batches (goal ≥ 1,000,000/s),
//   - the time to fetch a 1,000-bucket downsampled series from a 1,000,000-point run (goal < 50 ms),
//   - node:sqlite's figures relative to better-sqlite3's.
// Files live in a temp dir on disk (WAL, synchronous=NORMAL: the store's real settings).
// Env: BENCH_POINTS (default 1000000), BENCH_BATCH (default 10000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type DriverName, type MetricPoint } from '../../src/core/store/index.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const BUCKETS = 1000;
const SERIES_REPEATS = 10;

interface Result {
  driver: DriverName;
  ingestPerSecond: number;
  ingestPerCpuSecond: number;
  multiKeyIngestPerSecond: number;
  multiKeyIngestPerCpuSecond: number;
  seriesStepMs: number;
  seriesTimeMs: number;
  latestMs: number;
}

/** One training-like series: step-ordered points of one key, in batches as the runner sends them. */
function batches(keys: readonly string[], total: number): MetricPoint[][] {
  const result: MetricPoint[][] = [];
  const start = Date.now();
  let batch: MetricPoint[] = [];
  for (let i = 0; i < total; i++) {
    const step = Math.floor(i / keys.length);
    batch.push({ key: keys[i % keys.length]!, step, time: start + step * 3, value: Math.exp(-step / 1e5) + 0.01 * Math.sin(i) });
    if (batch.length === BATCH) {
      result.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) result.push(batch);
  return result;
}

/** Ingests every batch into a fresh run; returns the points per second over all of them. */
function ingest(driver: DriverName, file: string, data: MetricPoint[][]): { runId: number; perSecond: number; perCpuSecond: number } {
  const store = openStore(file, { driver });
  const run = store.createRun({ experiment: 'bench' });
  const total = data.reduce((n, batch) => n + batch.length, 0);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const batch of data) store.appendMetrics(run.id, batch);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  store.close();
  return { runId: run.id, perSecond: total / seconds, perCpuSecond: total / ((used.user + used.system) / 1e6) };
}

function medianMs(fn: () => void): number {
  fn(); // warm the page cache and the statement
  const times: number[] = [];
  for (let i = 0; i < SERIES_REPEATS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function bench(driver: DriverName, dir: string, single: MetricPoint[][], multi: MetricPoint[][]): Result {
  // Warm the JIT and the statements on a tenth of the data in a throwaway file first.
  ingest(driver, path.join(dir, `${driver.replace(':', '-')}-warm.db`), multi.slice(0, Math.ceil(multi.length / 10)));
  const file = path.join(dir, `${driver.replace(':', '-')}.db`);
  const { runId, perSecond, perCpuSecond } = ingest(driver, file, single);
  const multiKey = ingest(driver, path.join(dir, `${driver.replace(':', '-')}-multi.db`), multi);
  const store = openStore(file, { driver, readonly: true });
  let buckets = 0;
  const seriesStepMs = medianMs(() => {
    buckets = store.series(runId, 'loss', { buckets: BUCKETS }).length;
  });
  // "At most N": long series round buckets to whole 64-step blocks (1,000,000 steps → 977 of 1,024 steps).
  if (buckets < 1 || buckets > BUCKETS) throw new Error(`expected at most ${BUCKETS} buckets, got ${buckets}`);
  const seriesTimeMs = medianMs(() => store.series(runId, 'loss', { buckets: BUCKETS, x: 'time' }));
  const latestMs = medianMs(() => store.latest(runId));
  store.close();
  return {
    driver,
    ingestPerSecond: perSecond,
    ingestPerCpuSecond: perCpuSecond,
    multiKeyIngestPerSecond: multiKey.perSecond,
    multiKeyIngestPerCpuSecond: multiKey.perCpuSecond,
    seriesStepMs,
    seriesTimeMs,
    latestMs,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-store-bench-'));
try {
  const single = batches(['loss'], POINTS);
  const multi = batches(['loss', 'acc', 'lr', 'grad_norm', 'val_loss', 'val_acc', 'time_per_step', 'throughput'], POINTS);
  const results = (['better-sqlite3', 'node:sqlite'] as const).map((driver) => bench(driver, dir, single, multi));
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`store benchmark: ${fmt(POINTS)} points, batches of ${fmt(BATCH)}, ${BUCKETS}-bucket series (median of ${SERIES_REPEATS}), Node ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log('(ingest: points per wall-clock second, and per CPU second of this process, which a busy machine disturbs less)');
  for (const r of results) {
    console.log(
      `${r.driver.padEnd(15)} ingest 1 key ${fmt(r.ingestPerSecond).padStart(10)}/s (${fmt(r.ingestPerCpuSecond)}/cpu-s),` +
        ` 8 keys ${fmt(r.multiKeyIngestPerSecond).padStart(10)}/s (${fmt(r.multiKeyIngestPerCpuSecond)}/cpu-s)` +
        ` | series by step ${r.seriesStepMs.toFixed(1).padStart(5)} ms, by time ${r.seriesTimeMs.toFixed(1).padStart(5)} ms | latest ${r.latestMs.toFixed(2)} ms`,
    );
    const ingestOk = r.ingestPerSecond >= 1_000_000 ? 'meets' : 'MISSES';
    const seriesOk = r.seriesStepMs < 50 ? 'meets' : 'MISSES';
    console.log(`${''.padEnd(15)} goals: ingest ≥ 1,000,000/s ${ingestOk}; series < 50 ms ${seriesOk}`);
  }
  const [better, node] = results as [Result, Result];
  console.log(
    `ratio node:sqlite / better-sqlite3: ingest ${(node.ingestPerSecond / better.ingestPerSecond).toFixed(2)}x` +
      ` (8 keys ${(node.multiKeyIngestPerSecond / better.multiKeyIngestPerSecond).toFixed(2)}x;` +
      ` per CPU second ${(node.ingestPerCpuSecond / better.ingestPerCpuSecond).toFixed(2)}x and ${(node.multiKeyIngestPerCpuSecond / better.multiKeyIngestPerCpuSecond).toFixed(2)}x),` +
      ` series time ${(node.seriesStepMs / better.seriesStepMs).toFixed(2)}x`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
