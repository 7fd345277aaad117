// Dashboard benchmark. Run:  npm run build && node test/bench/dashboard/dashboard.bench.ts
// A store of 1,000 runs × 10,200 points (train.loss every step for 10,000 steps, val.loss and
// val.acc every 100) is built once with batched ingest and cached in $TMPDIR/hyperlab-bench-
// dashboard (delete it to rebuild). Prints, in headless Chromium with the built bundle and a host
// answering from the real store: the time from opening the Comparison panel to its first
// complete paint (goal < 500 ms). Figures only; nothing here asserts a time.
// Not measured yet: 20 runs' curves (goal < 300 ms) and live frames of 4 runs (goal < 16 ms),
// which need a host harness for the Curves bundle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type MetricPoint, type Store } from '../../../src/core/store/index.ts';
import { launchBrowser, openComparePage } from '../../e2e/comparePage.ts';
import { seededRandom } from '../../e2e/compareFixtures.ts';

const RUNS = 1000;
const STEPS = 10_000;
const CACHE = path.join(os.tmpdir(), 'hyperlab-bench-dashboard');
const FILE = path.join(CACHE, `runs-${RUNS}x${STEPS}.db`);
const DONE = `${FILE}.complete`;

function buildStore(): Store {
  if (fs.existsSync(DONE)) return openStore(FILE, { readonly: false });
  fs.rmSync(CACHE, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  const store = openStore(FILE);
  const rand = seededRandom(42);
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const lr = Number((10 ** (-4 + 3 * rand())).toPrecision(3));
    const kind = rand() < 0.5 ? 'adam' : 'sgd';
    const units = [64, 128, 256][Math.floor(rand() * 3)]!;
    const final = 0.3 + 0.25 * (Math.log10(lr) + 2.5) ** 2 + (kind === 'sgd' ? 0.1 : 0);
    const run = store.createRun({ experiment: 'bench', name: `trial-${i + 1}`, params: { 'train.optimizer.lr': lr, 'train.optimizer.kind': kind, 'model.layers.1.units': units, 'train.epochs': 10 } });
    const points: MetricPoint[] = [];
    for (let s = 0; s < STEPS; s++) {
      const t = s / (STEPS - 1);
      const time = 1_700_000_000_000 + s * 50;
      points.push({ key: 'train.loss', step: s, time, value: final + (2.3 - final) * (1 - t) ** 2 + 0.05 * rand() });
      if (s % 100 === 99) {
        points.push({ key: 'val.loss', step: s, time, value: final + 0.05 + (2.3 - final) * (1 - t) ** 2 });
        points.push({ key: 'val.acc', step: s, time, value: Math.max(0.1, 0.95 - final / 2 - (1 - t) * 0.6) });
      }
    }
    store.appendMetrics(run.id, points);
    store.markRunning(run.id, null);
    store.endRun(run.id, 'finished', null, { 'test.acc': Math.max(0.1, 0.95 - final / 2) });
  }
  fs.writeFileSync(DONE, '');
  console.log(`built ${RUNS} runs × ${STEPS + 2 * STEPS / 100} points in ${((performance.now() - started) / 1000).toFixed(1)} s (cached at ${FILE})`);
  return store;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const store = buildStore();
const browser = await launchBrowser();
try {
  const opens: number[] = [];
  const hosts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ui = await openComparePage(browser, store);
    await ui.page.waitForSelector('body[data-painted="true"]', { timeout: 60_000 });
    // From navigation start (the panel opening: HTML, bundle, ready, host query, render) to the painted mark.
    opens.push(await ui.page.evaluate(() => performance.getEntriesByName('hyperlab:comparison-painted')[0]!.startTime));
    hosts.push(ui.hostMs[0]!);
    await ui.close();
  }
  console.log(`comparison panel, ${RUNS} runs: first complete paint ${median(opens).toFixed(0)} ms median of 5 (goal < 500 ms; runs ${opens.map((t) => t.toFixed(0)).join(', ')}), of which the host's store query + dataset ${median(hosts).toFixed(0)} ms`);
} finally {
  await browser.close();
  store.close();
}
