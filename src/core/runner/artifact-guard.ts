// Decides which files a producer may record as artifacts, and hashes them off the host's thread.
// A producer names a path and the host used to read and hash whatever it named: /etc/shadow,
// ../../etc/passwd, /proc/self/environ, and /dev/zero or a FIFO, which never end. Now only a
// regular file inside the run's own folder is accepted: symlinks are resolved first, the file is
// opened without following a last symlink and without blocking (a FIFO opens at once and is then
// refused), and what was opened is checked, not the path. Accepted files are recorded at once;
// their hash is computed in a worker thread and filled in later, so a run's end never waits for it.
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import type { Params } from '../protocol/messages.ts';

export const ARTIFACT_LIMITS = {
  /** Largest artifact recorded (bytes): 1 GiB. */
  maxBytes: 1024 * 1024 * 1024,
  /** Artifacts recorded per run; later ones are refused. */
  maxPerRun: 1000,
  /** Artifact messages checked per run (each costs file system calls); later ones are refused unchecked. */
  maxChecked: 2000,
  /** Bytes hashed per run; artifacts past it are recorded without a hash. */
  hashBudgetBytes: 8 * 1024 * 1024 * 1024,
  /** Refusals written to the run's log; later ones are refused silently (a flood must not flood the log). */
  refusalsLogged: 20,
} as const;

export type ArtifactLimits = { [K in keyof typeof ARTIFACT_LIMITS]: number };

export type ArtifactCheck =
  | { ok: true; file: string; size: number; handle: fs.promises.FileHandle }
  | { ok: false; file: string; reason: string };

