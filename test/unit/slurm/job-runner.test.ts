// The job runner on the node (`hyperlab slurm-job JOBFILE`, no cluster needed: SLURM's variables
// are set by hand) when SIGTERM comes as the producer ends. A requeue that lands after the
// producer has sent its done is not a stop: the attempt is recorded as ended by itself, and the
// requeued job runs nothing again (resuming the engine past its last epoch failed the run). A
// producer stopped mid-run is recorded as stopped, and the requeued job runs it again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { writeJobFile, type JobFile } from '../../../src/core/slurm/job-file.ts';
import { tempDir } from '../runner/helpers.ts';
import { MAIN, PRODUCER, until } from './helpers.ts';

/** A job file in a fresh run folder, as the host writes it before submitting. */
function jobIn(what: (dir: string) => Pick<JobFile, 'argv' | 'env' | 'start' | 'plainCommand'>) {
  const dir = tempDir('hyperlab-job-runner-');
  const runDir = path.join(dir, 'runs', '1');
  fs.mkdirSync(runDir, { recursive: true });
  const channel = path.join(runDir, 'channel.jsonl');
  const file = path.join(runDir, 'job.json');
  writeJobFile(file, { version: 1, runId: 1, cwd: dir, runDir, channel, channelTimeoutMs: 10_000, ...what(dir) });
  return { dir, file, channel };
}

/** The engine-like producer fixture in one of its modes. */
function job(mode: string) {
  const sideIn = (dir: string) => path.join(dir, 'side.json');
  const { dir, file, channel } = jobIn((dir) => ({ argv: [process.execPath, PRODUCER, mode], env: { HL_STEPS: '4', HL_SIDE_FILE: sideIn(dir) }, start: { spec: {}, overrides: {}, seed: 0 }, plainCommand: false }));
  return { file, channel, side: sideIn(dir) };
}

/** Runs the job runner as SLURM would (restart n); resolves with its exit code. */
function attempt(file: string, restarts: number, signalWhen?: () => boolean): Promise<number | null> {
  const child = spawn(process.execPath, [MAIN, 'slurm-job', file], { env: { ...process.env, SLURM_JOB_ID: '42', SLURM_RESTART_COUNT: String(restarts) }, stdio: 'ignore' });
  if (signalWhen) void until('the moment to send SIGTERM', signalWhen, 30_000).then(() => child.kill('SIGTERM'));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** A job whose command is a Node script speaking the protocol on fd 3 (a plain command, as `run --execution SPEC -- CMD`). */
function scriptJob(script: string) {
  const { dir, file, channel } = jobIn(() => ({ argv: [process.execPath, '-e', script], env: {}, start: null, plainCommand: true }));
  return { dir, file, messages: () => fs.readFileSync(channel, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const runnerLines = (channel: string) => fs.readFileSync(channel, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; message?: string })
  .filter((m) => m.type === 'log' && m.message?.startsWith('SLURM job 42')).map((m) => m.message!);

test('SIGTERM after the producer\'s done (a late requeue): the attempt ended by itself, and the requeued job runs nothing again', async () => {
  const { file, channel, side } = job('donelate');
  assert.equal(await attempt(file, 0, () => fs.existsSync(side)), 0);
  assert.match(runnerLines(channel).at(-1)!, /the producer exited with code 0, by itself$/);
  const hellos = () => fs.readFileSync(channel, 'utf8').split('\n').filter((l) => l.includes('"type":"hello"')).length;
  assert.equal(hellos(), 1);
  assert.equal(await attempt(file, 1), 0);
  assert.match(runnerLines(channel).at(-1)!, /requeued \(restart 1\) after the run had finished: nothing left to run$/);
  assert.equal(hellos(), 1, 'the producer did not run again');
});

test('SIGTERM mid-run (the engine stops and says so in its done\'s summary): the attempt was stopped, and the requeued job runs the producer again', async () => {
  const { file, channel, side } = job('stopdone');
  assert.equal(await attempt(file, 0, () => fs.existsSync(side)), 0);
  assert.match(runnerLines(channel).at(-1)!, /the producer exited with code 0, stopped by a signal$/);
  fs.rmSync(side);
  // The requeued attempt starts the producer again (stopped once more when it is under way).
  assert.equal(await attempt(file, 1, () => fs.existsSync(side)), 0);
  const lines = runnerLines(channel);
  assert.ok(lines.some((l) => /started on \S+ \(requeued: restart 1\)$/.test(l)), lines.join('\n'));
});

test('an artifact passes the relay with its path made absolute and its size and hash as the file was then (the host reads the channel later)', async () => {
  // A script that logs a checkpoint by a relative path, then writes over it (the next epoch's).
  const { dir, file, messages } = scriptJob(`
    const fs = require('node:fs');
    const send = (m) => fs.writeSync(3, JSON.stringify(m) + '\\n');
    send({ type: 'hello', protocol: 1, producer: 'script' });
    fs.writeFileSync('ckpt.bin', 'epoch 1 weights');
    send({ type: 'artifact', kind: 'checkpoint', path: 'ckpt.bin' });
    setTimeout(() => {
      fs.writeFileSync('ckpt.bin', 'epoch 2 weights, longer');
      send({ type: 'done', summary: {}, status: 'finished' });
    }, 300);`);
  assert.equal(await attempt(file, 0), 0);
  assert.deepEqual(messages().find((m) => m.type === 'artifact'), { type: 'artifact', kind: 'checkpoint', path: path.join(dir, 'ckpt.bin'), size: 15, sha256: createHash('sha256').update('epoch 1 weights').digest('hex') });
});

test('an artifact naming a FIFO (a named pipe nobody writes) does not hang the relay: it passes without a hash and the job ends', async () => {
  const { dir, file, messages } = scriptJob(`
    const fs = require('node:fs');
    require('node:child_process').execFileSync('mkfifo', ['pipe']);
    const send = (m) => fs.writeSync(3, JSON.stringify(m) + '\\n');
    send({ type: 'hello', protocol: 1, producer: 'script' });
    send({ type: 'artifact', kind: 'file', path: 'pipe' });
    send({ type: 'done', summary: {}, status: 'finished' });`);
  const child = spawn(process.execPath, [MAIN, 'slurm-job', file], { env: { ...process.env, SLURM_JOB_ID: '42', SLURM_RESTART_COUNT: '0' }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // A hang guard, not a measure: the relay blocked in open(2) on the FIFO never exits.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(guard);
  assert.equal(code, 0, 'the job runner relayed everything and exited (killed after 60 s: it hung opening the FIFO)');
  assert.deepEqual(messages().find((m) => m.type === 'artifact'), { type: 'artifact', kind: 'file', path: path.join(dir, 'pipe') });
  assert.ok(messages().some((m) => m.type === 'done'), 'the done after it was relayed');
});
