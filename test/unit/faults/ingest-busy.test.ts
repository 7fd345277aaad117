// The ingest queue against a real write lock (another process holding BEGIN IMMEDIATE on the
// same file; in this process a second SQLite copy would share its POSIX locks): points stay queued, the producer is paused at MAX_QUEUED_POINTS and resumed once
// the queue drains, every point lands in order; a lock held past giveUpMs fails with a count.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { IngestBuffer, MAX_QUEUED_POINTS } from '../../../src/core/runner/ingest-buffer.ts';
import { openStore, type MetricPoint } from '../../../src/core/store/index.ts';

const points = (from: number, count: number): MetricPoint[] =>
  Array.from({ length: count }, (_, i) => ({ key: 'loss', step: from + i, time: 1_700_000_000_000 + from + i, value: (from + i) / 7 }));

/** Another process takes the write lock; release() commits and waits for it to exit. */
async function holdLock(file: string): Promise<{ release: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { if (String(d).includes('locked')) resolve(); }));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { release: () => { child.stdin.write('go\n'); return exited; } };
}

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-busy-'));
  const file = path.join(dir, 'runs.db');
  const store = openStore(file);
  const runId = store.createRun({ experiment: 'busy' }).id;
  return { dir, file, store, runId };
}

test('a held write lock keeps every point queued, pauses the producer at the bound, and writes them all once it is released', { timeout: 120_000 }, async () => {
  const { dir, file, store, runId } = setup();
  const pressure: boolean[] = [];
  let fatal: unknown;
  const buffer = new IngestBuffer({
    store, runId, maxPoints: 10_000, intervalMs: 100_000,
    onFlushed: () => {}, onFatal: (error) => { fatal = error; }, onBackpressure: (full) => pressure.push(full),
  });
  try {
    const lock = await holdLock(file);
    buffer.addPoints(points(0, 10_000)); // a full batch: one attempt, which waits out SQLite's 5 s busy timeout
    assert.equal(buffer.waiting, true);
    assert.equal(buffer.pointsWritten, 0);
    for (let from = 10_000; from < MAX_QUEUED_POINTS + 5_000; from += 5_000) buffer.addPoints(points(from, 5_000));
    assert.deepEqual(pressure, [true], 'paused once the queue reached its bound');
    await lock.release();
    await buffer.drain();
    assert.equal(fatal, undefined);
    assert.deepEqual(pressure, [true, false]);
    assert.equal(buffer.pointsWritten, MAX_QUEUED_POINTS + 5_000);
    assert.equal(buffer.failureReason(), null);
    const stored = store.points(runId, 'loss');
    assert.equal(stored.length, MAX_QUEUED_POINTS + 5_000);
    assert.ok(stored.every((p, i) => p.step === i && p.value === i / 7));
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock held past the give-up time fails the ingest once, counting every point not stored', { timeout: 60_000 }, async () => {
  const { dir, file, store, runId } = setup();
  const fatal: unknown[] = [];
  const buffer = new IngestBuffer({
    store, runId, maxPoints: 10_000, intervalMs: 100_000, retry: { giveUpMs: 0 },
    onFlushed: () => {}, onFatal: (error) => fatal.push(error),
  });
  try {
    const lock = await holdLock(file);
    buffer.addPoints(points(0, 3));
    await buffer.drain();
    buffer.addPoints(points(3, 4));
    await lock.release();
    assert.equal(fatal.length, 1);
    assert.match(buffer.failureReason()!, /^7 points not stored: the store failed: the store stayed locked by another process for \d+ s \(database is locked\)$/);
    assert.equal(store.points(runId, 'loss').length, 0);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
