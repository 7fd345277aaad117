// An artifact's size and SHA-256 read synchronously, for the readers that record a file as it is
// when its message passes (the inbox's ingestion, the SLURM job runner's relay); the local
// supervisor hashes off the event loop instead (runner/artifact-guard.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface FileDigest { size: number; sha256: string }

const { O_RDONLY, O_NONBLOCK, O_NOCTTY } = fs.constants;
/** Read-only, never waiting for a FIFO's writer (open(2) of a FIFO blocks until one comes), never a controlling terminal. */
const OPEN_FLAGS = O_RDONLY | (O_NONBLOCK ?? 0) | (O_NOCTTY ?? 0);

/** Size and SHA-256 of the file, read in 1 MiB chunks; null when it cannot be read (gone, a folder, a FIFO or device, no permission). */
export function fileDigestSync(file: string): FileDigest | null {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, size)) > 0; size += n) hash.update(buffer.subarray(0, n));
    return { size, sha256: hash.digest('hex') };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