const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW, O_NOCTTY } = fs.constants;
/** Read-only, never following a last-component symlink, never waiting for a FIFO's writer, never a controlling terminal. */
const OPEN_FLAGS = O_RDONLY | (O_NOFOLLOW ?? 0) | (O_NONBLOCK ?? 0) | (O_NOCTTY ?? 0);

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function fileKind(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Opens the artifact `named` (relative to `cwd`, the producer's folder) if it is a regular file of
 * at most `maxBytes` inside `runDir`; otherwise says why not. Never blocks on the file's content.
 */
export async function openArtifact(runDir: string, cwd: string, named: string, maxBytes: number): Promise<ArtifactCheck> {
  const file = path.resolve(cwd, named);
  const fix = `write artifacts inside the run's folder ${runDir} ($HYPERLAB_RUN_DIR)`;
  let realDir: string;
  try {
    realDir = await fs.promises.realpath(runDir);
  } catch (error) {
    return { ok: false, file, reason: `the run's folder ${runDir} cannot be resolved (${code(error)}); ${fix}` };
  }
  let real: string;
  try {
    real = await fs.promises.realpath(file);
  } catch (error) {
    return { ok: false, file, reason: `cannot resolve the path (${code(error)})` };
  }
  const via = real === file ? '' : ` (it resolves to ${real})`;
  if (!isInside(realDir, real)) return { ok: false, file, reason: `outside the run's folder${via}; ${fix}` };
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(real, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, file, reason: `cannot open it (${code(error)})${via}` };
  }
  const refuse = async (reason: string): Promise<ArtifactCheck> => {
    await handle.close().catch(() => {});
    return { ok: false, file, reason };
  };
  let stats: fs.Stats;
  try {
    stats = await handle.stat();
  } catch (error) {
    return refuse(`cannot stat it (${code(error)})`);
  }
  if (!stats.isFile()) return refuse(`${fileKind(stats)}, not a regular file${via}`);
  if (stats.size > maxBytes) return refuse(`${stats.size.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit on an artifact`);
  // A folder on the path swapped for a symlink between realpath and open would escape the check
  // above; where the OS names an open file (Linux), the file actually opened is checked again.
  const opened = await fs.promises.readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
  if (opened !== null && !isInside(realDir, opened)) return refuse(`the file opened is ${opened}, outside the run's folder; ${fix}`);
  return { ok: true, file: real, size: stats.size, handle };
}

// The worker reads the open descriptor by position (the descriptor table is the process's, shared
// with workers) and stops one byte past the cap, so a file that grows cannot keep it busy.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1 << 20);
let bytes = 0;
for (;;) {
  const n = fs.readSync(workerData.fd, buffer, 0, buffer.length, bytes);
  if (n === 0) break;
  hash.update(buffer.subarray(0, n));
  bytes += n;
  if (bytes > workerData.maxBytes) break;
}
parentPort.postMessage({ sha256: hash.digest('hex'), bytes });
`;

/**
 * Hashes run one at a time per process: a run naming many large files queues, it does not fan
 * out, and a queued artifact holds no open file (it is opened, checked again, when its turn comes).
 */
let hashQueue: Promise<unknown> = Promise.resolve();

function inHashQueue<T>(job: () => Promise<T>): Promise<T> {
  const next = hashQueue.then(job);
  hashQueue = next.catch(() => {});
  return next;
}

/** SHA-256 of an open file, computed in a worker thread; `bytes` is how much was read. */
export function hashInWorker(fd: number, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
  return new Promise<{ sha256: string; bytes: number }>((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: { fd, maxBytes } });
    // Not unref'd: a command waiting for the hash (the CLI before it closes the store) must not
    // see its event loop drain first. The read is bounded by the size cap, so this never hangs.
    let settled = false;
    worker.once('message', (result: { sha256: string; bytes: number }) => { settled = true; resolve(result); });
    worker.once('error', (error) => { settled = true; reject(error); });
    worker.once('exit', (exitCode) => { if (!settled) reject(new Error(`the hashing worker exited with code ${exitCode}`)); });
  });
}

export interface ArtifactGuardOptions {
  runDir: string;
  /** The producer's working folder: relative artifact paths are relative to it. */
  cwd: string;
  limits?: Partial<ArtifactLimits>;
  /** Records an accepted artifact; returns its id, for the hash to be filled in later. */
  record(artifact: { kind: string; path: string; size: number; meta: Params | null }): number;
  setHash(artifactId: number, sha256: string): void;
  /** A line for the run's log: a refusal or a skipped hash, with the reason. */
  note(text: string): void;
  /** Computes a hash; default hashInWorker (a seam for tests). */
  hash?: typeof hashInWorker;
}

/** One run's artifacts: checks each, records it, and hashes it in the background. */
export class ArtifactGuard {
  private readonly options: ArtifactGuardOptions;
  private readonly limits: ArtifactLimits;
  private readonly hashes: Promise<void>[] = [];
  private queue: Promise<void> = Promise.resolve();
  private accepted = 0;
  private refusedPastCount = 0;
  private refused = 0;
  private requested = 0;
  private hashBudget: number;

  constructor(options: ArtifactGuardOptions) {
    this.options = options;
    this.limits = { ...ARTIFACT_LIMITS, ...options.limits };
    this.hashBudget = this.limits.hashBudgetBytes;
  }

  /**
   * Checks and records one artifact; resolves as soon as it is recorded or refused, before its
   * hash. Artifacts are taken one at a time, in the order sent (each check is quick and never
   * blocks), so the count limit and the rows' order follow the producer's messages.
   */
  add(named: string, details: { kind: string; meta: Params | null }): Promise<void> {
    // Counted as they arrive, not as they are checked: a flood is cut off before it queues.
    if (++this.requested > this.limits.maxChecked) {
      if (this.requested === this.limits.maxChecked + 1) this.options.note(`artifact refused: ${named}: more than ${this.limits.maxChecked} artifact messages in this run (the limit); later ones are refused unchecked`);
      return Promise.resolve();
    }
    const next = this.queue.then(() => this.addNow(named, details));
    this.queue = next.catch(() => {});
    return next;
  }

  private async addNow(named: string, details: { kind: string; meta: Params | null }): Promise<void> {
    if (this.accepted >= this.limits.maxPerRun) {
      // Said once, not once per message: a flood of artifact messages must not flood the log.
      if (this.refusedPastCount++ === 0) this.options.note(`artifact refused: ${named}: more than ${this.limits.maxPerRun} artifacts in this run (the limit); later ones are refused too`);
      return;
    }
    const check = await openArtifact(this.options.runDir, this.options.cwd, named, this.limits.maxBytes);
    if (!check.ok) {
      this.refused++;
      if (this.refused <= this.limits.refusalsLogged) {
        const more = this.refused === this.limits.refusalsLogged ? ` (${this.limits.refusalsLogged} refusals logged; later ones are not)` : '';
        this.options.note(`artifact refused: ${check.file}: ${check.reason}${more}`);
      }
      return;
    }
    this.accepted++;
    await check.handle.close().catch(() => {});
    const id = this.options.record({ ...details, path: check.file, size: check.size });
    if (check.size > this.hashBudget) {
      this.options.note(`artifact ${check.file}: hash skipped: this run's artifacts passed ${this.limits.hashBudgetBytes.toLocaleString('en-US')} bytes hashed (the limit)`);
      return;
    }
    this.hashBudget -= check.size;
    this.hashes.push(inHashQueue(() => this.hash(id, check.file, check.size)));
  }

  /** Settles once every hash started so far is stored or given up. */
  settled(): Promise<void> {
    return Promise.allSettled(this.hashes).then(() => {});
  }

  /** Opens the file again, with every check again (it may have been swapped meanwhile), and hashes it. */
  private async hash(id: number, file: string, size: number): Promise<void> {
    const check = await openArtifact(this.options.runDir, this.options.cwd, file, this.limits.maxBytes);
    if (!check.ok) {
      this.options.note(`artifact ${file}: hash skipped: ${check.reason}`);
      return;
    }
    const handle = check.handle;
    try {
      const { sha256, bytes } = await (this.options.hash ?? hashInWorker)(handle.fd, size);
      if (bytes !== size) {
        this.options.note(`artifact ${file}: hash skipped: the file changed size while it was hashed (${size} bytes recorded, ${bytes} read)`);
        return;
      }
      this.options.setHash(id, sha256);
    } catch (error) {
      this.options.note(`artifact ${file}: hash skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await handle.close().catch(() => {});
    }
  }
}
