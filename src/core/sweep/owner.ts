// Which process owns a sweep, and whether a process left behind by a dead driver is still ours.
import fs from 'node:fs';
import os from 'node:os';
import { processExists as isAlive } from '../store/owner.ts';

export { isAlive };

export function hostName(): string {
  return os.hostname();
}

/**
 * Kills a trial's producer that outlived its driver (it runs in its own process group), but only
 * when the pid still runs the program we started: after a reboot a pid can name anything.
 */
export function killOrphan(pid: number, program: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (program !== undefined) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return false; // no /proc (not Linux), or gone: leave it alone rather than guess
    }
    if (!cmdline.includes(program)) return false;
  }
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return true;
    } catch {
      // not a group leader, or already gone: try the process itself
    }
  }
  return false;
}
