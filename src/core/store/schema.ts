// The store's schema as an ordered list of migrations. A file records the last one applied in
// schema_version; opening applies the missing ones in one transaction. Never edit a shipped
// migration: append a new one.
import { HyperlabError } from '../errors.ts';
import type { Driver } from './driver.ts';
import type { Migration } from './migration.ts';
import { sweepsMigration } from './migration-sweeps.ts';

/**
 * Steps per metric block (metric_blocks rolls up steps [b·64, b·64+63]). Part of the file format:
 * changing it needs a migration that rebuilds metric_blocks.
 */
export const BLOCK_STEPS = 64;

export type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'experiments, sweeps, runs, metrics, layer stats, artifacts, logs',
    sql: `
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        spec_path TEXT,
        created_at REAL NOT NULL
      );
      CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL
      );
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed', 'killed', 'diverged')),
        reason TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        summary TEXT,
        spec_path TEXT,
        pid INTEGER,
        created_at REAL NOT NULL,
        started_at REAL,
        ended_at REAL
      );
      CREATE INDEX runs_by_experiment ON runs(experiment_id);
      CREATE INDEX runs_by_status ON runs(status);
      CREATE INDEX runs_by_sweep ON runs(sweep_id);
      CREATE TABLE metric_keys (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );
      -- The big table. Clustered on (run, key, step): a series is one contiguous range, and
      -- appends in step order land at the end of the b-tree. No foreign key on purpose: a
      -- parent check per row costs ingest speed; deleteRun removes a run's points itself.
      -- value is NULL for NaN (SQLite has no NaN); readers map it back.
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL,
        step INTEGER NOT NULL,
        epoch REAL,
        time REAL NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, key_id, step)
      ) WITHOUT ROWID;
      CREATE TABLE layer_stats (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        name TEXT NOT NULL,
        grad_norm REAL,
        weight_norm REAL,
        update_ratio REAL,
        activation_mean REAL,
        activation_std REAL,
        dead_fraction REAL,
        PRIMARY KEY (run_id, step, idx)
      ) WITHOUT ROWID;
      CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER,
        sha256 TEXT,
        meta TEXT,
        created_at REAL NOT NULL
      );
      CREATE INDEX artifacts_by_run ON artifacts(run_id);
      CREATE TABLE logs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        stream TEXT NOT NULL,
        text TEXT NOT NULL,
        time REAL NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'run_keys: each run\'s metric keys with their latest point (for live views)',
    sql: `
      CREATE TABLE run_keys (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key_id INTEGER NOT NULL REFERENCES metric_keys(id),
        last_step INTEGER NOT NULL,
        last_time REAL NOT NULL,
        last_value REAL,
        PRIMARY KEY (run_id, key_id)
      ) WITHOUT ROWID;
      INSERT INTO run_keys (run_id, key_id, last_step, last_time, last_value)
        SELECT m.run_id, m.key_id, m.step, m.time, m.value
        FROM (SELECT run_id, key_id, max(step) AS step FROM metrics GROUP BY run_id, key_id) AS last
        JOIN metrics AS m ON m.run_id = last.run_id AND m.key_id = last.key_id AND m.step = last.step
        WHERE m.run_id IN (SELECT id FROM runs);
    `,
  },
  {
    version: 3,
    description: 'metric_blocks: per-64-step rollups (min, max, count, last) so long series downsample without a full scan',
    sql: `
      CREATE TABLE metric_blocks (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key_id INTEGER NOT NULL,
        block INTEGER NOT NULL, -- floor(step / ${BLOCK_STEPS})
        count INTEGER NOT NULL,
        min REAL,               -- NULL when every value in the block is NaN
        max REAL,
        min_time REAL NOT NULL,
        max_time REAL NOT NULL,
        last_step INTEGER NOT NULL,
        last_time REAL NOT NULL,
        last_value REAL,
        PRIMARY KEY (run_id, key_id, block)
      ) WITHOUT ROWID;
      INSERT INTO metric_blocks
        SELECT g.run_id, g.key_id, g.block, g.count, g.min, g.max, g.min_time, g.max_time, m.step, m.time, m.value
        FROM (
          SELECT run_id, key_id, step / ${BLOCK_STEPS} AS block, count(*) AS count, min(value) AS min, max(value) AS max,
                 min(time) AS min_time, max(time) AS max_time, max(step) AS last_step
          FROM metrics WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id, key_id, block
        ) AS g
        JOIN metrics AS m ON m.run_id = g.run_id AND m.key_id = g.key_id AND m.step = g.last_step;
    `,
  },
  {
    version: 4,
    description: 'runs.owner_pid, owner_host, owner_start: the process that supervises a run, so a run whose owner died can be ended by whoever opens the store next',
    sql: `
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      -- '<boot id>:<start time in clock ticks since boot>' on Linux (a reused pid has another), else NULL
      ALTER TABLE runs ADD COLUMN owner_start TEXT;
    `,
  },
  sweepsMigration,
  {
    version: 7,
    description: 'run_tags (labels of a run, from scripts and imports); inbox_files (the byte offset ingested of each inbox file, for idempotent sync)',
    sql: `
      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL DEFAULT '',   -- '' for a plain tag
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      -- One row per file of .hyperlab/inbox/ (by file name): how far it was ingested, always at
      -- a line end, updated in the same transaction as the points those bytes carried.
      CREATE TABLE inbox_files (
        name TEXT PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        offset INTEGER NOT NULL,
        hello_seen INTEGER NOT NULL DEFAULT 0,
        last_data_at REAL NOT NULL,     -- ms: when new bytes were last ingested
        stalled INTEGER NOT NULL DEFAULT 0 -- 1 while its run is failed for silence
      );
    `,
  },
  {
    version: 8,
    description: 'run_annotations (note, starred, the producer\'s training plan) and an index on run_tags: what a user says about a run, and what progress is measured against',
    sql: `
      CREATE TABLE run_annotations (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        note TEXT,
        starred INTEGER NOT NULL DEFAULT 0,
        plan TEXT,      -- the producer's TrainingPlan as JSON
        plan_time REAL  -- ms since epoch when the plan arrived: the ETA's reference point
      );
      -- Tags live in run_tags (migration 7): a plain tag is a key with the value ''.
      CREATE INDEX run_tags_by_key ON run_tags(key);
    `,
  },
  {
    version: 9,
    description: 'cluster_jobs: runs that train as cluster (SLURM) jobs, with the job id and the channel file the host tails, so a host that comes back reattaches them',
    sql: `
      CREATE TABLE cluster_jobs (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        backend TEXT NOT NULL,          -- 'slurm'
        job_id TEXT NOT NULL,
        channel TEXT NOT NULL,          -- absolute path of <run dir>/channel.jsonl on the shared filesystem
        submitted_at REAL NOT NULL,
        state TEXT,                     -- the scheduler's last state seen (PENDING, RUNNING, COMPLETED, ...)
        exit_code TEXT,                 -- 'exit:signal', once ended
        node TEXT,
        done TEXT,                      -- the producer's done message (JSON), kept until the job's end decides the status
        stop_reason TEXT                -- why Hyperlab cancelled it, written before the scancel
      );
      CREATE INDEX cluster_jobs_by_job ON cluster_jobs(backend, job_id);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(driver: Driver): number {
  const table = driver.prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = driver.prepare('SELECT max(version) AS version FROM schema_version').get();
  return typeof row?.version === 'number' ? row.version : 0;
}

