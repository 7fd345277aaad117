import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { RunPool } from '../../../src/core/runner/index.ts';
import { FAST_STOP, fixture, tempStore, waitForSideFile } from './helpers.ts';

test('the pool never runs more than N at once; the rest wait queued in the store', async () => {
  const { store, dir } = tempStore();
  const pool = new RunPool({ store, parallelism: 2, limits: FAST_STOP });
  const alive = new Set<number>();
  let maxAlive = 0;
  pool.on('started', (e) => { alive.add(e.runId); maxAlive = Math.max(maxAlive, alive.size); });
  pool.on('ended', (e) => { alive.delete(e.runId); });
  const runs = Array.from({ length: 5 }, (_, i) => pool.submit({
    run: { experiment: 'pool', name: `r${i}` },
    command: fixture('slow', dir, { HL_STEPS: '3', HL_SIDE_FILE: path.join(dir, `side-${i}.json`) }),
  }));
  await Promise.all([0, 1].map((i) => waitForSideFile(path.join(dir, `side-${i}.json`))));
  assert.deepEqual(runs.map((r) => store.getRun(r.runId)?.status), ['running', 'running', 'queued', 'queued', 'queued']);
  assert.equal(pool.runningCount, 2);
  assert.equal(pool.queuedCount, 3);

  runs[0]!.stop();
  assert.equal((await runs[0]!.done).status, 'killed');
  await waitForSideFile(path.join(dir, 'side-2.json'));
  assert.equal(store.getRun(runs[2]!.runId)?.status, 'running');
  assert.equal(store.countRuns({ status: 'running' }), 2);

  runs[4]!.stop('not needed');
  const queuedOutcome = await runs[4]!.done;
  assert.equal(queuedOutcome.status, 'killed');
  assert.equal(store.getRun(runs[4]!.runId)?.reason, 'not needed before it started');

  const outcomes = await pool.stopAll();
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['killed', 'killed', 'killed']);
  await pool.idle();
  assert.equal(maxAlive, 2);
  assert.equal(alive.size, 0);
  assert.deepEqual(runs.map((r) => store.getRun(r.runId)?.status), ['killed', 'killed', 'killed', 'killed', 'killed']);
  assert.equal(store.getRun(runs[3]!.runId)?.startedAt, null, 'run 3 was stopped while queued');
  store.close();
});

test('the pool runs everything to the end with parallelism 1, one at a time', async () => {
  const { store, dir } = tempStore();
  const pool = new RunPool({ store, parallelism: 1 });
  const alive = new Set<number>();
  let maxAlive = 0;
  pool.on('started', (e) => { alive.add(e.runId); maxAlive = Math.max(maxAlive, alive.size); });
  pool.on('ended', (e) => { alive.delete(e.runId); });
  const runs = ['normal', 'crash', 'normal'].map((mode) => pool.submit({ run: { experiment: 'serial' }, command: fixture(mode, dir, { HL_STEPS: '5' }) }));
  const outcomes = await Promise.all(runs.map((r) => r.done));
  assert.deepEqual(outcomes.map((o) => o.status), ['finished', 'failed', 'finished']);
  assert.equal(maxAlive, 1);
  assert.throws(() => pool.setParallelism(0), /parallelism must be an integer ≥ 1, got 0/);
  store.close();
});

test('a queued run ended or deleted by another process is settled as the store has it, never started', { timeout: 30_000 }, async () => {
  const { store, dir } = tempStore();
  const pool = new RunPool({ store, parallelism: 1, limits: FAST_STOP });
  const started: number[] = [];
  pool.on('started', (e) => started.push(e.runId));
  const submit = (i: number) => pool.submit({ run: { experiment: 'elsewhere' }, command: fixture('slow', dir, { HL_STEPS: '3', HL_SIDE_FILE: path.join(dir, `side-${i}.json`) }) });
  const [first, stopped, deleted, last] = [0, 1, 2, 3].map(submit);
  await waitForSideFile(path.join(dir, 'side-0.json'));
  store.endRun(stopped!.runId, 'killed', 'stopped from another window before it started');
  store.deleteRun(deleted!.runId);
  first!.stop();
  await waitForSideFile(path.join(dir, 'side-3.json'));
  assert.deepEqual(started, [first!.runId, last!.runId]);
  assert.deepEqual(await stopped!.done, { runId: stopped!.runId, status: 'killed', reason: 'stopped from another window before it started', summary: null, exitCode: null, signal: null, points: 0, protocolErrors: 0, droppedLogLines: 0, recorded: true });
  assert.equal((await deleted!.done).reason, 'deleted before it started');
  assert.equal(store.getRun(stopped!.runId)?.status, 'killed');
  await pool.stopAll();
  store.close();
});
