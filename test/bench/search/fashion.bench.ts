// TPE against random on a real FashionMNIST sweep: each method runs the MLP sweep template
// through the real CLI (engine child processes, SQLite store) for the same seeds, and the
// table gives the best validation accuracy found after k trials, median [min, max] over seeds.
//
//   node test/bench/search/fashion.bench.ts [--seeds N] [--trials N] [--limit N] [--epochs N]
//
// Needs dist/cli.cjs (`npm run build`). The pruner is off so that every trial trains the same
// number of epochs and the two methods differ only in where they sample.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'dist/cli.cjs');
const template = join(root, 'media/templates/fashion-mnist-mlp-sweep.hyperlab.json');
const methods = ['random', 'tpe'] as const;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} needs a positive integer, got '${process.argv[i + 1] ?? ''}'`);
  }
  return value;
}

const seeds = flag('seeds', 3);
const trials = flag('trials', 30);
const limit = flag('limit', 6000);
const epochs = flag('epochs', 2);
const parallelism = 2;
const checkpoints = [1, 5, 10, 20, 30, 50, 100].filter((k) => k <= trials);
if (!checkpoints.includes(trials)) checkpoints.push(trials);

interface Trial {
  number: number;
  status: string;
  value: number | null;
}

function runSweep(method: string, seed: number): { values: number[]; failed: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hyperlab-fashion-bench-'));
  const db = join(dir, 'runs.db');
  try {
    const sets = [
      `data.limit=${limit}`,
      `train.epochs=${epochs}`,
      `search.method=${method}`,
      `search.seed=${seed}`,
      'search.pruner.kind=none',
    ].flatMap((s) => ['--set', s]);
    const out = execFileSync(
      process.execPath,
      [cli, 'sweep', template, '--db', db, '--trials', String(trials), '--parallelism', String(parallelism), '--json', ...sets],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 },
    );
    const sweepId = (JSON.parse(out) as { sweep: { id: number } }).sweep.id;
    const shown = execFileSync(process.execPath, [cli, 'sweeps', 'show', String(sweepId), '--db', db, '--json'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const list = (JSON.parse(shown) as { trials: Trial[] }).trials.slice().sort((a, b) => a.number - b.number);
    if (list.length !== trials) throw new Error(`${method} seed ${seed}: ${list.length} trials stored, expected ${trials}`);
    // A failed or diverged trial counts as the worst value, as the sweep driver counts it.
    const failed = list.filter((t) => t.status !== 'finished' || t.value === null || !Number.isFinite(t.value)).length;
    return { values: list.map((t) => (t.value !== null && Number.isFinite(t.value) ? t.value : 0)), failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bestAfter(values: number[], k: number): number {
  return Math.max(...values.slice(0, k));
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

if (!existsSync(cli)) throw new Error('dist/cli.cjs is missing: run `npm run build` first');

const started = performance.now();
const load = loadavg()[0]!;
const results = new Map<string, number[][]>();
let failedTotal = 0;
for (const method of methods) {
  const perSeed: number[][] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const t0 = performance.now();
    const { values, failed } = runSweep(method, seed);
    failedTotal += failed;
    perSeed.push(values);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.error(`${method} seed ${seed}: best ${bestAfter(values, trials).toFixed(4)} in ${secs} s (${failed} failed)`);
  }
  results.set(method, perSeed);
}
const wall = (performance.now() - started) / 1000;

const pct = (x: number): string => (100 * x).toFixed(2);
console.log(
  `FashionMNIST MLP sweep (template fashion-mnist-mlp-sweep, first ${limit} training samples, ` +
    `${epochs} epochs, no pruner), ${trials} trials, parallelism ${parallelism}, seeds 0–${seeds - 1}: ` +
    'best validation accuracy (%) after k trials, median [min, max] over seeds\n',
);
console.log(`| Method | ${checkpoints.map((k) => `k = ${k}`).join(' | ')} |`);
console.log(`|---|${checkpoints.map(() => '---:').join('|')}|`);
for (const method of methods) {
  const perSeed = results.get(method)!;
  const cells = checkpoints.map((k) => {
    const bests = perSeed.map((v) => bestAfter(v, k));
    return `${pct(median(bests))} [${pct(Math.min(...bests))}, ${pct(Math.max(...bests))}]`;
  });
  console.log(`| ${method === 'tpe' ? 'TPE' : 'random'} | ${cells.join(' | ')} |`);
}
console.log(
  `\nWall time ${wall.toFixed(1)} s for ${methods.length * seeds * trials} trials; ` +
    `${failedTotal} failed or diverged; load average at start ${load.toFixed(2)}.`,
);
