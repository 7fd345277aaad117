// A run's labels and filing, beyond what the runner writes: tags (from a script's init() or an
// imported run), the experiment and name a script names in its hello, and the original times of
// an imported run.
import type { Driver } from './driver.ts';
import { str } from './rows.ts';

export class RunLabels {
  private readonly driver: Driver;

  constructor(driver: Driver) {
    this.driver = driver;
  }

  /** Sets the given tags (a plain tag has value ''), keeping the others. Call inside a transaction. */
  setTags(runId: number, tags: { readonly [key: string]: string }): void {
    const upsert = this.driver.prepare('INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value');
    for (const [key, value] of Object.entries(tags)) upsert.run(runId, key, value);
  }

  tags(runId: number): { [key: string]: string } {
    const tags: { [key: string]: string } = {};
    for (const row of this.driver.prepare('SELECT key, value FROM run_tags WHERE run_id = ? ORDER BY key').all(runId)) {
      Object.defineProperty(tags, str(row.key), { value: str(row.value), enumerable: true, writable: true, configurable: true });
    }
    return tags;
  }

  /** Moves the run to another experiment (created on first use) and/or renames it. Call inside a transaction. */
  file(runId: number, where: { experiment?: string; name?: string }, now: number): number {
    let changes = 0;
    if (where.experiment !== undefined) {
      const before = this.driver.prepare('SELECT experiment_id FROM runs WHERE id = ?').get(runId)?.experiment_id ?? null;
      this.driver.prepare('INSERT INTO experiments (name, spec_path, created_at) VALUES (?, NULL, ?) ON CONFLICT (name) DO NOTHING').run(where.experiment, now);
      changes += this.driver.prepare('UPDATE runs SET experiment_id = (SELECT id FROM experiments WHERE name = ?) WHERE id = ?').run(where.experiment, runId).changes;
      // The placeholder experiment the run was created under (`hyperlab run -- train.py` → "train",
      // or a producer spec's name) would stay in the Run Explorer as an empty node: drop it if
      // nothing else is filed there.
      if (before !== null) {
        this.driver.prepare(`DELETE FROM experiments WHERE id = ?
          AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = ?) AND NOT EXISTS (SELECT 1 FROM sweeps WHERE experiment_id = ?)`).run(before, before, before);
      }
    }
    if (where.name !== undefined) changes += this.driver.prepare('UPDATE runs SET name = ? WHERE id = ?').run(where.name, runId).changes;
    return changes;
  }

  /** An imported run keeps the times it had where it came from (ms since the epoch). Call inside a transaction. */
  setTimes(runId: number, times: { createdAt?: number | null; startedAt?: number | null; endedAt?: number | null }): void {
    const set = (column: string, value: number | null | undefined) => {
      if (value !== undefined) this.driver.prepare(`UPDATE runs SET ${column} = ? WHERE id = ?`).run(value, runId);
    };
    set('created_at', times.createdAt);
    set('started_at', times.startedAt);
    set('ended_at', times.endedAt);
  }
}
