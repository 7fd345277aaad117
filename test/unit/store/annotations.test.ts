// Names, tags, notes, stars and the training plan (schema 8), on real SQLite files, both drivers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HyperlabError } from '../../../src/core/errors.ts';
import { openStore, type DriverName, type StoreEvent } from '../../../src/core/store/index.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];
let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-annotations-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const driver of DRIVERS) {
  describe(`annotations (${driver})`, () => {
    test('rename, tags, note and star are stored, read back by another connection, and go with the run', () => {
      const file = path.join(dir, `${driver.replace(':', '-')}.db`);
      const store = openStore(file, { driver });
      const events: StoreEvent[] = [];
      store.onEvent((e) => events.push(e));
      const a = store.createRun({ experiment: 'mlp' });
      const b = store.createRun({ experiment: 'mlp' });
      store.renameRun(a.id, '  lr=0.01 · adam ');
      store.tagRun(a.id, ['baseline', 'best-lr', 'baseline']);
      store.untagRun(a.id, ['best-lr']);
      store.setRunNote(a.id, 'the one to beat');
      store.setRunStarred(a.id, true);
      store.setRunPlan(b.id, { epochs: 3, stepsPerEpoch: 10, totalSteps: 30, batchSize: 32 });
      assert.equal(events.filter((e) => e.kind === 'run-updated' && e.runId === a.id).length, 5, 'each change tells the views');

      const reader = openStore(file, { driver, readonly: true });
      assert.equal(reader.getRun(a.id)!.name, 'lr=0.01 · adam');
      const notes = reader.annotations();
      assert.deepEqual({ ...notes.get(a.id)!, planTime: null }, { runId: a.id, tags: ['baseline'], note: 'the one to beat', starred: true, plan: null, planTime: null });
      assert.deepEqual(notes.get(b.id)!.plan, { epochs: 3, stepsPerEpoch: 10, totalSteps: 30, batchSize: 32 });
      assert.ok(typeof notes.get(b.id)!.planTime === 'number');
      assert.deepEqual([...reader.annotations([b.id]).keys()], [b.id]);
      reader.close();

      store.setRunNote(a.id, '  ');
      store.setRunStarred(a.id, false);
      assert.deepEqual(store.annotations([a.id]).get(a.id)!.note, null, 'a blank note removes it');
      store.deleteRun(a.id);
      assert.equal(store.annotations().has(a.id), false, 'deleting a run deletes its tags and note');
      store.close();
    });

    test('bad input is refused with the field and the fix; a missing run is RUN_NOT_FOUND', () => {
      const store = openStore(path.join(dir, `bad-${driver.replace(':', '-')}.db`), { driver });
      const run = store.createRun({ experiment: 'x' });
      const code = (fn: () => void): string => {
        try { fn(); } catch (error) { assert.ok(error instanceof HyperlabError && error.hint); return `${error.code}: ${error.message}`; }
        return 'no error';
      };
      assert.match(code(() => store.tagRun(run.id, ['two words'])), /STORE_INPUT: tag "two words": a tag is 1 to 64 characters without spaces or commas/);
      assert.match(code(() => store.renameRun(run.id, '   ')), /STORE_INPUT: run name/);
      assert.match(code(() => store.renameRun(999, 'x')), /RUN_NOT_FOUND/);
      assert.deepEqual(store.annotations().get(run.id), undefined, 'nothing half-written');
      store.close();
    });
  });
}
