// Who owns a run: the process that created it and supervises it (the CLI, or the VS Code
// extension host). A run whose owner is gone can never end by itself, so whoever opens the store
// next ends it. A pid alone is not an identity (pids are reused), so the owner's start is kept
// too: on Linux the boot id and the process's start time in clock ticks since boot
// (/proc/PID/stat field 22), which together name one process for the life of the machine.
import fs from 'node:fs';
import os from 'node:os';

export interface RunOwner {
  pid: number;
  host: string;
  /** `<boot id>:<start ticks>` on Linux; null where the platform does not tell (then the pid alone is checked). */
  start: string | null;
}

let self: RunOwner | undefined;

/** This process as a run owner (computed once). */
export function currentOwner(): RunOwner {
  self ??= { pid: process.pid, host: os.hostname(), start: processStart(process.pid) };
  return self;
}

/**
 * 'alive': the owner still runs. 'gone': it does not, or its pid now names another process.
 * 'elsewhere': it ran on another host, which this process cannot check.
 */
export function ownerState(owner: RunOwner): 'alive' | 'gone' | 'elsewhere' {
  if (owner.host !== currentOwner().host) return 'elsewhere';
  if (owner.pid === process.pid) return owner.start === null || owner.start === currentOwner().start ? 'alive' : 'gone';
  if (!processExists(owner.pid)) return 'gone';
  if (owner.start === null) return 'alive';
  const start = processStart(owner.pid);
  // No /proc entry readable (another platform, hidepid): the pid exists, which is all that can be known.
  if (start === null) return processExists(owner.pid) ? 'alive' : 'gone';
  return start === owner.start ? 'alive' : 'gone';
}

export function ownerGoneReason(owner: RunOwner): string {
  return `the process that ran it (pid ${owner.pid} on ${owner.host}) is gone`;
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootId: string | null | undefined;

/** `<boot id>:<start ticks>` of a Linux process, or null (another platform, no such process). */
export function processStart(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    bootId ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) is in parentheses and may hold spaces or ')': split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    return ticks !== undefined && /^\d+$/.test(ticks) ? `${bootId}:${ticks}` : null;
  } catch {
    return null;
  }
}
