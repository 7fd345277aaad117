import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRef } from '../../../src/core/webview/contract.ts';
import { emptyNote } from '../../../webview/curves/empty-note.ts';

const run = (id: number, status: RunRef['status']): RunRef => ({ id, name: `run-${id}`, experimentName: 'x', status, sweepId: null, startedAt: null, endedAt: null });

test('each run without points is explained by its status; runs with points are not mentioned', () => {
  const runs = [run(1, 'finished'), run(2, 'queued'), run(3, 'running'), run(4, 'failed')];
  const series = [{ runId: 1, xs: [0, 1] }, { runId: 3, xs: [] }];
  assert.deepEqual(emptyNote(runs, series, 'loss'), [
    'run-2 #2 is queued: its curves appear once it starts.',
    'run-3 #3 is running but has not reported loss yet.',
    'run-4 #4 recorded no loss (failed).',
  ]);
  assert.deepEqual(emptyNote([run(2, 'queued')], [], null), ['run-2 #2 is queued: its curves appear once it starts.']);
});
