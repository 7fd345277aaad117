// SweepStore over the SqliteStore's connection: sweeps and their trials (migration 5).
import { HyperlabError } from '../errors.ts';
import type { JsonValue } from '../spec/types.ts';
import type { PreparedStatement, Row, SqlValue } from './driver.ts';
import { num, numOrNull, str, strOrNull } from './rows.ts';
import { SWEEP_STATUSES, type JsonObject, type NewSweep, type NewTrial, type Sweep, type SweepPatch, type SweepStatus, type SweepStore, type SweepTrial } from './sweep-types.ts';
import type { RunStatus, StoreEvent } from './types.ts';

/** What the sweep store borrows from the SqliteStore: its statements, transactions and events. */
export interface StoreAccess {
  sql(text: string): PreparedStatement;
  write<T>(fn: () => T): T;
  emit(event: StoreEvent): void;
  checkWritable(method: string): void;
}

const SWEEP_COLUMNS = `s.id, s.experiment_id, e.name AS experiment_name, s.name, s.config, s.spec, s.spec_path, s.status, s.reason,
  s.state, s.budget_trials, s.budget_seconds, s.parallelism, s.elapsed_ms, s.owner_pid, s.owner_host, s.heartbeat_at,
  s.created_at, s.updated_at, s.ended_at`;

const PATCH_COLUMNS: { [key in keyof SweepPatch]-?: string } = {
  status: 'status', reason: 'reason', state: 'state', parallelism: 'parallelism', budgetTrials: 'budget_trials',
  budgetSeconds: 'budget_seconds', elapsedMs: 'elapsed_ms', ownerPid: 'owner_pid', ownerHost: 'owner_host',
  heartbeatAt: 'heartbeat_at', endedAt: 'ended_at',
};

function json(value: SqlValue | undefined): JsonValue {
  return value === null || value === undefined ? null : (JSON.parse(str(value)) as JsonValue);
}

function object(value: SqlValue | undefined): JsonObject | null {
  const parsed = json(value);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
}

function rowToTrial(row: Row): SweepTrial {
  return {
    sweepId: num(row.sweep_id), number: num(row.trial_number), runId: num(row.id), runName: str(row.name),
    status: str(row.status) as RunStatus, reason: strOrNull(row.reason), params: object(row.trial_params) ?? {},
    createdAt: num(row.created_at), startedAt: numOrNull(row.started_at), endedAt: numOrNull(row.ended_at),
  };
}

function sweepNotFound(sweepId: number, method: string): HyperlabError {
  return new HyperlabError('RUN_NOT_FOUND', `${method}: there is no sweep with id ${sweepId}`, 'List sweeps with `hyperlab sweeps ls` to find a valid id.');
}

export class SqliteSweepStore implements SweepStore {
  private readonly db: StoreAccess;

  constructor(access: StoreAccess) {
    this.db = access;
  }

  create(sweep: NewSweep): Sweep {
    this.db.checkWritable('sweeps.create');
    if (sweep.experiment.trim() === '') throw new HyperlabError('STORE_INPUT', 'sweeps.create: experiment must be a non-empty name', 'Pass the experiment name.');
    const now = Date.now();
    const id = this.db.write(() => {
      this.db.sql('INSERT INTO experiments (name, spec_path, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(sweep.experiment, sweep.specPath, now);
      const experimentId = num(this.db.sql('SELECT id FROM experiments WHERE name = ?').get(sweep.experiment)!.id);
      return this.db.sql(`INSERT INTO sweeps (experiment_id, name, config, spec, spec_path, status, state, budget_trials, budget_seconds,
          parallelism, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?, ?)`).run(
        experimentId, sweep.name, JSON.stringify(sweep.config), JSON.stringify(sweep.spec), sweep.specPath, JSON.stringify(sweep.state),
        sweep.budgetTrials, sweep.budgetSeconds, sweep.parallelism, now, now).lastInsertRowid;
    });
    return this.get(id)!;
  }

  get(sweepId: number): Sweep | undefined {
    const row = this.db.sql(`SELECT ${SWEEP_COLUMNS} FROM sweeps AS s JOIN experiments AS e ON e.id = s.experiment_id WHERE s.id = ?`).get(sweepId);
    return row ? this.rowToSweep(row) : undefined;
  }

  list(options: { experiment?: string } = {}): Sweep[] {
    const rows = options.experiment === undefined
      ? this.db.sql(`SELECT ${SWEEP_COLUMNS} FROM sweeps AS s JOIN experiments AS e ON e.id = s.experiment_id ORDER BY s.id DESC`).all()
      : this.db.sql(`SELECT ${SWEEP_COLUMNS} FROM sweeps AS s JOIN experiments AS e ON e.id = s.experiment_id WHERE e.name = ? ORDER BY s.id DESC`).all(options.experiment);
    return rows.map((row) => this.rowToSweep(row));
  }

  update(sweepId: number, patch: SweepPatch): Sweep {
    this.db.checkWritable('sweeps.update');
    if (patch.status !== undefined && !SWEEP_STATUSES.includes(patch.status)) {
      throw new HyperlabError('STORE_INPUT', `sweeps.update: unknown status "${String(patch.status)}"`, `Use one of: ${SWEEP_STATUSES.join(', ')}.`);
    }
    const sets: string[] = [];
    const values: SqlValue[] = [];
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof SweepPatch, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(key === 'state' ? JSON.stringify(value) : (value as SqlValue));
    }
    sets.push('updated_at = ?');
    values.push(Date.now(), sweepId);
    const changes = this.db.write(() => this.db.sql(`UPDATE sweeps SET ${sets.join(', ')} WHERE id = ?`).run(...values).changes);
    if (changes === 0) throw sweepNotFound(sweepId, 'sweeps.update');
    return this.get(sweepId)!;
  }

