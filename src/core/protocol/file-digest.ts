// An artifact's size and SHA-256 read synchronously, for the readers that record a file as it is
// when its message passes (the inbox's ingestion, the SLURM job runner's relay); the local
// supervisor hashes off the event loop instead (runner/artifact-guard.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** sha256 null: the file is larger than the hashing limit. */
export interface FileDigest { size: number; sha256: string | null }

/** Files up to this size are hashed (1 GiB, the local host's limit on an artifact): a 20 GB checkpoint would hold the reader (a job's relay, the extension host) for minutes. */
export const MAX_HASHED_BYTES = 1024 * 1024 * 1024;

const { O_RDONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
/** Read-only, never waiting for a FIFO's writer (open(2) of a FIFO blocks until one comes), never a controlling terminal. */
const OPEN_FLAGS = O_RDONLY | (O_NONBLOCK ?? 0) | (O_NOCTTY ?? 0);

/** Size and SHA-256 of the file, read in 1 MiB chunks (no hash past maxBytes); null when it cannot be read (gone, a folder, a FIFO or device, no permission). */
export function fileDigestSync(file: string, maxBytes = MAX_HASHED_BYTES): FileDigest | null {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) return null;
    if (stats.size > maxBytes) return { size: stats.size, sha256: null };
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, size)) > 0; size += n) {
      if (size + n > maxBytes) return { size: size + n, sha256: null }; // grew past the limit while read
      hash.update(buffer.subarray(0, n));
    }
    return { size, sha256: hash.digest('hex') };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
