// Fault injection at the store, on both drivers and real SQLite files: a transaction that SQLite
// rolled back by itself, runs whose owner process is gone (a reused pid included), an end status
// left pending on disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { silentLogger } from '../../../src/core/log.ts';
import { openStore, type DriverName } from '../../../src/core/store/index.ts';
import { defaultLoaders, openDriver } from '../../../src/core/store/open-driver.ts';
import { writePendingEnd } from '../../../src/core/store/pending-end.ts';
import { currentOwner } from '../../../src/core/store/owner.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];

function rawUpdate(file: string, sql: string, ...params: (string | number | null)[]): void {
  const db = new DatabaseSync(file);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

for (const driver of DRIVERS) {
  describe(`store faults on ${driver}`, () => {
    let dir: string;
    let counter = 0;
    const fresh = () => path.join(dir, `runs-${++counter}.db`);
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), `hyperlab-faults-${driver.replace(':', '-')}-`)); });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('a transaction SQLite already rolled back (as it does on SQLITE_FULL) surfaces the real error, not "cannot rollback"', () => {
      const file = fresh();
      openStore(file, { driver }).close();
      const raw = openDriver(file, driver, false, defaultLoaders, silentLogger);
      try {
        raw.exec('CREATE TABLE t (x INTEGER)');
        const real = new Error('database or disk is full');
        // A statement failing with SQLITE_FULL ends the whole transaction inside SQLite; the
        // ROLLBACK here stands in for that, then the statement's own error is thrown.
        assert.throws(() => raw.transaction(() => {
          raw.prepare('INSERT INTO t VALUES (1)').run();
          raw.exec('ROLLBACK');
          throw real;
        }), (error: unknown) => error === real);
        // Nested: the savepoint is gone with the transaction, and the real error still wins.
        assert.throws(() => raw.transaction(() => raw.transaction(() => {
          raw.exec('ROLLBACK');
          throw real;
        })), (error: unknown) => error === real);
        // The connection is usable and nothing of the failed transactions was kept.
        raw.transaction(() => raw.prepare('INSERT INTO t VALUES (2)').run());
        assert.deepEqual(raw.prepare('SELECT x FROM t').all().map((row) => row.x), [2]);
      } finally {
        raw.close();
      }
    });

    test('a run records its owner: this process, this host, its start; a live owner is left alone on open', () => {
      const file = fresh();
      const store = openStore(file, { driver });
      const id = store.createRun({ experiment: 'e' }).id;
      store.markRunning(id, 4_000_000);
      store.close();
      const db = new DatabaseSync(file, { readOnly: true });
      const row = db.prepare('SELECT owner_pid, owner_host, owner_start FROM runs WHERE id = ?').get(id) as { owner_pid: number; owner_host: string; owner_start: string | null };
      db.close();
      const me = currentOwner();
      assert.equal(row.owner_pid, process.pid);
      assert.equal(row.owner_host, os.hostname());
      assert.equal(row.owner_start, me.start);
      if (process.platform === 'linux') assert.match(String(row.owner_start), /^[0-9a-f-]{36}:\d+$/);
      const again = openStore(file, { driver });
      assert.equal(again.getRun(id)?.status, 'running');
      again.close();
    });

    test('on open, runs whose owner is gone are failed with the reason; a reused pid (same pid, other start) counts as gone; other hosts are left alone', () => {
      const file = fresh();
      const store = openStore(file, { driver });
      const ids = Array.from({ length: 5 }, () => store.createRun({ experiment: 'e' }).id);
      for (const id of ids.slice(0, 4)) store.markRunning(id, null);
      store.close();
      const [dead, reused, otherHost, alive, queued] = ids as [number, number, number, number, number];
      const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
      rawUpdate(file, 'UPDATE runs SET owner_pid = ? WHERE id = ?', exited, dead);
      rawUpdate(file, 'UPDATE runs SET owner_start = ? WHERE id = ?', 'another-boot:12345', reused);
      rawUpdate(file, "UPDATE runs SET owner_pid = ?, owner_host = 'a-host-that-is-not-this-one' WHERE id = ?", exited, otherHost);
      rawUpdate(file, 'UPDATE runs SET owner_pid = ? WHERE id = ?', exited, queued);

      const reopened = openStore(file, { driver });
      try {
        const host = os.hostname();
        assert.equal(reopened.getRun(dead)?.status, 'failed');
        assert.equal(reopened.getRun(dead)?.reason, `the process that ran it (pid ${exited} on ${host}) is gone`);
        assert.ok(reopened.getRun(dead)?.endedAt);
        assert.equal(reopened.getRun(reused)?.status, 'failed');
        assert.equal(reopened.getRun(reused)?.reason, `the process that ran it (pid ${process.pid} on ${host}) is gone`);
        assert.equal(reopened.getRun(otherHost)?.status, 'running');
        assert.equal(reopened.getRun(alive)?.status, 'running');
        assert.equal(reopened.getRun(queued)?.status, 'failed');
        // failOrphans() is the same repair on demand: nothing left to do now.
        assert.deepEqual(reopened.failOrphans(), []);
      } finally {
        reopened.close();
      }
    });

    test('an end status left pending on disk (the store was full or locked) is applied by the next open, once', () => {
      const file = fresh();
      const store = openStore(file, { driver });
      const id = store.createRun({ experiment: 'e' }).id;
      store.markRunning(id, null);
      const done = store.createRun({ experiment: 'e' }).id;
      store.endRun(done, 'killed', 'stopped by the user');
      store.close();
      const sidecar = writePendingEnd(file, id, { status: 'failed', reason: 'disk full: 12 points not stored', summary: { steps: 3 }, endedAt: 1_700_000_000_000 });
      // A stale record for a run that ended meanwhile does not overwrite its status.
      writePendingEnd(file, done, { status: 'finished', reason: null, summary: null, endedAt: 1 });
      assert.ok(fs.existsSync(sidecar));
      const reopened = openStore(file, { driver });
      try {
        const run = reopened.getRun(id)!;
        assert.deepEqual([run.status, run.reason, run.summary, run.endedAt], ['failed', 'disk full: 12 points not stored', { steps: 3 }, 1_700_000_000_000]);
        assert.equal(reopened.getRun(done)?.status, 'killed');
        assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((name) => name.includes('-end-')), []);
      } finally {
        reopened.close();
      }
    });
  });
}
