// The store suite, run once per driver on real SQLite files in a temp dir.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HyperlabError } from '../../../src/core/errors.ts';
import { memoryLogger } from '../../../src/core/log.ts';
import { openStore, SCHEMA_VERSION, type DriverName, type MetricPoint, type Store, type StoreEvent } from '../../../src/core/store/index.ts';
import { defaultLoaders, openDriver } from '../../../src/core/store/open-driver.ts';
import { MIGRATIONS, migrate } from '../../../src/core/store/schema.ts';
import { referenceByStep, referenceByTime, storedSeries } from './series-reference.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];

function rejects(fn: () => unknown, code: string, messagePart?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HyperlabError, `expected a HyperlabError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (messagePart) assert.match(error.message, messagePart);
    assert.ok(error.hint, 'a hint a user can act on');
    return true;
  });
}

/** Deterministic points for one key: steps from `from`, `every` apart, values from a seeded walk. */
function points(key: string, count: number, options: { from?: number; every?: number; seed?: number; t0?: number } = {}): MetricPoint[] {
  const { from = 0, every = 1, seed = 1, t0 = 1_700_000_000_000 } = options;
  let state = seed;
  const result: MetricPoint[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const step = from + i * every;
    result.push({ key, step, time: t0 + step * 10, value: state / 2147483648 - 0.5 });
  }
  return result;
}

/** Row counts straight from the file (a second, raw connection). */
function rowCounts(file: string, runId: number): Record<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const counts: Record<string, number> = {};
    for (const table of ['metrics', 'metric_blocks', 'run_keys', 'layer_stats', 'artifacts', 'logs']) {
      counts[table] = Number((db.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`).get(runId) as { n: number }).n);
    }
    return counts;
  } finally {
    db.close();
  }
}

