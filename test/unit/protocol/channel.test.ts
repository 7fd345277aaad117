import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { openProducerChannel } from '../../../src/core/protocol/index.ts';
import { startRun } from '../../../src/core/runner/index.ts';
import { FIXTURES, pointCounts, tempStore } from '../runner/helpers.ts';
import path from 'node:path';

test('standalone (no channel fd): messages go to the fallback, nothing throws', async () => {
  const sent: string[] = [];
  const channel = openProducerChannel({ env: {}, fallback: (line) => sent.push(line) });
  assert.equal(channel.connected, false);
  channel.send({ type: 'metrics', step: 0, time: 1, values: { loss: Number.NaN } });
  await channel.close();
  assert.deepEqual(sent, ['{"type":"metrics","step":0,"time":1,"values":{"loss":"NaN"}}\n']);
});

test('a channel fd that is not a number or not open is a clear error', () => {
  assert.throws(() => openProducerChannel({ env: { HYPERLAB_CHANNEL_FD: 'three' } }), /HYPERLAB_CHANNEL_FD="three" is not a usable file descriptor/);
  assert.throws(() => openProducerChannel({ env: { HYPERLAB_CHANNEL_FD: '987' } }), /file descriptor 987 is not open/);
});

test('a Node producer on the real channel reaches the store through the runner (NaN included)', async () => {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'channel' });
  const handle = startRun({
    store, runId: run.id,
    command: { argv: [process.execPath, path.join(FIXTURES, 'producer-channel.mjs')], cwd: dir },
    start: { spec: {}, overrides: { 'train.lr': 0.5 }, seed: 11 },
  });
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished', outcome.reason ?? '');
  assert.deepEqual(pointCounts(store, run.id), { 'grad/norm': 10, loss: 10 });
  assert.deepEqual(store.getRun(run.id)?.params, { seed: 11, 'train.lr': 0.5 });
  const gradNorm = store.series(run.id, 'grad/norm', { buckets: 10 });
  assert.ok(Number.isNaN(gradNorm[5]!.last), `step 5 is NaN, got ${gradNorm[5]!.last}`);
  store.close();
});

test('the channel delivers the stop message; the producer exits and the run is killed', async () => {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'channel' });
  const handle = startRun({ store, runId: run.id, command: { argv: [process.execPath, path.join(FIXTURES, 'producer-channel.mjs'), 'wait'], cwd: dir } });
  await new Promise<void>((resolve) => handle.on('metrics', () => resolve()));
  handle.stop();
  const outcome = await handle.done;
  assert.equal(outcome.status, 'killed');
  assert.equal(outcome.reason, 'stopped by the user');
  assert.equal(outcome.exitCode, 0);
  assert.ok(store.log(run.id).some((l) => l.stream === 'protocol' && l.text === '[info] stopping: stopped by the user'));
  store.close();
});

test('the host going away (its end of the channel closed) reaches the producer as a stop: no orphan trains on', { timeout: 30_000 }, async () => {
  // The producer is spawned by hand here, as the runner would, and its host end is then dropped
  // the way a crashed window or a killed CLI drops it.
  const child = spawn(process.execPath, [path.join(FIXTURES, 'producer-channel.mjs'), 'wait'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, HYPERLAB_CHANNEL_FD: '3' },
  });
  const channel = child.stdio[3] as Duplex;
  let received = '';
  channel.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
  channel.on('error', () => {});
  channel.write('{"type":"start","spec":{},"overrides":{},"seed":1}\n');
  while (!received.includes('"metrics"')) await new Promise((resolve) => setTimeout(resolve, 10));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  channel.destroy();
  assert.equal(await exited, 0, 'the waiting producer stopped and exited on its own');
});
