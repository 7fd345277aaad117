// Migration 5 and the sweep store, on both drivers and real SQLite files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HyperlabError } from '../../../src/core/errors.ts';
import { memoryLogger } from '../../../src/core/log.ts';
import { openStore, type DriverName } from '../../../src/core/store/index.ts';
import { defaultLoaders, openDriver } from '../../../src/core/store/open-driver.ts';
import { migrate } from '../../../src/core/store/schema.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-sweep-store-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function count(file: string, sql: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

for (const driver of DRIVERS) {
  describe(`sweep store (${driver})`, () => {
    test('migration 5 rebuilds runs keeping every row, child row, index and a column added after migration 3', () => {
      const file = path.join(dir, `v3-${driver.replace(':', '-')}.db`);
      const raw = openDriver(file, driver, false, defaultLoaders, memoryLogger());
      migrate(raw, file, 3);
      raw.exec('PRAGMA foreign_keys = ON');
      // Stands in for another migration (4) that adds columns to runs before this one runs.
      raw.exec(`ALTER TABLE runs ADD COLUMN owner TEXT;
        INSERT INTO experiments (id, name, created_at) VALUES (1, 'legacy', 0);
        INSERT INTO sweeps (id, experiment_id, name, created_at) VALUES (1, 1, 'old sweep', 0);
        INSERT INTO runs (id, experiment_id, sweep_id, name, status, created_at, owner) VALUES (1, 1, 1, 'r1', 'finished', 0, 'ada'), (2, 1, NULL, 'r2', 'diverged', 0, NULL);
        INSERT INTO layer_stats (run_id, step, idx, name) VALUES (1, 0, 0, 'dense');
        INSERT INTO artifacts (run_id, kind, path, created_at) VALUES (1, 'checkpoint', '/x', 0);
        INSERT INTO logs (run_id, seq, stream, text, time) VALUES (1, 1, 'stdout', 'hello', 0), (2, 1, 'stdout', 'bye', 0);
        INSERT INTO metric_keys (id, name) VALUES (1, 'loss');
        INSERT INTO run_keys (run_id, key_id, last_step, last_time, last_value) VALUES (1, 1, 0, 0, 1.5);
        INSERT INTO metric_blocks VALUES (1, 1, 0, 1, 1.5, 1.5, 0, 0, 0, 0, 1.5);`);
      raw.close();

      const store = openStore(file, { driver });
      try {
        assert.equal(store.getRun(1)?.status, 'finished');
        assert.equal(store.getRun(1)?.sweepId, 1);
        assert.equal(store.getRun(2)?.status, 'diverged');
        assert.equal(store.layerStats(1).length, 1);
        assert.equal(store.artifacts(1).length, 1);
        assert.deepEqual(store.log(2).map((l) => l.text), ['bye']);
        assert.deepEqual(store.latest(1).map((l) => l.value), [1.5]);
        // the legacy sweep reads back, in its default state
        assert.equal(store.sweeps.get(1)?.status, 'created');
        assert.deepEqual(store.sweeps.get(1)?.trialCounts, {}, 'a run with no trial number is no trial');
        // 'pruned' is accepted now, by the CHECK constraint itself
        store.sweeps.markPruned(2, 'below the median');
        assert.equal(store.getRun(2)?.status, 'pruned');
        assert.deepEqual(store.listRuns({ status: 'pruned' }).map((r) => r.id), [2]);
        // foreign keys still act on the rebuilt table: deleting a run cascades to its children
        assert.ok(store.deleteRun(1));
      } finally {
        store.close();
      }
      assert.equal(count(file, 'SELECT count(*) AS n FROM logs WHERE run_id = 1'), 0);
      assert.equal(count(file, "SELECT count(*) AS n FROM runs WHERE owner IS NULL AND id = 2"), 1, 'the later column is still there');
      assert.equal(count(file, "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name IN ('runs_by_experiment', 'runs_by_status', 'runs_by_sweep', 'runs_by_trial')"), 4);
      const db = new DatabaseSync(file);
      assert.throws(() => db.exec("INSERT INTO runs (experiment_id, name, status, created_at) VALUES (1, 'x', 'bogus', 0)"), /CHECK/);
      db.close();
    });

    test('a sweep records its trials with their state atomically, refuses a trial number twice, requeues and lists', () => {
      const file = path.join(dir, `api-${driver.replace(':', '-')}.db`);
      const store = openStore(file, { driver });
      try {
        const sweep = store.sweeps.create({
          experiment: 'exp', name: 'grid', config: { method: 'grid' }, spec: { train: { epochs: 1 } }, specPath: '/s.hyperlab.json',
          budgetTrials: 3, budgetSeconds: null, parallelism: 2, state: { asked: 0 },
        });
        assert.equal(sweep.status, 'created');
        const t0 = store.sweeps.addTrial(sweep.id, { number: 0, params: { 'train.optimizer.lr': 0.1 } }, { asked: 1 });
        const t1 = store.sweeps.addTrial(sweep.id, { number: 1, params: { 'train.optimizer.lr': 0.01 } }, { asked: 2 });
        assert.deepEqual(store.sweeps.get(sweep.id)?.state, { asked: 2 });
        assert.equal(store.getRun(t0.runId)?.status, 'queued');
        assert.equal(store.getRun(t0.runId)?.sweepId, sweep.id);
        assert.throws(() => store.sweeps.addTrial(sweep.id, { number: 1, params: {} }, { asked: 3 }),
          (e: unknown) => e instanceof HyperlabError && e.code === 'SEARCH_STATE');
        assert.deepEqual(store.sweeps.get(sweep.id)?.state, { asked: 2 }, 'the refused trial left the state alone');
        assert.deepEqual(store.sweeps.trials(sweep.id).map((t) => [t.number, t.params['train.optimizer.lr']]), [[0, 0.1], [1, 0.01]]);

        store.markRunning(t1.runId, 123);
        store.appendMetrics(t1.runId, [{ key: 'loss', step: 0, time: 1, value: 2 }]);
        store.sweeps.requeueTrial(t1.runId, false);
        assert.equal(store.getRun(t1.runId)?.status, 'queued');
        assert.deepEqual(store.metricKeys(t1.runId), [], 'a restarted trial starts with no data');
        store.appendMetrics(t1.runId, [{ key: 'loss', step: 0, time: 1, value: 3 }]);
        store.sweeps.requeueTrial(t1.runId, true);
        assert.deepEqual(store.points(t1.runId, 'loss').map((p) => p.value), [3], 'a trial resumed from its checkpoint keeps its data');

        const updated = store.sweeps.update(sweep.id, { status: 'running', ownerPid: 42, ownerHost: 'h', elapsedMs: 1500 });
        assert.deepEqual([updated.status, updated.ownerPid, updated.elapsedMs], ['running', 42, 1500]);
        assert.deepEqual(store.sweeps.list().map((s) => s.id), [sweep.id]);
        assert.deepEqual(store.sweeps.list({ experiment: 'other' }), []);
        assert.deepEqual(store.sweeps.get(sweep.id)?.trialCounts, { queued: 2 });
        assert.ok(store.sweeps.delete(sweep.id));
        assert.equal(store.getRun(t0.runId), undefined);
      } finally {
        store.close();
      }
    });
  });
}