for (const driver of DRIVERS) {
  describe(`store on ${driver}`, () => {
    let dir: string;
    let file: string;
    let store: Store;
    let counter = 0;

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `hyperlab-store-${driver.replace(':', '-')}-`));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => {
      file = path.join(dir, `runs-${++counter}.db`);
      store = openStore(file, { driver });
    });
    afterEach(() => store.close());

    test('opens the requested driver in WAL mode with the current schema', () => {
      assert.equal(store.driver, driver);
      assert.equal(store.path, file);
      const raw = new DatabaseSync(file, { readOnly: true });
      assert.equal((raw.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
      assert.equal((raw.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v, SCHEMA_VERSION);
      raw.close();
    });

    test('createRun creates the experiment on first use and round-trips params', () => {
      const params = { lr: 0.001, layers: [128, 64], optimizer: { name: 'adam', betas: [0.9, 0.999] }, augment: true, note: null };
      const first = store.createRun({ experiment: 'mnist-mlp', params, specPath: '/w/mnist.hyperlab.json' });
      const second = store.createRun({ experiment: 'mnist-mlp', name: 'wide' });
      store.createRun({ experiment: 'cifar' });
      assert.equal(first.name, `run-${first.id}`);
      assert.equal(first.status, 'queued');
      assert.deepEqual(first.params, params);
      assert.equal(first.specPath, '/w/mnist.hyperlab.json');
      assert.equal(first.experimentName, 'mnist-mlp');
      assert.equal(second.experimentId, first.experimentId);
      assert.equal(second.name, 'wide');
      assert.deepEqual(second.params, {});
      const experiments = store.listExperiments();
      assert.deepEqual(experiments.map((e) => [e.name, e.runCount]), [['cifar', 1], ['mnist-mlp', 2]]);
      assert.equal(experiments[1]!.specPath, '/w/mnist.hyperlab.json');
      store.setParams(second.id, { lr: 0.1 });
      assert.deepEqual(store.getRun(second.id)!.params, { lr: 0.1 });
      rejects(() => store.createRun({ experiment: ' ' }), 'STORE_INPUT', /experiment/);
    });

    test('markRunning and endRun record status, pid, reason, summary and times', () => {
      const run = store.createRun({ experiment: 'e' });
      store.markRunning(run.id, 4242);
      const running = store.getRun(run.id)!;
      assert.equal(running.status, 'running');
      assert.equal(running.pid, 4242);
      assert.ok(running.startedAt !== null && running.startedAt >= run.createdAt);
      assert.equal(running.endedAt, null);
      store.endRun(run.id, 'diverged', 'loss became NaN at step 12', { loss: null, bestAcc: 0.5, epochs: 2 });
      const ended = store.getRun(run.id)!;
      assert.equal(ended.status, 'diverged');
      assert.equal(ended.reason, 'loss became NaN at step 12');
      assert.deepEqual(ended.summary, { loss: null, bestAcc: 0.5, epochs: 2 });
      assert.ok(ended.endedAt !== null && ended.endedAt >= running.startedAt!);
      store.endRun(run.id, 'failed', 'again');
      assert.deepEqual(store.getRun(run.id)!.summary, { loss: null, bestAcc: 0.5, epochs: 2 }, 'no summary argument keeps the summary');
      rejects(() => store.endRun(run.id, 'running' as never, null), 'STORE_INPUT', /end status/);
      rejects(() => store.markRunning(run.id + 100, 1), 'RUN_NOT_FOUND', new RegExp(`${run.id + 100}`));
      assert.equal(store.getRun(run.id + 100), undefined);
    });

    test('listRuns and countRuns filter, sort and page', () => {
      const sweep = store.createSweep('tune', 'lr-search', { sampler: 'random' });
      const a = store.createRun({ experiment: 'tune', name: 'alpha', sweepId: sweep, params: { optimizer: { lr: 0.3 } } });
      const b = store.createRun({ experiment: 'tune', name: 'beta', sweepId: sweep, params: { optimizer: { lr: 0.1 } } });
      const c = store.createRun({ experiment: 'tune', name: 'gamma_100%', params: { optimizer: { lr: 0.2 } } });
      const d = store.createRun({ experiment: 'other', name: 'delta' });
      store.endRun(a.id, 'finished', null, { acc: 0.7 });
      store.endRun(b.id, 'finished', null, { acc: 0.9 });
      store.endRun(c.id, 'failed', 'exit code 1', {});
      store.markRunning(d.id, null);
      const ids = (runs: { id: number }[]) => runs.map((r) => r.id);

      assert.deepEqual(ids(store.listRuns()), [d.id, c.id, b.id, a.id], 'newest first by default');
      assert.deepEqual(ids(store.listRuns({ experiment: 'tune', sortBy: 'id' })), [a.id, b.id, c.id]);
      assert.deepEqual(ids(store.listRuns({ status: 'finished', sortBy: 'id' })), [a.id, b.id]);
      assert.deepEqual(ids(store.listRuns({ status: ['failed', 'running'], sortBy: 'id' })), [c.id, d.id]);
      assert.deepEqual(ids(store.listRuns({ sweepId: sweep, sortBy: 'id' })), [a.id, b.id]);
      assert.equal(store.getRun(a.id)!.sweepId, sweep);
      assert.deepEqual(ids(store.listRuns({ text: 'ta' })), [d.id, b.id], 'substring of the name');
      assert.deepEqual(ids(store.listRuns({ text: 'oth' })), [d.id], 'substring of the experiment');
      assert.deepEqual(ids(store.listRuns({ text: '_100%' })), [c.id], 'LIKE wildcards are literal');
      assert.deepEqual(ids(store.listRuns({ text: 'l_h' })), [], 'an underscore is not a wildcard (alpha)');
      assert.deepEqual(ids(store.listRuns({ sortBy: 'summary.acc', order: 'desc' })), [b.id, a.id, d.id, c.id], 'missing values last, ties by id');
      assert.deepEqual(ids(store.listRuns({ sortBy: 'summary.acc' })), [a.id, b.id, c.id, d.id]);
      assert.deepEqual(ids(store.listRuns({ experiment: 'tune', sortBy: 'params.optimizer.lr' })), [b.id, c.id, a.id]);
      assert.deepEqual(ids(store.listRuns({ sortBy: 'name' })), [a.id, b.id, d.id, c.id]);
      assert.deepEqual(ids(store.listRuns({ sortBy: 'id', limit: 2, offset: 1 })), [b.id, c.id]);
      assert.deepEqual(ids(store.listRuns({ sortBy: 'id', offset: 3 })), [d.id]);
      assert.equal(store.countRuns(), 4);
      assert.equal(store.countRuns({ experiment: 'tune', status: 'finished', limit: 1 }), 2);
      assert.equal(store.countRuns({ status: [] }), 0);
      rejects(() => store.listRuns({ sortBy: 'color' as never }), 'USAGE', /color/);
      rejects(() => store.listRuns({ sortBy: 'summary.a"b' }), 'USAGE', /summary\.a"b/);
      rejects(() => store.listRuns({ status: 'done' as never }), 'USAGE', /done/);
      rejects(() => store.listRuns({ limit: -5 }), 'USAGE', /limit/);
    });

    test('series downsamples short series exactly (raw rows), over step and time', () => {
      const run = store.createRun({ experiment: 'e' });
      const loss = points('loss', 500, { from: 3, seed: 7 });
      const acc = points('acc', 100, { every: 5, seed: 9 });
      loss[17]!.value = Number.NaN;
      store.appendMetrics(run.id, [...loss, ...acc]);
      for (const buckets of [1, 7, 100, 499, 500, 1000]) {
        assert.deepEqual(store.series(run.id, 'loss', { buckets }), referenceByStep(loss, buckets), `loss, ${buckets} buckets`);
        assert.deepEqual(store.series(run.id, 'loss', { buckets, x: 'time' }), referenceByTime(loss, buckets), `loss by time, ${buckets} buckets`);
      }
      assert.deepEqual(store.series(run.id, 'acc', { buckets: 9 }), referenceByStep(acc, 9));
      assert.equal(store.series(run.id, 'loss').length, 500, 'default 1000 buckets: one point each');
      assert.deepEqual(store.series(run.id, 'nope'), []);
      assert.deepEqual(store.series(run.id + 1, 'loss'), []);
      rejects(() => store.series(run.id, 'loss', { buckets: 0 }), 'STORE_INPUT', /buckets/);
      rejects(() => store.series(run.id, 'loss', { x: 'epoch' as never }), 'STORE_INPUT', /x must be/);
    });

    test('series downsamples long series exactly from 64-step blocks, across batches, rewrites and gaps', () => {
      const run = store.createRun({ experiment: 'e' });
      const writes: MetricPoint[] = [];
      const write = (batch: MetricPoint[]) => {
        store.appendMetrics(run.id, batch);
        writes.push(...batch);
      };
      const t = (step: number) => 1_700_000_000_000 + step * 10;
      const loss = points('loss', 70_000, { from: 100, seed: 3 });
      for (let i = 0; i < loss.length; i += 7777) write(loss.slice(i, i + 7777)); // batches cut blocks mid-way
      write(points('grad', 5_000, { every: 13, seed: 5 })); // sparse steps
      write([{ key: 'loss', step: 5_000, time: t(5_000), value: 42 }, { key: 'loss', step: 4_000, time: t(4_000), value: -42 }]); // rewrites, out of order
      write([{ key: 'loss', step: 29_000, time: t(29_000), value: Number.NaN }]);
      write(points('loss', 64, { from: 80_000, seed: 11 })); // after a gap
      for (const buckets of [1, 3, 100, 470, 1000]) {
        const expected = referenceByStep(storedSeries(writes, 'loss'), buckets);
        const actual = store.series(run.id, 'loss', { buckets });
        assert.ok(actual.length <= buckets);
        assert.deepEqual(actual, expected, `loss, ${buckets} buckets`);
      }
      assert.deepEqual(store.series(run.id, 'grad', { buckets: 50 }), referenceByStep(storedSeries(writes, 'grad'), 50));
      // Over time, series longer than 65,536 steps are placed by block: totals, extremes and the last point still hold.
      const stored = storedSeries(writes, 'loss');
      const byTime = store.series(run.id, 'loss', { buckets: 200, x: 'time' });
      assert.ok(byTime.length <= 200 && byTime.length > 1);
      assert.equal(byTime.reduce((n, b) => n + b.count, 0), stored.length);
      const finite = stored.map((p) => p.value).filter((v) => !Number.isNaN(v));
      assert.equal(Math.min(...byTime.map((b) => b.min)), Math.min(...finite));
      assert.equal(Math.max(...byTime.map((b) => b.max)), Math.max(...finite));
      assert.equal(byTime.at(-1)!.last, stored.at(-1)!.value);
      assert.equal(byTime.at(-1)!.x, stored.at(-1)!.time);
    });

    test('latest and metricKeys follow the greatest step per key', () => {
      const run = store.createRun({ experiment: 'e' });
      store.appendMetrics(run.id, [
        { key: 'loss', step: 1, time: 10, value: 2.5 },
        { key: 'acc', step: 1, time: 10, value: 0.1, epoch: 0 },
        { key: 'loss', step: 2, time: 20, value: 1.5 },
      ]);
      store.appendMetrics(run.id, [{ key: 'loss', step: 0, time: 30, value: 9 }]); // a late, older step
      store.appendMetrics(run.id, [{ key: 'acc', step: 3, time: 40, value: Number.NaN }]);
      assert.deepEqual(store.latest(run.id), [
        { key: 'acc', step: 3, time: 40, value: Number.NaN },
        { key: 'loss', step: 2, time: 20, value: 1.5 },
      ]);
      assert.deepEqual(store.metricKeys(run.id), ['acc', 'loss']);
      assert.deepEqual(store.points(run.id, 'loss'), [
        { key: 'loss', step: 0, epoch: null, time: 30, value: 9 },
        { key: 'loss', step: 1, epoch: null, time: 10, value: 2.5 },
        { key: 'loss', step: 2, epoch: null, time: 20, value: 1.5 },
      ]);
      assert.deepEqual(store.points(run.id, 'acc', { fromStep: 1, limit: 1 }), [{ key: 'acc', step: 1, epoch: 0, time: 10, value: 0.1 }]);
      assert.deepEqual(store.points(run.id, 'nope'), []);
      const other = store.createRun({ experiment: 'e' });
      assert.deepEqual(store.metricKeys(other.id), []);
      assert.deepEqual(store.latest(other.id), []);
    });

    test('appendMetrics rejects bad points whole, naming the field', () => {
      const run = store.createRun({ experiment: 'e' });
      rejects(() => store.appendMetrics(run.id, [{ key: 'fresh', step: 0, time: 1, value: 1 }, { key: 'loss', step: 1.5, time: 1, value: 1 }]), 'STORE_INPUT', /point 1 \(loss\): step/);
      rejects(() => store.appendMetrics(run.id, [{ key: 'loss', step: -1, time: 1, value: 1 }]), 'STORE_INPUT', /step/);
      rejects(() => store.appendMetrics(run.id, [{ key: '', step: 1, time: 1, value: 1 }]), 'STORE_INPUT', /key/);
      rejects(() => store.appendMetrics(run.id, [{ key: 'loss', step: 1, time: Number.NaN, value: 1 }]), 'STORE_INPUT', /time/);
      rejects(() => store.appendMetrics(run.id, [{ key: 'loss', step: 1, time: 1, value: '3' as never }]), 'STORE_INPUT', /value/);
      rejects(() => store.appendMetrics(run.id, [{ key: 'loss', step: 1, time: 1, value: 1, epoch: '2' as never }]), 'STORE_INPUT', /epoch/);
      rejects(() => store.appendMetrics(run.id + 9, [{ key: 'loss', step: 1, time: 1, value: 1 }]), 'RUN_NOT_FOUND');
      assert.deepEqual(rowCounts(file, run.id), { metrics: 0, metric_blocks: 0, run_keys: 0, layer_stats: 0, artifacts: 0, logs: 0 });
      // The key created by the rolled-back batch is gone; using it again must work.
      store.appendMetrics(run.id, [{ key: 'fresh', step: 0, time: 1, value: 1 }]);
      assert.deepEqual(store.latest(run.id), [{ key: 'fresh', step: 0, time: 1, value: 1 }]);
    });

    test('layer stats round-trip per step with fromStep and limit', () => {
      const run = store.createRun({ experiment: 'e' });
      const layers = (step: number) => [
        { name: 'dense1', gradNorm: step + 0.5, weightNorm: 2, updateRatio: 0.001, activationMean: 0.1, activationStd: 1, deadFraction: 0.25 },
        { name: 'dense2', gradNorm: step + 0.25, weightNorm: 3, updateRatio: 0.002 },
      ];
      for (const step of [10, 20, 30]) store.appendLayerStats(run.id, step, layers(step));
      assert.deepEqual(store.layerStats(run.id), [10, 20, 30].map((step) => ({ step, layers: layers(step) })));
      assert.deepEqual(store.layerStats(run.id, { fromStep: 15, limit: 1 }), [{ step: 20, layers: layers(20) }]);
      rejects(() => store.appendLayerStats(run.id, 1.5, layers(1)), 'STORE_INPUT', /step/);
    });

    test('artifacts and the log round-trip; the log tails and continues', () => {
      const run = store.createRun({ experiment: 'e' });
      const ckpt = store.addArtifact(run.id, { kind: 'checkpoint', path: '/w/.hyperlab/ckpt-1.safetensors', size: 1234, sha256: 'ab'.repeat(32), meta: { step: 100 } });
      store.addArtifact(run.id, { kind: 'onnx', path: '/w/model.onnx' });
      assert.deepEqual(store.artifacts(run.id).map((a) => [a.kind, a.path, a.size, a.sha256, a.meta]), [
        ['checkpoint', '/w/.hyperlab/ckpt-1.safetensors', 1234, 'ab'.repeat(32), { step: 100 }],
        ['onnx', '/w/model.onnx', null, null, null],
      ]);
      assert.equal(ckpt.runId, run.id);
      store.appendLog(run.id, [
        { stream: 'stdout', text: 'epoch 1', time: 1 },
        { stream: 'stderr', text: 'warning: slow', time: 2 },
      ]);
      store.appendLog(run.id, [{ stream: 'protocol', text: 'bad line', time: 3 }, { stream: 'stdout', text: 'epoch 2', time: 4 }]);
      assert.deepEqual(store.log(run.id).map((l) => [l.seq, l.stream, l.text, l.time]), [
        [1, 'stdout', 'epoch 1', 1],
        [2, 'stderr', 'warning: slow', 2],
        [3, 'protocol', 'bad line', 3],
        [4, 'stdout', 'epoch 2', 4],
      ]);
      assert.deepEqual(store.log(run.id, { tail: 2 }).map((l) => l.seq), [3, 4]);
      assert.deepEqual(store.log(run.id, { afterSeq: 2 }).map((l) => l.text), ['bad line', 'epoch 2']);
      assert.deepEqual(store.log(run.id, { afterSeq: 1, tail: 1 }).map((l) => l.seq), [4]);
      rejects(() => store.appendLog(run.id, [{ stream: 'stdin' as never, text: 'x', time: 1 }]), 'STORE_INPUT', /stdin/);
    });

    test('deleteRun removes the run and every row it owns', () => {
      const keep = store.createRun({ experiment: 'e' });
      const run = store.createRun({ experiment: 'e' });
      for (const id of [keep.id, run.id]) {
        store.appendMetrics(id, points('loss', 300));
        store.appendLayerStats(id, 1, [{ name: 'l', gradNorm: 1, weightNorm: 1, updateRatio: 1 }]);
        store.addArtifact(id, { kind: 'checkpoint', path: 'c' });
        store.appendLog(id, [{ stream: 'stdout', text: 'hi', time: 1 }]);
      }
      const owned = { metrics: 300, metric_blocks: 5, run_keys: 1, layer_stats: 1, artifacts: 1, logs: 1 };
      assert.deepEqual(rowCounts(file, run.id), owned);
      assert.equal(store.deleteRun(run.id), true);
      assert.equal(store.getRun(run.id), undefined);
      assert.deepEqual(rowCounts(file, run.id), { metrics: 0, metric_blocks: 0, run_keys: 0, layer_stats: 0, artifacts: 0, logs: 0 });
      assert.deepEqual(rowCounts(file, keep.id), owned, 'the other run keeps its rows');
      assert.equal(store.deleteRun(run.id), false);
    });

    test('failOrphans fails queued and running runs only', () => {
      const queued = store.createRun({ experiment: 'e' });
      const running = store.createRun({ experiment: 'e' });
      const done = store.createRun({ experiment: 'e' });
      store.markRunning(running.id, 77);
      store.endRun(done.id, 'finished', null);
      assert.equal(store.failOrphans('host exited while the run was active'), 2);
      for (const id of [queued.id, running.id]) {
        const run = store.getRun(id)!;
        assert.equal(run.status, 'failed');
        assert.equal(run.reason, 'host exited while the run was active');
        assert.notEqual(run.endedAt, null);
      }
      assert.equal(store.getRun(done.id)!.status, 'finished');
      assert.equal(store.failOrphans('again'), 0);
    });

    test('events report this connection\'s writes after commit', () => {
      const events: StoreEvent[] = [];
      const unsubscribe = store.onEvent((event) => events.push(event));
      store.onEvent(() => {
        throw new Error('a broken view');
      });
      const run = store.createRun({ experiment: 'e' });
      store.markRunning(run.id, 1);
      store.appendMetrics(run.id, [{ key: 'loss', step: 7, time: 1, value: 1 }, { key: 'acc', step: 9, time: 1, value: 1 }]);
      store.endRun(run.id, 'finished', null);
      store.deleteRun(run.id);
      unsubscribe();
      store.createRun({ experiment: 'e' });
      assert.deepEqual(events, [
        { kind: 'run-created', runId: run.id },
        { kind: 'run-updated', runId: run.id },
        { kind: 'metrics', runId: run.id, lastStep: 9 },
        { kind: 'run-updated', runId: run.id },
        { kind: 'run-deleted', runId: run.id },
      ]);
    });

    test('a second connection reads committed data and sees the change counter move', () => {
      const reader = openStore(file, { driver, readonly: true });
      try {
        const before = reader.changeCounter();
        assert.equal(reader.changeCounter(), before, 'no writes, no change');
        const run = store.createRun({ experiment: 'shared', params: { lr: 0.5 } });
        store.appendMetrics(run.id, points('loss', 200));
        const seen = reader.changeCounter();
        assert.notEqual(seen, before);
        assert.deepEqual(reader.getRun(run.id)!.params, { lr: 0.5 });
        assert.equal(reader.series(run.id, 'loss', { buckets: 4 }).reduce((n, b) => n + b.count, 0), 200);
        const ownBefore = store.changeCounter();
        store.endRun(run.id, 'finished', null);
        assert.notEqual(store.changeCounter(), ownBefore, 'own writes move the writer\'s counter');
        assert.notEqual(reader.changeCounter(), seen);
        assert.equal(reader.getRun(run.id)!.status, 'finished');
        rejects(() => reader.createRun({ experiment: 'x' }), 'STORE_UNAVAILABLE', /read-only/);
      } finally {
        reader.close();
      }
    });

    test('an old schema is migrated on open, backfilling latest values and blocks', () => {
      const old = path.join(dir, `old-${counter}.db`);
      const raw = openDriver(old, driver, false, defaultLoaders, memoryLogger());
      migrate(raw, old, 1);
      raw.exec(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'legacy', 0);
        INSERT INTO runs (id, experiment_id, name, status, created_at) VALUES (1, 1, 'r', 'finished', 0);
        INSERT INTO metric_keys (id, name) VALUES (1, 'loss');`);
      const legacy = points('loss', 1000, { seed: 4 });
      const insert = raw.prepare('INSERT INTO metrics (run_id, key_id, step, time, value) VALUES (1, 1, ?, ?, ?)');
      raw.transaction(() => {
        for (const p of legacy) insert.run(p.step, p.time, p.value);
      });
      raw.close();

      const migrated = openStore(old, { driver });
      try {
        assert.deepEqual(migrated.latest(1), [{ key: 'loss', step: 999, time: legacy[999]!.time, value: legacy[999]!.value }]);
        assert.deepEqual(migrated.series(1, 'loss', { buckets: 10 }), referenceByStep(legacy, 10), 'served from backfilled blocks');
        migrated.appendMetrics(1, points('loss', 10, { from: 1000 }));
        assert.equal(migrated.latest(1)[0]!.step, 1009);
      } finally {
        migrated.close();
      }
      const check = new DatabaseSync(old, { readOnly: true });
      assert.deepEqual((check.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]).map((r) => r.version), MIGRATIONS.map((m) => m.version));
      check.close();
    });

    test('a schema newer than the code is refused with STORE_SCHEMA; read-only cannot migrate', () => {
      store.close();
      const raw = new DatabaseSync(file);
      raw.exec(`INSERT INTO schema_version (version, applied_at) VALUES (${SCHEMA_VERSION + 1}, 0)`);
      raw.close();
      rejects(() => openStore(file, { driver }), 'STORE_SCHEMA', new RegExp(`version ${SCHEMA_VERSION + 1}`));
      rejects(() => openStore(file, { driver, readonly: true }), 'STORE_SCHEMA', /newer/);

      const old = path.join(dir, `old-ro-${counter}.db`);
      const legacy = openDriver(old, driver, false, defaultLoaders, memoryLogger());
      migrate(legacy, old, 2);
      legacy.close();
      rejects(() => openStore(old, { driver, readonly: true }), 'STORE_SCHEMA', /needs migrating/);
      store = openStore(old, { driver }); // reopened so the after-hook has a store to close
    });
  });
}
