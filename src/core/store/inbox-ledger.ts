// The store's record of inbox ingestion (migration 7): per inbox file, the byte offset ingested
// and the run it feeds. advance() is a compare-and-set: the offset moves and the points those
// bytes carried are written in one transaction, and only if no other host moved the offset
// first, so two hosts syncing the same file never write a point twice.
import type { Driver, Row } from './driver.ts';
import { num, numOrNull, str } from './values.ts';

export interface InboxFileState {
  /** File name inside the inbox folder. */
  name: string;
  runId: number | null;
  /** Bytes ingested; always just after a newline. */
  offset: number;
  helloSeen: boolean;
  /** ms since the epoch: when new bytes were last ingested. */
  lastDataAt: number;
  /** Its run was failed for silence (revived when the file grows again). */
  stalled: boolean;
}

/** Thrown inside advance()'s transaction to roll it back when another host got there first. */
class OffsetMoved extends Error {}

export class InboxLedger {
  private readonly driver: Driver;
  private readonly transaction: <T>(fn: () => T) => T;

  constructor(driver: Driver, transaction: <T>(fn: () => T) => T) {
    this.driver = driver;
    this.transaction = transaction;
  }

  get(name: string): InboxFileState | undefined {
    const row = this.driver.prepare('SELECT * FROM inbox_files WHERE name = ?').get(name);
    return row ? toState(row) : undefined;
  }

  all(): InboxFileState[] {
    return this.driver.prepare('SELECT * FROM inbox_files ORDER BY name').all().map(toState);
  }

  /**
   * If the file's recorded offset is still `from` (0 for a file never seen), runs `apply` (store
   * writes, joined to this transaction) and records `next`; returns false and writes nothing
   * when another host moved the offset first. `apply` receives nothing and may create the run:
   * it returns the run id to record (or null).
   */
  advance(name: string, from: number, next: Omit<InboxFileState, 'name' | 'runId'>, apply: () => number | null): boolean {
    try {
      this.transaction(() => {
        this.driver.prepare('INSERT INTO inbox_files (name, offset, last_data_at) VALUES (?, 0, ?) ON CONFLICT (name) DO NOTHING').run(name, next.lastDataAt);
        const moved = this.driver.prepare('UPDATE inbox_files SET offset = ?, hello_seen = ?, last_data_at = ?, stalled = ? WHERE name = ? AND offset = ?')
          .run(next.offset, next.helloSeen ? 1 : 0, next.lastDataAt, next.stalled ? 1 : 0, name, from).changes;
        if (moved === 0) throw new OffsetMoved();
        const runId = apply();
        if (runId !== null) this.driver.prepare('UPDATE inbox_files SET run_id = ? WHERE name = ?').run(runId, name);
      });
      return true;
    } catch (error) {
      if (error instanceof OffsetMoved) return false;
      throw error;
    }
  }

  /** Marks the file's run failed for silence, unless another host already did or the run ended. */
  stall(name: string, runId: number, reason: string, now: number): boolean {
    return this.transaction(() => {
      const changed = this.driver.prepare("UPDATE runs SET status = 'failed', reason = ?, ended_at = ? WHERE id = ? AND status = 'running'").run(reason, now, runId).changes;
      if (changed > 0) this.driver.prepare('UPDATE inbox_files SET stalled = 1 WHERE name = ?').run(name);
      return changed > 0;
    });
  }

  /** The writer resumed: its run, failed for silence, is running again. Call inside advance(). */
  revive(runId: number): void {
    this.driver.prepare("UPDATE runs SET status = 'running', reason = NULL, ended_at = NULL WHERE id = ?").run(runId);
  }
}

function toState(r: Row): InboxFileState {
  return {
    name: str(r.name),
    runId: numOrNull(r.run_id),
    offset: num(r.offset),
    helloSeen: num(r.hello_seen) === 1,
    lastDataAt: num(r.last_data_at),
    stalled: num(r.stalled) === 1,
  };
}
