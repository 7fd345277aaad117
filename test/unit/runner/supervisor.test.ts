// Every way a run can end, with real child processes and a real SQLite store.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startRun, type StartRunOptions } from '../../../src/core/runner/index.ts';
import { FAST_STOP, fixture, pointCounts, tempStore, waitForSideFile } from './helpers.ts';

function launch(mode: string, extra: Partial<StartRunOptions> = {}, env: { [key: string]: string } = {}) {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: `fixture-${mode}`, params: { fromSpec: 1 } });
  const sideFile = path.join(dir, 'progress.json');
  const handle = startRun({ store, runId: run.id, command: fixture(mode, dir, { HL_SIDE_FILE: sideFile, ...env }), limits: FAST_STOP, ...extra });
  return { store, dir, runId: run.id, handle, sideFile };
}

test('normal: finished, with params, every metric, layer stats, artifact, log and summary', async () => {
  const { store, dir, runId, handle } = launch('normal', { start: { spec: { a: 1 }, overrides: { 'train.epochs': 2 }, seed: 5 } }, { HL_STEPS: '30' });
  const statuses: string[] = [];
  handle.on('status', (e) => statuses.push(e.status));
  const startedMs = Date.now();
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.reason, null);
  // The protocol's time is in seconds; the store keeps milliseconds.
  const [firstPoint] = store.points(runId, 'train/loss', { limit: 1 });
  assert.ok(firstPoint!.time >= startedMs - 1000 && firstPoint!.time <= Date.now(), `time ${firstPoint!.time} in ms`);
  assert.deepEqual(statuses, ['running', 'finished']);
  const run = store.getRun(runId)!;
  assert.equal(run.status, 'finished');
  assert.deepEqual(run.summary, { 'train/loss': 2 / 30, steps: 30 });
  assert.deepEqual(run.params, { fromSpec: 1, lr: 0.1, model: { hidden: 32 }, seed: 5, 'train.epochs': 2 });
  assert.deepEqual(pointCounts(store, runId), { 'train/acc': 30, 'train/loss': 30 });
  assert.equal(outcome.points, 60);
  const stats = store.layerStats(runId);
  assert.deepEqual(stats.map((s) => s.step), [0, 5, 10, 15, 20, 25]);
  assert.ok(Number.isNaN(stats[0]!.layers[1]!.gradNorm));
  await handle.artifactsHashed; // the run's end does not wait for hashes; its store writes do
  const [artifact] = store.artifacts(runId);
  assert.equal(artifact?.path, path.join(dir, 'runs', String(runId), 'model.safetensors'));
  assert.equal(artifact?.size, 16);
  assert.equal(artifact?.sha256, createHash('sha256').update('checkpoint bytes').digest('hex'));
  const log = store.log(runId);
  assert.equal(log.filter((l) => l.stream === 'stdout').length, 30);
  assert.ok(log.some((l) => l.stream === 'stderr' && l.text === 'a warning on stderr'));
  assert.ok(log.some((l) => l.text === `run dir: ${path.join(path.dirname(store.path), 'runs', String(runId))}`), 'the producer is told its run folder');
  assert.ok(log.some((l) => l.stream === 'protocol' && l.text === '[info] training complete'));
  store.close();
});

test('crash: failed, the reason names the exit code and the last stderr line; metrics kept', async () => {
  const { store, runId, handle } = launch('crash');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.reason, 'exited with code 3; last stderr: Error: simulated crash in step 5');
  assert.equal(store.getRun(runId)?.reason, outcome.reason);
  assert.deepEqual(pointCounts(store, runId), { 'train/loss': 5 });
  store.close();
});

test('exit 0 without a done message: failed', async () => {
  const { store, handle } = launch('nodone');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason!, /^exited with code 0 without a done message; last stderr: finished without saying done$/);
  store.close();
});

test('done with status diverged: diverged with the producer reason', async () => {
  const { store, runId, handle } = launch('diverge');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'diverged');
  assert.equal(outcome.reason, 'loss exploded past 1e20 at step 0');
  assert.equal(store.getRun(runId)?.status, 'diverged');
  store.close();
});