function checkNotNewer(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new HyperlabError(
      'STORE_SCHEMA',
      `the run store ${path} has schema version ${version}, newer than this Hyperlab understands (${SCHEMA_VERSION})`,
      'Update Hyperlab (the extension or the CLI), or point it at another store file.',
    );
  }
}

/**
 * Brings the file up to `target` (default: the latest). Runs inside BEGIN IMMEDIATE and reads the
 * version again there, so two processes opening a fresh file at once apply each migration once.
 */
export function migrate(driver: Driver, path: string, target: number = SCHEMA_VERSION): void {
  const before = schemaVersion(driver);
  checkNotNewer(before, path);
  // Up to date (nearly every open): take no write lock, so opening never waits on a busy writer.
  if (before >= target) return;
  const foreignKeysOff = MIGRATIONS.some((m) => m.foreignKeysOff === true && m.version > before && m.version <= target);
  if (foreignKeysOff) driver.exec('PRAGMA foreign_keys = OFF');
  try {
    applyMigrations(driver, path, target);
  } finally {
    if (foreignKeysOff) driver.exec('PRAGMA foreign_keys = ON');
  }
}

function applyMigrations(driver: Driver, path: string, target: number): void {
  driver.transaction(() => {
    driver.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at REAL NOT NULL)');
    const current = schemaVersion(driver);
    checkNotNewer(current, path);
    const record = driver.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > target) continue;
      if (typeof migration.sql === 'string') driver.exec(migration.sql);
      else migration.sql(driver);
      record.run(migration.version, Date.now());
    }
  });
}

/** For a read-only connection: it cannot migrate, so the file must already be current. */
export function checkReadable(driver: Driver, path: string): void {
  const version = schemaVersion(driver);
  checkNotNewer(version, path);
  if (version < SCHEMA_VERSION) {
    throw new HyperlabError(
      'STORE_SCHEMA',
      `the run store ${path} has schema version ${version} and needs migrating to ${SCHEMA_VERSION}, which a read-only connection cannot do`,
      'Open it once with write access (the VS Code extension, or any hyperlab CLI command, migrates it on open), then retry.',
    );
  }
}
