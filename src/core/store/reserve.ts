// A little disk space kept for the one write that must not fail: a run's end status. A writer
// keeps `<store>-reserve` (RESERVE_BYTES of real, allocated bytes) beside the store; when the
// disk fills up, the run deletes it and writes its end into the space it frees. The next writer
// to open the store recreates it once there is room again.
import fs from 'node:fs';

/** Enough for an end status: a handful of 4 KiB WAL frames, with a wide margin. */
export const RESERVE_BYTES = 256 * 1024;

export function reservePath(storePath: string): string {
  return `${storePath}-reserve`;
}

/** Creates the reserve when it is missing; false when there is no room for it now. */
export function ensureReserve(storePath: string): boolean {
  const file = reservePath(storePath);
  try {
    if (fs.statSync(file).size === RESERVE_BYTES) return true;
  } catch {
    // missing: create it below
  }
  try {
    // Zeros written, not a sparse file: the blocks are really taken, so freeing them helps.
    fs.writeFileSync(file, Buffer.alloc(RESERVE_BYTES));
    return true;
  } catch {
    fs.rmSync(file, { force: true });
    return false;
  }
}

/** Frees the reserve; true when there was one to free. */
export function releaseReserve(storePath: string): boolean {
  try {
    fs.unlinkSync(reservePath(storePath));
    return true;
  } catch {
    return false;
  }
}
