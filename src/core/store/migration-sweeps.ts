// Migration 5: what hyperparameter sweeps need from the store.
//  - runs.status accepts 'pruned' (a trial stopped early by a pruner, its curves kept). SQLite
//    cannot alter a CHECK constraint, so runs is rebuilt: a new table from the current CREATE
//    statement with the CHECK widened, every row copied, the old table dropped, the new one
//    renamed, its indexes and triggers recreated. The statement is read from sqlite_master, so
//    columns added by earlier migrations (ALTER TABLE ADD COLUMN appends them to it) survive.
//  - runs.trial_number / runs.trial_params: a trial is an ordinary run of its sweep; the unique
//    index on (sweep_id, trial_number) makes "the same trial twice" impossible at the store level.
//  - sweeps gets what resuming needs: the spec, status, the driver's state (sampler state
//    included), budget, parallelism, time spent, and the driver process that owns it.
import { HyperlabError } from '../errors.ts';
import type { Driver } from './driver.ts';
import type { Migration } from './migration.ts';
import { str } from './rows.ts';

export const SWEEPS_MIGRATION_VERSION = 5;

const CHECK_STATUS = /CHECK\s*\(\s*status\s+IN\s*\(([^)]*)\)\s*\)/i;

function widenStatusCheck(createSql: string): string {
  const match = CHECK_STATUS.exec(createSql);
  if (!match) {
    throw new HyperlabError('STORE_SCHEMA', 'migration 5: the runs table has no status CHECK constraint to widen',
      'The store file was changed outside Hyperlab; restore it from a backup or start a new store.');
  }
  if (/'pruned'/.test(match[1]!)) return createSql;
  return createSql.replace(CHECK_STATUS, `CHECK (status IN (${match[1]!.trim()}, 'pruned'))`);
}

/** Rebuilds `runs` with 'pruned' allowed; foreign keys must be off (see Migration.foreignKeysOff). */
function rebuildRuns(driver: Driver): void {
  const table = driver.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
  if (!table) throw new HyperlabError('STORE_SCHEMA', 'migration 5: the store has no runs table', 'Start a new store file.');
  const extras = driver.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'runs' AND type IN ('index', 'trigger') AND sql IS NOT NULL").all()
    .map((row) => str(row.sql));
  const widened = widenStatusCheck(str(table.sql));
  const createNew = widened.replace(/^\s*CREATE\s+TABLE\s+("?)runs\1\s*\(/i, 'CREATE TABLE runs_rebuilt (');
  if (createNew === widened) throw new HyperlabError('STORE_SCHEMA', 'migration 5: cannot read the runs table\'s CREATE statement', 'Start a new store file.');
  driver.exec(createNew);
  // Same CREATE text, so the same columns in the same order: SELECT * copies every one of them.
  driver.exec('INSERT INTO runs_rebuilt SELECT * FROM runs');
  driver.exec('DROP TABLE runs');
  driver.exec('ALTER TABLE runs_rebuilt RENAME TO runs');
  for (const sql of extras) driver.exec(sql);
}

function checkForeignKeys(driver: Driver): void {
  const broken = driver.prepare('PRAGMA foreign_key_check').all();
  if (broken.length > 0) {
    const first = broken[0]!;
    throw new HyperlabError('STORE_SCHEMA', `migration 5 would leave ${broken.length} broken reference(s) (first: ${str(first.table)} row ${String(first.rowid)} → ${str(first.parent)})`,
      'The store file was already inconsistent; it was left unchanged. Restore it from a backup or start a new store.');
  }
}

export const sweepsMigration: Migration = {
  version: SWEEPS_MIGRATION_VERSION,
  description: "sweeps: 'pruned' run status (runs rebuilt), trial number and parameters on runs, resumable sweep state",
  foreignKeysOff: true,
  sql: (driver) => {
    rebuildRuns(driver);
    driver.exec(`
      ALTER TABLE runs ADD COLUMN trial_number INTEGER;
      ALTER TABLE runs ADD COLUMN trial_params TEXT;
      CREATE UNIQUE INDEX runs_by_trial ON runs(sweep_id, trial_number) WHERE trial_number IS NOT NULL;
      ALTER TABLE sweeps ADD COLUMN spec TEXT;
      ALTER TABLE sweeps ADD COLUMN spec_path TEXT;
      ALTER TABLE sweeps ADD COLUMN status TEXT NOT NULL DEFAULT 'created'
        CHECK (status IN ('created', 'running', 'stopped', 'finished', 'failed'));
      ALTER TABLE sweeps ADD COLUMN reason TEXT;
      ALTER TABLE sweeps ADD COLUMN state TEXT;
      ALTER TABLE sweeps ADD COLUMN budget_trials INTEGER;
      ALTER TABLE sweeps ADD COLUMN budget_seconds REAL;
      ALTER TABLE sweeps ADD COLUMN parallelism INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE sweeps ADD COLUMN elapsed_ms REAL NOT NULL DEFAULT 0;
      ALTER TABLE sweeps ADD COLUMN owner_pid INTEGER;
      ALTER TABLE sweeps ADD COLUMN owner_host TEXT;
      ALTER TABLE sweeps ADD COLUMN heartbeat_at REAL;
      ALTER TABLE sweeps ADD COLUMN updated_at REAL;
      ALTER TABLE sweeps ADD COLUMN ended_at REAL;
      CREATE INDEX sweeps_by_experiment ON sweeps(experiment_id);
    `);
    checkForeignKeys(driver);
  },
};
