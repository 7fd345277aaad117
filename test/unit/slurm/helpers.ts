// Shared by the real-SLURM tests: start the single-node cluster (or say in one line why not),
// run the real CLI, read the store and the channel files, wait for jobs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/core/store/index.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
export const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
export const PRODUCER = path.join(ROOT, 'test', 'fixtures', 'producer.mjs');
export const ENGINE = path.join(ROOT, 'dist', 'engine.cjs');

/** null when the cluster answers; else the reason the SLURM tests are skipped (printed once). */
export function startCluster(): string | null {
  const result = spawnSync('bash', [path.join(ROOT, 'test', 'slurm', 'start-slurm.sh')], { encoding: 'utf8', timeout: 120_000 });
  const line = (result.stdout || result.stderr || '').trim().split('\n').pop() ?? '';
  if (result.status === 0) return null;
  const reason = line.startsWith('SKIP:') ? line.slice(5).trim() : `start-slurm.sh exited ${String(result.status)}: ${line}`;
  // CI (.ci/run) requires them: there a cluster that does not start is a failure, not a skip.
  if (process.env['HYPERLAB_REQUIRE_SLURM'] === '1') throw new Error(`HYPERLAB_REQUIRE_SLURM=1 but the single-node SLURM did not start: ${reason}`);
  console.log(`SKIP: SLURM tests: ${reason}`);
  return reason;
}

/** A workspace under /work or the home folder (a run folder in /tmp is fine on one node, but keep it real). */
export function workspace(): string {
  const base = fs.existsSync('/work') ? '/work/.hyperlab-slurm-tests' : path.join(os.homedir(), '.hyperlab-slurm-tests');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'ws-'));
  created.push(dir);
  return dir;
}

const created: string[] = [];
// Removed when the test file's process ends (HYPERLAB_KEEP_SLURM_TESTS=1 keeps them to look at).
process.on('exit', () => {
  if (process.env['HYPERLAB_KEEP_SLURM_TESTS'] === '1') return;
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

export const FAST = { HYPERLAB_CLUSTER_POLL_MS: '300' };

export function cli(args: string[], cwd: string, env: { [key: string]: string | undefined } = {}) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...FAST, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function cliAsync(args: string[], cwd: string, env: { [key: string]: string } = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...FAST, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function writeSpec(dir: string, name: string, spec: object): string {
  const file = path.join(dir, `${name}.hyperlab.json`);
  fs.writeFileSync(file, JSON.stringify({ name, ...spec }, null, 2));
  return file;
}

/** A tiny real training: FashionMNIST, `limit` samples, a 16-unit MLP. */
export function tinySpec(execution: object, train: object = {}, limit = 300): object {
  return {
    data: { dataset: 'fashion-mnist', limit },
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 10 }] },
    train: { epochs: 2, batchSize: 32, ...train },
    execution: { backend: 'slurm', ...execution },
  };
}

export function withStore<T>(dir: string, fn: (store: Store) => T): T {
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** Metric points the store holds for a run. */
export function storedPoints(store: Store, runId: number): number {
  return store.metricRanges([runId]).reduce((sum, range) => sum + range.count, 0);
}

/** Distinct (key, step) metric values the producer wrote to the run's channel file: its own count. */
export function channelPoints(channel: string): number {
  const seen = new Set<string>();
  for (const line of fs.readFileSync(channel, 'utf8').split('\n')) {
    if (!line.includes('"metrics"')) continue;
    const message = JSON.parse(line) as { type: string; step: number; values: { [key: string]: unknown } };
    if (message.type !== 'metrics') continue;
    for (const key of Object.keys(message.values)) seen.add(`${key}@${message.step}`);
  }
  return seen.size;
}

export function jobState(jobId: string): string {
  const out = spawnSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' }).stdout;
  return /JobState=(\S+)/.exec(out)?.[1] ?? 'UNKNOWN';
}

/** SLURM's whole record of a job (`scontrol show job -o`): what a failed wait prints. */
export function jobRecord(jobId: string): string {
  const result = spawnSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' });
  return (result.stdout || result.stderr).trim();
}

const ENDED = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)/;

/**
 * Waits for a job to end in any state and returns it; a job still queued or running after
 * `timeoutMs` fails the test with SLURM's record of it and the tail of its output file, so a
 * slow or stuck job explains itself (state, reason, restarts, run time).
 */
export async function jobEnd(jobId: string, timeoutMs = 120_000): Promise<string> {
  try {
    return await until(`job ${jobId} to end`, () => ENDED.exec(jobState(jobId))?.[1], timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${jobReport(jobId)}`);
  }
}

/** SLURM's record of a job, the last lines of its output file and, given, of its channel: why a job ended as it did. */
export function jobReport(jobId: string, channel?: string): string {
  const record = jobRecord(jobId);
  const tail = (file: string | undefined, lines: number) => file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(none)';
  const output = /StdOut=(\S+)/.exec(record)?.[1];
  return `${record}\n--- ${output ?? 'output'} (last lines) ---\n${tail(output, 15)}${channel ? `\n--- ${channel} (last lines) ---\n${tail(channel, 8)}` : ''}`;
}

export async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Jobs SLURM knows (queued, running or recently ended) that were submitted from this folder. */
export function jobsFrom(dir: string): number {
  return spawnSync('squeue', ['-h', '-t', 'all', '-o', '%Z'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim().startsWith(dir)).length;
}
