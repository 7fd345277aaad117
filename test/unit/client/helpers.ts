// Shared by the client tests: the real CLI and Debian's python3 with the client on its path.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
export const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
export const CLIENT = path.join(ROOT, 'python');
export const SCRIPTS = path.join(import.meta.dirname, 'scripts');

export interface Result { code: number | null; stdout: string; stderr: string }

/** The environment of a script started from a plain terminal: no channel, the client importable. */
export function terminalEnv(extra: { [key: string]: string } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: CLIENT, PYTHONUNBUFFERED: '1' };
  delete env['HYPERLAB_CHANNEL_FD'];
  delete env['HYPERLAB_PARAMS'];
  delete env['HYPERLAB_DIR'];
  return { ...env, ...extra };
}

export function cli(args: string[], cwd: string, env: { [key: string]: string } = {}): Result {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { ...terminalEnv(), ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function python(script: string, cwd: string, env: { [key: string]: string } = {}): Result {
  const result = spawnSync(PYTHON, [script], { cwd, env: terminalEnv(env), encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function startPython(script: string, cwd: string, env: { [key: string]: string } = {}): ChildProcess {
  return spawn(PYTHON, [script], { cwd, env: terminalEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}