test('orphan repair puts a sweep trial whose driver is gone back in its queue instead of failing it (it was failed before)', async () => {
  const { defaultLoaders, openDriver } = await import('../../../src/core/store/open-driver.ts');
  const { memoryLogger } = await import('../../../src/core/log.ts');
  const file = path.join(dir, 'orphans.db');
  let store = openStore(file);
  const sweep = store.sweeps.create({ experiment: 'e', name: 's', config: {}, spec: {}, specPath: null, budgetTrials: 2, budgetSeconds: null, parallelism: 1, state: null });
  const trial = store.sweeps.addTrial(sweep.id, { number: 0, params: { lr: 0.1 } }, null);
  const plain = store.createRun({ experiment: 'e' });
  store.markRunning(trial.runId, 999_999);
  store.markRunning(plain.id, 999_998);
  store.appendMetrics(trial.runId, [{ key: 'loss', step: 0, time: 1, value: 1 }]);
  store.close();
  // Their owner (this process) "died": another pid that does not exist, on this host.
  const raw = openDriver(file, 'auto', false, defaultLoaders, memoryLogger());
  raw.exec("UPDATE runs SET owner_pid = 999997, owner_start = NULL");
  raw.close();
  store = openStore(file);
  try {
    assert.equal(store.getRun(trial.runId)?.status, 'queued', 'the trial waits for the sweep to resume');
    assert.equal(store.points(trial.runId, 'loss').length, 1, 'kept: the driver decides on resume');
    assert.equal(store.getRun(plain.id)?.status, 'failed');
    assert.match(store.getRun(plain.id)?.reason ?? '', /the process that ran it \(pid 999997 on .*\) is gone/);
  } finally {
    store.close();
  }
});
