// The store's side of the input hardening, on both drivers and real SQLite files: an artifact's
// hash filled in after it is recorded, rows that cannot be read shown as such (one bad row once
// failed the listing of every run), and sorting by a flat dotted params key by value.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';

const DRIVERS = ['better-sqlite3', 'node:sqlite'] as const;

function tempDb(driver: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), `hyperlab-store-hardening-${driver.replace(':', '')}-`)), 'runs.db');
}

for (const driver of DRIVERS) {
  test(`${driver}: setArtifactHash fills in the hash of a recorded artifact and tells listeners; an unknown id changes nothing`, () => {
    const store = openStore(tempDb(driver), { driver });
    const run = store.createRun({ experiment: 'e', params: {} });
    const artifact = store.addArtifact(run.id, { kind: 'checkpoint', path: '/x/model.bin', size: 7 });
    assert.equal(artifact.sha256, null);
    const events: string[] = [];
    store.onEvent((event) => events.push(`${event.kind}:${'runId' in event ? event.runId : ''}`));
    store.setArtifactHash(artifact.id, 'ab'.repeat(32));
    store.setArtifactHash(artifact.id + 100, 'cd'.repeat(32));
    assert.equal(store.artifacts(run.id)[0]!.sha256, 'ab'.repeat(32));
    assert.deepEqual(events, [`run-updated:${run.id}`]);
    store.close();
  });

  test(`${driver}: a row whose summary is nested 1,001 deep or whose params are not JSON reads as unreadable; the others and the sort work`, () => {
    const dbPath = tempDb(driver);
    const store = openStore(dbPath, { driver });
    for (const epochs of [30, 4, 100]) store.createRun({ experiment: 'e', params: { 'train.epochs': epochs } });
    store.close();
    const db = new DatabaseSync(dbPath);
    db.prepare('UPDATE runs SET summary = ? WHERE id = 1').run('{"x":'.repeat(1001) + '1' + '}'.repeat(1001));
    db.prepare('UPDATE runs SET params = ? WHERE id = 3').run('[1, 2');
    db.close();
    const reopened = openStore(dbPath, { driver });
    const sorted = reopened.listRuns({ sortBy: 'params.train.epochs', order: 'asc' });
    // Run 3's params cannot be read, so it has no value to sort by: last.
    assert.deepEqual(sorted.map((run) => run.id), [2, 1, 3]);
    assert.deepEqual(reopened.getRun(1)!.summary, { '(unreadable)': 'the stored value is nested more than 64 levels deep (the limit is 64)' });
    assert.match(String(reopened.getRun(3)!.params['(unreadable)']), /^not JSON/);
    assert.deepEqual(reopened.listRuns({ sortBy: 'summary.x', order: 'desc' }).map((run) => run.id), [3, 2, 1]);
    reopened.close();
  });
}
