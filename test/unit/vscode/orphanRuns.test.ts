// Runs left 'running' by a process that died are ended as failed when the store opens; runs
// whose process still lives (a CLI run in progress) are left alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { failDeadRuns, ORPHAN_REASON, processExists } from '../../../src/vscode/store/orphanRuns.ts';

test('a running run whose pid is gone ends failed with a reason; a live one and a pid-less one stay running', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-orphans-'));
  const store = openStore(path.join(dir, 'runs.db'));
  try {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
    assert.equal(processExists(exited), false);
    const dead = store.createRun({ experiment: 'e' }).id;
    store.markRunning(dead, exited);
    const alive = store.createRun({ experiment: 'e' }).id;
    store.markRunning(alive, process.pid);
    const unknown = store.createRun({ experiment: 'e' }).id;
    store.markRunning(unknown, null);

    assert.deepEqual(failDeadRuns(store), [dead]);
    assert.equal(store.getRun(dead)?.status, 'failed');
    assert.equal(store.getRun(dead)?.reason, ORPHAN_REASON);
    assert.equal(store.getRun(alive)?.status, 'running');
    assert.equal(store.getRun(unknown)?.status, 'running');
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
