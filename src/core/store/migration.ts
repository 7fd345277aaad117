// One step of the store's schema (schema.ts lists them in order).
import type { Driver } from './driver.ts';

export interface Migration {
  version: number;
  description: string;
  /** SQL text, or a function for a step SQL alone cannot say (e.g. rebuilding a table with the columns it has). */
  sql: string | ((driver: Driver) => void);
  /**
   * Run with foreign keys off (set before the transaction: SQLite ignores the pragma inside one):
   * a table rebuild drops the old table, which with foreign keys on would cascade-delete its
   * children's rows. The migration checks the keys itself before it commits.
   */
  foreignKeysOff?: boolean;
}
