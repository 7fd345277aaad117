// Shared by the sweep tests: the real CLI (node src/cli/main.ts, the engine from dist/), small
// FashionMNIST specs (600 samples) with a search section, and store readers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/core/store/index.ts';

export const MAIN = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-sweep-'));
}

export function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['HYPERLAB_ENGINE_COMMAND'];
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI as a running process; `stderr` accumulates as it runs. */
export function cliProcess(args: string[], cwd: string): { child: ChildProcess; stderr: () => string; stdout: () => string; exited: Promise<number | null> } {
  const env = { ...process.env };
  delete env['HYPERLAB_ENGINE_COMMAND'];
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => err, stdout: () => out, exited };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const TINY_MLP = {
  data: { dataset: 'fashion-mnist', limit: 600, testLimit: 200, validationFraction: 0.2 },
  model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10 }] },
  train: { epochs: 1, batchSize: 32, optimizer: { kind: 'sgd', lr: 0.01 }, statsEvery: 0 },
};

export function writeSpec(dir: string, name: string, spec: object): string {
  const file = path.join(dir, `${name}.hyperlab.json`);
  fs.writeFileSync(file, JSON.stringify({ name, ...spec }, null, 2));
  return file;
}

/** readonly: look without repairing (a writable open puts trials of a dead driver back in the queue). */
export function withStore<T>(dir: string, fn: (store: Store) => T, options: { readonly?: boolean } = {}): T {
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: options.readonly ?? false });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