test('a NaN loss: diverged, the producer is stopped, the NaN point is stored', async () => {
  const { store, runId, handle } = launch('nan');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'diverged');
  assert.equal(outcome.reason, 'train/loss was NaN at step 3');
  assert.ok(store.log(runId).some((l) => l.text === 'stopping after divergence'), 'the producer got the stop message');
  assert.deepEqual(pointCounts(store, runId), { 'train/acc': 1, 'train/loss': 4 });
  assert.ok(Number.isNaN(store.series(runId, 'train/loss', { buckets: 4 })[3]!.last));
  store.close();
});

test('garbage lines: counted, the first few logged, the run goes on and finishes', async () => {
  const { store, runId, handle } = launch('garbage');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  // A metrics line whose only value is bad is not an invalid line: its key is dropped and logged.
  assert.equal(outcome.protocolErrors, 6);
  assert.equal(outcome.reason, '6 invalid protocol line(s) ignored');
  assert.deepEqual(pointCounts(store, runId), { 'train/loss': 2 });
  const protocolLog = store.log(runId).filter((l) => l.stream === 'protocol').map((l) => l.text);
  assert.equal(protocolLog.filter((t) => t.startsWith('invalid protocol line:')).length, 5);
  assert.ok(protocolLog.includes('invalid protocol line: unknown message type "teleport"; expected one of hello, params, plan, metrics, layerStats, artifact, log, done, error'));
  assert.ok(protocolLog.some((t) => /line of \d+ bytes exceeds the 1048576-byte limit/.test(t)));
  assert.ok(protocolLog.includes('6 invalid protocol lines in all (first 5 shown)'));
  assert.ok(protocolLog.includes('metric "train/loss": value dropped, the line\'s other values kept (said once per key): metrics.values.train/loss: expected a number or "NaN"/"Infinity"/"-Infinity", got string "not a number"'), protocolLog.join('\n'));
  store.close();
});

test('protocol errors beyond the limit: failed', async () => {
  const { store, handle } = launch('garbage', { limits: { ...FAST_STOP, maxProtocolErrors: 3 } });
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason!, /^more than 3 invalid protocol lines; the last: /);
  store.close();
});

test('another protocol version: rejected, failed with a reason naming both versions', async () => {
  const { store, runId, handle } = launch('oldversion');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason!, /speaks protocol version 99, this host speaks version 1/);
  assert.deepEqual(pointCounts(store, runId), {}, 'nothing after a rejected hello is stored');
  store.close();
});

test('flood: 60,000 messages all stored, memory bounded by batch flushing', async () => {
  const { store, runId, handle } = launch('flood', { limits: { ...FAST_STOP, flushPoints: 2000 } }, { HL_FLOOD_COUNT: '60000' });
  let batches = 0;
  handle.on('metrics', () => batches++);
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.deepEqual(pointCounts(store, runId), { lr: 60000, 'train/loss': 60000 });
  assert.ok(batches >= 120000 / 2000, `flushed in batches of at most 2000 points (${batches} batches)`);
  store.close();
});

test('stdout flood: log capped per run with a counted note, an overlong line cut', async () => {
  const { store, runId, handle } = launch('logflood', { limits: { ...FAST_STOP, maxLogLines: 1000, maxLogLineBytes: 1024 } }, { HL_FLOOD_COUNT: '5000' });
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished');
  assert.equal(outcome.droppedLogLines, 4001);
  const log = store.log(runId);
  assert.equal(log.filter((l) => l.stream === 'stdout').length, 1000);
  assert.ok(log.some((l) => l.text === '4001 log lines dropped (limit 1000 per run)'));
  store.close();
});

test('stdout flood within the cap: the overlong line is cut with its size', async () => {
  const { store, runId, handle } = launch('logflood', { limits: { ...FAST_STOP, maxLogLineBytes: 1024 } }, { HL_FLOOD_COUNT: '10' });
  await handle.done;
  const cut = store.log(runId).find((l) => l.text.startsWith('yyy'));
  assert.equal(cut?.text, `${'y'.repeat(1024)}… [line cut: 200000 bytes]`);
  store.close();
});

test('stop: a cooperative producer exits on the stop message; killed, not forced', async () => {
  const { store, runId, handle, sideFile } = launch('slow', {}, { HL_STEPS: '10' });
  await waitForSideFile(sideFile);
  handle.stop();
  const outcome = await handle.done;
  assert.equal(outcome.status, 'killed');
  assert.equal(outcome.reason, 'stopped by the user');
  assert.equal(outcome.exitCode, 0);
  assert.ok(store.log(runId).some((l) => l.text === 'graceful stop'));
  assert.deepEqual(pointCounts(store, runId), { 'train/acc': 10, 'train/loss': 10 });
  store.close();
});

