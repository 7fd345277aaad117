// What one Curves request can cost the extension host's thread, before and after the request
// budget (src/core/webview/request-budget.ts). Run: node test/bench/webview/request-cost.bench.ts
//   1. A 485-character requestSeries of one run id and one key, each repeated: what the host
//      computed for it before the budget (every listed pair, as curveSeries did then) and now.
//   2. The most the budget lets through: 100 distinct curves × 2,000 buckets, measured on 2 runs of
//      50 keys × 10,000 points, and one 1,000,000-point curve × 100 (each curve is one query).
// Env: BENCH_POINTS (default 1000000): points of the long series.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type MetricPoint, type Store } from '../../../src/core/store/index.ts';
import { LIMITS } from '../../../src/core/webview/contract.ts';
import { inspectInbound } from '../../../src/core/webview/gate.ts';
import { curveSeries } from '../../../src/core/webview/panel-data.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);

function fill(store: Store, runId: number, keys: readonly string[], points: number): void {
  let batch: MetricPoint[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let step = 0; step < points; step++) {
    for (const key of keys) batch.push({ key, step, time: t0 + step, value: Math.exp(-step / 1e5) + 0.01 * Math.sin(step) });
    // epoch-level points, so x = "epoch" maps steps as the panel does
    if (step % 10_000 === 9_999 || step === points - 1) batch.push({ key: 'epoch.loss', step, time: t0 + step, value: 1 });
    if (batch.length >= 10_000) { store.appendMetrics(runId, batch); batch = []; }
  }
  if (batch.length) store.appendMetrics(runId, batch);
}

function seconds(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
}

/** The 485-character requestSeries with the most (run id, key) pairs, each the same run id and key, padded with requestId digits. */
function repeatedRequest(runId: number, chars: number): { json: string; ids: number; keys: number } {
  let best: { json: string; ids: number; keys: number } | null = null;
  for (let ids = 1; ids <= LIMITS.runIds; ids++) {
    for (let keys = 1; keys <= LIMITS.keys; keys++) {
      const message = { type: 'requestSeries', requestId: 1, runIds: Array(ids).fill(runId), keys: Array(keys).fill('loss'), x: 'epoch', buckets: LIMITS.buckets };
      const pad = chars - JSON.stringify(message).length;
      if (pad < 0 || pad > 14 || (best && best.ids * best.keys >= ids * keys)) continue;
      best = { json: JSON.stringify({ ...message, requestId: Number(`1${'0'.repeat(pad)}`) }), ids, keys };
    }
  }
  if (!best) throw new Error('no such request');
  return best;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-request-cost-'));
const store = openStore(path.join(dir, 'runs.db'));
try {
  const long = store.createRun({ experiment: 'bench', name: 'long' }).id;
  fill(store, long, ['loss'], POINTS);
  // 2 runs × 50 keys: the most curves one request may ask for
  const wideKeys = Array.from({ length: LIMITS.keys }, (_, i) => `key${String(i).padStart(2, '0')}`);
  const wide = [1, 2].map((i) => store.createRun({ experiment: 'bench', name: `wide${i}` }).id);
  for (const id of wide) fill(store, id, wideKeys, 10_000);
  console.log(`request cost benchmark: Node ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}; a run of ${POINTS.toLocaleString('en-US')} points`);

  const request = repeatedRequest(long, 485);
  const pairs = request.ids * request.keys;
  const once = seconds(() => curveSeries(store, [long], ['loss'], 'epoch', LIMITS.buckets));
  const verdict = inspectInbound('curves', JSON.parse(request.json));
  let now = 0;
  if (verdict.ok && verdict.message.type === 'requestSeries') {
    const m = verdict.message;
    now = seconds(() => curveSeries(store, m.runIds, m.keys, m.x, m.buckets));
  }
  console.log(`1. ${request.json.length} characters: ${request.ids} × run ${long}, ${request.keys} × "loss", x epoch, ${LIMITS.buckets} buckets`);
  console.log(`   before: ${pairs.toLocaleString('en-US')} curves, about ${(pairs * once).toFixed(1)} s on the host's thread (${pairs} × ${(once * 1000).toFixed(1)} ms for one)`);
  console.log(`   now:    ${verdict.ok ? `accepted, 1 curve (repeats count once): ${(now * 1000).toFixed(1)} ms` : `refused before any query: ${verdict.reason}`}`);

  const buckets = LIMITS.bucketsPerRequest / LIMITS.seriesPerRequest;
  const worstWide = inspectInbound('curves', { type: 'requestSeries', requestId: 2, runIds: wide, keys: wideKeys, x: 'step', buckets });
  if (!worstWide.ok) throw new Error(`the worst allowed request was refused: ${worstWide.reason}`);
  const wideSeconds = seconds(() => curveSeries(store, wide, wideKeys, 'step', buckets));
  const oneLong = seconds(() => curveSeries(store, [long], ['loss'], 'epoch', buckets));
  const over = inspectInbound('curves', { type: 'requestSeries', requestId: 3, runIds: [...wide, long], keys: wideKeys, x: 'step', buckets: 2 });
  console.log(`2. the bound: ${LIMITS.seriesPerRequest} curves, ${LIMITS.bucketsPerRequest.toLocaleString('en-US')} buckets in all (${buckets} a curve at ${LIMITS.seriesPerRequest} curves); ${LIMITS.seriesPerRequest + 1} curves: ${over.ok ? 'accepted (wrong)' : 'refused'}`);
  console.log(`   ${wide.length} runs × ${wideKeys.length} keys = ${LIMITS.seriesPerRequest} curves of 10,000 points × ${buckets} buckets: ${(wideSeconds * 1000).toFixed(0)} ms measured`);
  console.log(`   ${LIMITS.seriesPerRequest} curves of ${POINTS.toLocaleString('en-US')} points × ${buckets} buckets: about ${(LIMITS.seriesPerRequest * oneLong).toFixed(2)} s (${LIMITS.seriesPerRequest} × ${(oneLong * 1000).toFixed(1)} ms measured for one)`);
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
