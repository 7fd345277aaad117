// Runs `hyperlab export` as a child process (the CLI bundled with the extension, on the extension
// host's own runtime): exporting loads ONNX Runtime, fine-tunes and measures latency, seconds to
// minutes of work that must not block the extension host. Progress comes from its stderr lines
// ("[ 42%] message"); cancelling sends SIGINT, which the CLI turns into an abort that leaves
// nothing on disk.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ExportProcess {
  /** Resolves when the process exits: ok, or the CLI's own error message (its last stderr lines). */
  done: Promise<{ ok: true } | { ok: false; message: string }>;
  cancel(): void;
}

const PROGRESS = /^\[\s*(\d+)%\]\s(.*)$/;

export function startExport(extensionPath: string, args: readonly string[], cwd: string, onProgress: (message: string, fraction: number) => void): ExportProcess {
  const child = spawn(process.execPath, [path.join(extensionPath, 'dist', 'cli.cjs'), ...args], {
    cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  let buffered = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const progress = PROGRESS.exec(line);
      if (progress) onProgress(progress[2]!, Number(progress[1]) / 100);
      else if (line.trim() !== '') tail.push(line.trim());
      if (tail.length > 8) tail.shift();
    }
  });
  const done = new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
    child.on('error', (error) => resolve({ ok: false, message: `could not start the export: ${error.message}` }));
    child.on('close', (code, signal) => {
      if (buffered.trim()) tail.push(buffered.trim());
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, message: tail.join('\n').replace(/^hyperlab: /, '') || `the export ended with ${signal ?? `exit code ${code}`}` });
    });
  });
  return { done, cancel: () => { if (child.exitCode === null) child.kill('SIGINT'); } };
}