test('stop: a hung producer that ignores stop and SIGTERM is SIGKILLed; killed', async () => {
  const { store, runId, handle, sideFile } = launch('hang');
  await waitForSideFile(sideFile);
  handle.stop('stopped from the test');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'killed');
  assert.equal(outcome.signal, 'SIGKILL');
  assert.equal(outcome.reason, 'stopped from the test (did not stop on request; ended with SIGKILL)');
  assert.ok(store.log(runId).some((l) => l.text === 'ignoring SIGTERM'), 'SIGTERM came before SIGKILL');
  store.close();
});

test('timeout: a hung producer is stopped and the run failed', async () => {
  const { store, handle } = launch('hang', { timeoutMs: 300 });
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.reason, 'timed out after 300 ms (did not stop on request; ended with SIGKILL)');
  store.close();
});

test('a command that cannot start: failed with the spawn error', async () => {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'missing' });
  const outcome = await startRun({ store, runId: run.id, command: { argv: [path.join(dir, 'no-such-program')], cwd: dir } }).done;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason!, /^could not start the producer: spawn .*no-such-program ENOENT$/);
  assert.equal(store.getRun(run.id)?.status, 'failed');
  store.close();
});

test('SIGKILL from outside mid-run: failed naming SIGKILL, with every metric sent before the kill', async () => {
  const { store, runId, handle, sideFile } = launch('slow', {}, { HL_STEPS: '2500' });
  const sent = await waitForSideFile(sideFile);
  assert.equal(sent['pointsSent'], 5000);
  process.kill(handle.pid!, 'SIGKILL');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.reason, 'terminated by SIGKILL; last stderr: sent 2500 steps, sleeping');
  assert.deepEqual(pointCounts(store, runId), { 'train/acc': 2500, 'train/loss': 2500 });
  assert.ok(fs.existsSync(sideFile));
  store.close();
});

test('SIGTERM from outside (Stop Run in another window, kill PID): killed, not failed, metrics kept', async () => {
  const { store, runId, handle, sideFile } = launch('slow', {}, { HL_STEPS: '40' });
  await waitForSideFile(sideFile);
  process.kill(handle.pid!, 'SIGTERM');
  const outcome = await handle.done;
  assert.equal(outcome.status, 'killed');
  assert.equal(outcome.signal, 'SIGTERM');
  assert.equal(outcome.reason, 'terminated by SIGTERM from outside Hyperlab (another window, the command line or a kill command)');
  assert.equal(store.getRun(runId)?.status, 'killed');
  assert.deepEqual(pointCounts(store, runId), { 'train/acc': 40, 'train/loss': 40 });
  store.close();
});

test('forced stop of a producer in its own process group kills its child processes too', { skip: process.platform !== 'linux', timeout: 30_000 }, async () => {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'group' });
  const pidFile = path.join(dir, 'helper.pid');
  // A producer that starts a helper (like a shell's child or a data-loader worker) sharing its
  // stdout, then ignores the stop message and SIGTERM.
  const producer = `
    const { spawn } = require('node:child_process');
    const fs = require('node:fs');
    const net = require('node:net');
    process.on('SIGTERM', () => {});
    const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: ['ignore', 'inherit', 'ignore'] });
    fs.writeFileSync(${JSON.stringify(pidFile)} + '.tmp', String(helper.pid));
    fs.renameSync(${JSON.stringify(pidFile)} + '.tmp', ${JSON.stringify(pidFile)});
    new net.Socket({ fd: 3, readable: true, writable: true }).on('error', () => {}).write('{"type":"hello","protocol":1,"producer":"group"}\\n');
    setInterval(() => {}, 1 << 30);`;
  const handle = startRun({ store, runId: run.id, command: { argv: [process.execPath, '-e', producer], cwd: dir, ownProcessGroup: true }, limits: FAST_STOP });
  while (!fs.existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 10));
  const helperPid = Number(fs.readFileSync(pidFile, 'utf8'));
  handle.stop();
  const outcome = await handle.done;
  assert.equal(outcome.status, 'killed');
  assert.equal(outcome.signal, 'SIGKILL');
  // Dead or a zombie waiting for init to reap it; before the fix it ran on (and this looped until the timeout).
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${helperPid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  while (alive()) await new Promise((resolve) => setTimeout(resolve, 10));
  store.close();
});