  addTrial(sweepId: number, trial: NewTrial, state: JsonValue): SweepTrial {
    this.db.checkWritable('sweeps.addTrial');
    const now = Date.now();
    const runId = this.db.write(() => {
      const sweep = this.db.sql('SELECT s.experiment_id, s.spec_path FROM sweeps AS s WHERE s.id = ?').get(sweepId);
      if (!sweep) throw sweepNotFound(sweepId, 'sweeps.addTrial');
      const taken = this.db.sql('SELECT id FROM runs WHERE sweep_id = ? AND trial_number = ?').get(sweepId, trial.number);
      if (taken) {
        throw new HyperlabError('SEARCH_STATE', `sweep ${sweepId}: trial ${trial.number} exists already (run ${num(taken.id)})`,
          'Another driver is running this sweep, or its state is behind its trials; resume it with `hyperlab sweep --resume ID`.');
      }
      const id = this.db.sql(`INSERT INTO runs (experiment_id, sweep_id, name, status, params, spec_path, created_at, trial_number, trial_params)
        VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`).run(
        num(sweep.experiment_id), sweepId, trial.name ?? `sweep${sweepId}-t${trial.number}`, JSON.stringify(trial.runParams ?? trial.params),
        strOrNull(sweep.spec_path), now, trial.number, JSON.stringify(trial.params)).lastInsertRowid;
      this.db.sql('UPDATE sweeps SET state = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(state), now, sweepId);
      return id;
    });
    this.db.emit({ kind: 'run-created', runId });
    return this.trial(runId)!;
  }

  trials(sweepId: number): SweepTrial[] {
    return this.db.sql(`SELECT id, sweep_id, trial_number, name, status, reason, trial_params, created_at, started_at, ended_at
      FROM runs WHERE sweep_id = ? AND trial_number IS NOT NULL ORDER BY trial_number`).all(sweepId).map(rowToTrial);
  }

  requeueTrial(runId: number, keepData: boolean): void {
    this.db.checkWritable('sweeps.requeueTrial');
    const changes = this.db.write(() => {
      // Artifact rows go either way: a resumed segment records its checkpoints again (same files).
      const tables = keepData ? ['artifacts'] : ['metrics', 'run_keys', 'metric_blocks', 'layer_stats', 'logs', 'artifacts'];
      for (const table of tables) this.db.sql(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);
      return this.db.sql("UPDATE runs SET status = 'queued', reason = NULL, pid = NULL, ended_at = NULL" +
        (keepData ? '' : ', started_at = NULL, summary = NULL') + ' WHERE id = ? AND trial_number IS NOT NULL').run(runId).changes;
    });
    if (changes === 0) throw new HyperlabError('RUN_NOT_FOUND', `sweeps.requeueTrial: run ${runId} is not a sweep trial`, 'Pass the run id of a trial (hyperlab sweeps show ID lists them).');
    this.db.emit({ kind: 'run-updated', runId });
  }

  markPruned(runId: number, reason: string): void {
    this.db.checkWritable('sweeps.markPruned');
    const changes = this.db.write(() => this.db.sql("UPDATE runs SET status = 'pruned', reason = ?, ended_at = coalesce(ended_at, ?) WHERE id = ?").run(reason, Date.now(), runId).changes);
    if (changes === 0) throw new HyperlabError('RUN_NOT_FOUND', `sweeps.markPruned: there is no run with id ${runId}`, 'List runs with `hyperlab runs ls`.');
    this.db.emit({ kind: 'run-updated', runId });
  }

  delete(sweepId: number): boolean {
    this.db.checkWritable('sweeps.delete');
    const runIds = this.db.sql('SELECT id FROM runs WHERE sweep_id = ?').all(sweepId).map((row) => num(row.id));
    const deleted = this.db.write(() => {
      for (const runId of runIds) {
        this.db.sql('DELETE FROM metrics WHERE run_id = ?').run(runId);
        this.db.sql('DELETE FROM runs WHERE id = ?').run(runId);
      }
      return this.db.sql('DELETE FROM sweeps WHERE id = ?').run(sweepId).changes > 0;
    });
    for (const runId of runIds) this.db.emit({ kind: 'run-deleted', runId });
    return deleted;
  }

  private trial(runId: number): SweepTrial | undefined {
    const row = this.db.sql(`SELECT id, sweep_id, trial_number, name, status, reason, trial_params, created_at, started_at, ended_at
      FROM runs WHERE id = ?`).get(runId);
    return row ? rowToTrial(row) : undefined;
  }

  private rowToSweep(row: Row): Sweep {
    const counts: Sweep['trialCounts'] = {};
    for (const c of this.db.sql('SELECT status, count(*) AS n FROM runs WHERE sweep_id = ? AND trial_number IS NOT NULL GROUP BY status').all(num(row.id))) {
      counts[str(c.status) as RunStatus] = num(c.n);
    }
    return {
      id: num(row.id), experimentId: num(row.experiment_id), experimentName: str(row.experiment_name), name: str(row.name),
      config: object(row.config) ?? {}, spec: object(row.spec), specPath: strOrNull(row.spec_path),
      status: str(row.status) as SweepStatus, reason: strOrNull(row.reason), state: json(row.state),
      budgetTrials: numOrNull(row.budget_trials), budgetSeconds: numOrNull(row.budget_seconds), parallelism: num(row.parallelism),
      elapsedMs: num(row.elapsed_ms), ownerPid: numOrNull(row.owner_pid), ownerHost: strOrNull(row.owner_host),
      heartbeatAt: numOrNull(row.heartbeat_at), createdAt: num(row.created_at), updatedAt: numOrNull(row.updated_at),
      endedAt: numOrNull(row.ended_at), trialCounts: counts,
    };
  }
}
