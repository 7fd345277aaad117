// The Store over one SQLite connection (either driver). Writes run in short IMMEDIATE
// transactions and emit in-process events after commit; reads are plain prepared queries.
import fs from 'node:fs';
import { HyperlabError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { LayerStat, Params, RunEndStatus, TrainingPlan } from '../protocol/messages.ts';
import type { Driver, PreparedStatement, SqlValue } from './driver.ts';
import { ClusterJobs } from './cluster-jobs.ts';
import { InboxLedger } from './inbox-ledger.ts';
import { MetricIngest } from './metric-ingest.ts';
import { RunLabels } from './run-labels.ts';
import { currentOwner, ownerGoneReason, ownerState, processExists } from './owner.ts';
import { readPendingEnds } from './pending-end.ts';
import { buildRunQuery } from './run-query.ts';
import { RunAnnotations } from './run-annotations.ts';
import { RUN_COLUMNS, metricValue, num, numOrNull, rowToArtifact, rowToExperiment, rowToRun, str, toJson } from './rows.ts';
import { DEFAULT_BUCKETS, SeriesQuery } from './series-query.ts';
import { SqliteSweepStore } from './sweep-store.ts';
import type { SweepStore } from './sweep-types.ts';
import type {
  Artifact,
  DriverName,
  Experiment,
  LatestValue,
  LogLine,
  MetricPoint,
  MetricRange,
  NewRun,
  Run,
  RunAnnotation,
  RunQuery,
  SeriesBucket,
  Store,
  StoreEvent,
} from './types.ts';

const END_STATUSES: readonly RunEndStatus[] = ['finished', 'failed', 'killed', 'diverged'];
const LOG_STREAMS: readonly LogLine['stream'][] = ['stdout', 'stderr', 'protocol'];

export class SqliteStore implements Store {
  readonly path: string;
  readonly driver: DriverName;
  private readonly db: Driver;
  private readonly readonly: boolean;
  private readonly logger: Logger;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly ingest: MetricIngest;
  private readonly seriesQuery: SeriesQuery;
  private readonly labels: RunLabels;
  readonly inbox: InboxLedger;
  readonly cluster: ClusterJobs;
  private readonly notes: RunAnnotations;
  private ownWrites = 0;
  readonly sweeps: SweepStore;

  constructor(db: Driver, path: string, readonly: boolean, logger: Logger) {
    this.db = db;
    this.path = path;
    this.driver = db.name;
    this.readonly = readonly;
    this.logger = logger;
    this.ingest = new MetricIngest(db);
    this.seriesQuery = new SeriesQuery(db);
    this.sweeps = new SqliteSweepStore({
      sql: (text) => this.sql(text), write: (fn) => this.write(fn), emit: (event) => this.emit(event), checkWritable: (method) => this.checkWritable(method),
    });
    this.labels = new RunLabels(db);
    // Keys created in a transaction that rolls back no longer exist: forget the cached ids.
    this.inbox = new InboxLedger(db, (fn) => {
      this.checkWritable('inbox');
      try {
        return this.write(fn);
      } catch (error) {
        this.ingest.forgetKeys();
        throw error;
      }
    });
    this.notes = new RunAnnotations((text) => this.sql(text));
    this.cluster = new ClusterJobs(db, (fn) => {
      this.checkWritable('cluster');
      return this.write(fn);
    }, (runId) => this.emit({ kind: 'run-updated', runId }));
  }

  // ---- writer side ----

  createRun(run: NewRun): Run {
    this.checkWritable('createRun');
    if (typeof run.experiment !== 'string' || run.experiment.trim() === '') {
      throw new HyperlabError('STORE_INPUT', 'createRun: experiment must be a non-empty name', 'Pass the experiment name, e.g. the spec file name without extension.');
    }
    const now = Date.now();
    const owner = currentOwner();
    const runId = this.write(() => {
      this.sql('INSERT INTO experiments (name, spec_path, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(run.experiment, run.specPath ?? null, now);
      const experimentId = num(this.sql('SELECT id FROM experiments WHERE name = ?').get(run.experiment)!.id);
      const id = this.sql(`INSERT INTO runs (experiment_id, sweep_id, name, status, params, spec_path, created_at, owner_pid, owner_host, owner_start)
        VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`).run(experimentId, run.sweepId ?? null, run.name ?? '', toJson(run.params ?? {}), run.specPath ?? null, now,
        owner.pid, owner.host, owner.start).lastInsertRowid;
      if (run.name === undefined || run.name === '') this.sql("UPDATE runs SET name = 'run-' || id WHERE id = ?").run(id);
      return id;
    });
    this.emit({ kind: 'run-created', runId });
    return this.getRun(runId)!;
  }

  /** A sweep groups the runs a search launches; pass its id as NewRun.sweepId. */
  createSweep(experiment: string, name: string, config: Params = {}): number {
    this.checkWritable('createSweep');
    const now = Date.now();
    return this.write(() => {
      this.sql('INSERT INTO experiments (name, spec_path, created_at) VALUES (?, NULL, ?) ON CONFLICT (name) DO NOTHING').run(experiment, now);
      const experimentId = num(this.sql('SELECT id FROM experiments WHERE name = ?').get(experiment)!.id);
      return this.sql('INSERT INTO sweeps (experiment_id, name, config, created_at) VALUES (?, ?, ?, ?)').run(experimentId, name, toJson(config), now).lastInsertRowid;
    });
  }

  setParams(runId: number, params: Params): void {
    this.updateRun(runId, 'setParams', 'UPDATE runs SET params = ? WHERE id = ?', [toJson(params), runId]);
  }

  markRunning(runId: number, pid: number | null): void {
    // The process that starts the producer owns the run from now on.
    const owner = currentOwner();
    this.updateRun(runId, 'markRunning', "UPDATE runs SET status = 'running', pid = ?, started_at = ?, owner_pid = ?, owner_host = ?, owner_start = ? WHERE id = ?",
      [pid, Date.now(), owner.pid, owner.host, owner.start, runId]);
  }

  endRun(runId: number, status: RunEndStatus, reason: string | null, summary?: Params | null): void {
    if (!END_STATUSES.includes(status)) {
      throw new HyperlabError('STORE_INPUT', `endRun: "${String(status)}" is not an end status`, 'Use finished, failed, killed or diverged.');
    }
    if (summary === undefined) {
      this.updateRun(runId, 'endRun', 'UPDATE runs SET status = ?, reason = ?, ended_at = ? WHERE id = ?', [status, reason, Date.now(), runId]);
    } else {
      this.updateRun(runId, 'endRun', 'UPDATE runs SET status = ?, reason = ?, ended_at = ?, summary = ? WHERE id = ?', [status, reason, Date.now(), summary === null ? null : toJson(summary), runId]);
    }
  }

  appendMetrics(runId: number, points: readonly MetricPoint[]): void {
    this.checkWritable('appendMetrics');
    if (points.length === 0) return;
    let lastStep: number;
    try {
      lastStep = this.write(() => {
        this.requireRun(runId, 'appendMetrics');
        return this.ingest.append(runId, points);
      });
    } catch (error) {
      this.ingest.forgetKeys();
      throw error;
    }
    this.emit({ kind: 'metrics', runId, lastStep });
  }

  appendLayerStats(runId: number, step: number, layers: readonly LayerStat[]): void {
    this.checkWritable('appendLayerStats');
    if (!Number.isSafeInteger(step)) throw new HyperlabError('STORE_INPUT', `appendLayerStats: step must be an integer (got ${String(step)})`, 'Report steps as whole numbers.');
    if (layers.length === 0) return;
    this.write(() => {
      this.requireRun(runId, 'appendLayerStats');
      const insert = this.sql(`INSERT OR REPLACE INTO layer_stats
        (run_id, step, idx, name, grad_norm, weight_norm, update_ratio, activation_mean, activation_std, dead_fraction)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      layers.forEach((layer, idx) => {
        insert.run(runId, step, idx, layer.name, layer.gradNorm, layer.weightNorm, layer.updateRatio,
          layer.activationMean ?? null, layer.activationStd ?? null, layer.deadFraction ?? null);
      });
    });
    this.emit({ kind: 'run-updated', runId });
  }

  appendLog(runId: number, lines: readonly Omit<LogLine, 'seq'>[]): void {
    this.checkWritable('appendLog');
    if (lines.length === 0) return;
    for (const line of lines) {
      if (!LOG_STREAMS.includes(line.stream)) {
        throw new HyperlabError('STORE_INPUT', `appendLog: unknown stream "${String(line.stream)}"`, `Use one of: ${LOG_STREAMS.join(', ')}.`);
      }
    }
    this.write(() => {
      this.requireRun(runId, 'appendLog');
      let seq = num(this.sql('SELECT coalesce(max(seq), 0) AS seq FROM logs WHERE run_id = ?').get(runId)!.seq);
      const insert = this.sql('INSERT INTO logs (run_id, seq, stream, text, time) VALUES (?, ?, ?, ?, ?)');
      for (const line of lines) insert.run(runId, ++seq, line.stream, line.text, line.time);
    });
  }

  addArtifact(runId: number, artifact: { kind: string; path: string; size?: number | null; sha256?: string | null; meta?: Params | null }): Artifact {
    this.checkWritable('addArtifact');
    const id = this.write(() => {
      this.requireRun(runId, 'addArtifact');
      return this.sql('INSERT INTO artifacts (run_id, kind, path, size, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        runId, artifact.kind, artifact.path, artifact.size ?? null, artifact.sha256 ?? null,
        artifact.meta === undefined || artifact.meta === null ? null : toJson(artifact.meta), Date.now(),
      ).lastInsertRowid;
    });
    this.emit({ kind: 'run-updated', runId });
    return rowToArtifact(this.sql('SELECT * FROM artifacts WHERE id = ?').get(id)!);
  }

  setArtifactHash(artifactId: number, sha256: string): void {
    this.checkWritable('setArtifactHash');
    const runId = this.write(() => this.sql('UPDATE artifacts SET sha256 = ? WHERE id = ? RETURNING run_id').get(sha256, artifactId)?.run_id);
    if (runId !== undefined) this.emit({ kind: 'run-updated', runId: num(runId) });
  }

  deleteRun(runId: number): boolean {
    this.checkWritable('deleteRun');
    const deleted = this.write(() => {
      // metrics has no foreign key (ingest speed), so its rows go first, by clustered range.
      this.sql('DELETE FROM metrics WHERE run_id = ?').run(runId);
      return this.sql('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
    });
    if (deleted) this.emit({ kind: 'run-deleted', runId });
    return deleted;
  }

  setRunPlan(runId: number, plan: TrainingPlan): void {
    this.annotate(runId, 'setRunPlan', () => this.notes.setPlan(runId, plan, Date.now()));
  }

  renameRun(runId: number, name: string): void {
    this.annotate(runId, 'renameRun', () => this.notes.rename(runId, name));
  }

  setRunNote(runId: number, note: string | null): void {
    this.annotate(runId, 'setRunNote', () => this.notes.setNote(runId, note));
  }

  setRunStarred(runId: number, starred: boolean): void {
    this.annotate(runId, 'setRunStarred', () => this.notes.setStarred(runId, starred));
  }

  tagRun(runId: number, tags: readonly string[]): void {
    this.annotate(runId, 'tagRun', () => this.notes.addTags(runId, tags));
  }

  untagRun(runId: number, tags: readonly string[]): void {
    this.annotate(runId, 'untagRun', () => this.notes.removeTags(runId, tags));
  }

  failOrphans(): number[] {
    this.checkWritable('failOrphans');
    // Read first, without the write lock: most opens find nothing to repair and take no lock.
    const candidates = this.sql("SELECT id, status, pid, owner_pid, owner_host, owner_start, trial_number FROM runs WHERE status IN ('queued', 'running')").all();
    const orphans: { id: number; reason: string }[] = [];
    const interruptedTrials: number[] = [];
    for (const row of candidates) {
      const id = num(row.id);
      // A sweep's trial whose driver died was interrupted, not tried: it goes back to its sweep's
      // queue (data kept) for `sweep --resume` / Resume Sweep; failed, it would count as a
      // finished trial with the worst value. One still queued just waits for the resume.
      if (row.trial_number !== null && row.owner_pid !== null) {
        const owner = { pid: num(row.owner_pid), host: str(row.owner_host), start: row.owner_start === null ? null : str(row.owner_start) };
        if (str(row.status) === 'running' && ownerState(owner) === 'gone') interruptedTrials.push(id);
        continue;
      }
      if (row.owner_pid === null) {
        // A run from before owners were recorded (schema 3): only its producer's pid is known.
        const pid = numOrNull(row.pid);
        if (pid !== null && !processExists(pid)) orphans.push({ id, reason: `its producer (pid ${pid}) is gone and no owner was recorded (a run started by an older Hyperlab)` });
        continue;
      }
      const owner = { pid: num(row.owner_pid), host: str(row.owner_host), start: row.owner_start === null ? null : str(row.owner_start) };
      if (ownerState(owner) === 'gone') orphans.push({ id, reason: ownerGoneReason(owner) });
    }
    if (interruptedTrials.length > 0) {
      this.write(() => { for (const id of interruptedTrials) this.sql("UPDATE runs SET status = 'queued', pid = NULL WHERE id = ? AND status = 'running'").run(id); });
      for (const runId of interruptedTrials) this.emit({ kind: 'run-updated', runId });
      this.logger.log('warn', `store: ${interruptedTrials.length} sweep trial(s) whose driver is gone went back to their sweep's queue: ${interruptedTrials.map((id) => `#${id}`).join(', ')} (resume the sweep to run them)`);
    }
    if (orphans.length === 0) return [];
    const now = Date.now();
    const ids = this.write(() => orphans.filter(({ id, reason }) =>
      this.sql("UPDATE runs SET status = 'failed', reason = ?, ended_at = ? WHERE id = ? AND status IN ('queued', 'running')").run(reason, now, id).changes > 0,
    ).map(({ id }) => id));
    for (const runId of ids) this.emit({ kind: 'run-updated', runId });
    return ids;
  }

  applyPendingEnds(): number[] {
    this.checkWritable('applyPendingEnds');
    const applied: number[] = [];
    for (const { runId, file, end } of readPendingEnds(this.path)) {
      if (end === null) {
        this.logger.log('warn', `store: ignoring an unreadable pending end status in ${file}`);
      } else {
        const changed = this.write(() => this.sql("UPDATE runs SET status = ?, reason = ?, summary = ?, ended_at = ? WHERE id = ? AND status IN ('queued', 'running')")
          .run(end.status, end.reason, end.summary === null ? null : toJson(end.summary), end.endedAt, runId).changes > 0);
        if (changed) {
          applied.push(runId);
          this.emit({ kind: 'run-updated', runId });
        }
      }
      fs.rmSync(file, { force: true });
    }
    return applied;
  }

  setTags(runId: number, tags: { readonly [key: string]: string }): void {
    this.checkWritable('setTags');
    if (Object.keys(tags).length === 0) return;
    this.write(() => {
      this.requireRun(runId, 'setTags');
      this.labels.setTags(runId, tags);
    });
    this.emit({ kind: 'run-updated', runId });
  }

  fileRun(runId: number, where: { experiment?: string; name?: string }): void {
    this.checkWritable('fileRun');
    if (where.experiment !== undefined && where.experiment.trim() === '') {
      throw new HyperlabError('STORE_INPUT', 'fileRun: experiment must be a non-empty name', 'Pass the experiment name, or leave it out.');
    }
    const changes = this.write(() => this.labels.file(runId, where, Date.now()));
    if (changes === 0 && (where.experiment !== undefined || where.name !== undefined)) throw runNotFound(runId, 'fileRun');
    this.emit({ kind: 'run-updated', runId });
  }

  setRunTimes(runId: number, times: { createdAt?: number; startedAt?: number | null; endedAt?: number | null }): void {
    this.checkWritable('setRunTimes');
    this.write(() => {
      this.requireRun(runId, 'setRunTimes');
      this.labels.setTimes(runId, times);
    });
    this.emit({ kind: 'run-updated', runId });
  }

  // ---- reader side ----

  listExperiments(): Experiment[] {
    return this.sql(`SELECT e.id, e.name, e.spec_path, e.created_at, count(r.id) AS run_count
      FROM experiments AS e LEFT JOIN runs AS r ON r.experiment_id = e.id
      GROUP BY e.id ORDER BY e.name`).all().map(rowToExperiment);
  }

  listRuns(query: RunQuery = {}): Run[] {
    const q = buildRunQuery(query);
    return this.sql(`SELECT ${RUN_COLUMNS} FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id ${q.where} ${q.orderBy} ${q.limit}`)
      .all(...q.params)
      .map(rowToRun);
  }

  countRuns(query: RunQuery = {}): number {
    const q = buildRunQuery({ ...query, sortBy: 'id', limit: undefined, offset: undefined });
    // The id sort adds no parameters, so q.params are exactly the WHERE's.
    return num(this.sql(`SELECT count(*) AS n FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id ${q.where}`).get(...q.params)!.n);
  }

  getRun(runId: number): Run | undefined {
    const row = this.sql(`SELECT ${RUN_COLUMNS} FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id WHERE r.id = ?`).get(runId);
    return row ? rowToRun(row) : undefined;
  }

  metricKeys(runId: number): string[] {
    return this.sql('SELECT k.name FROM run_keys AS rk JOIN metric_keys AS k ON k.id = rk.key_id WHERE rk.run_id = ? ORDER BY k.name')
      .all(runId)
      .map((row) => str(row.name));
  }

  series(runId: number, key: string, options: { buckets?: number; x?: 'step' | 'time' } = {}): SeriesBucket[] {
    const keyId = this.ingest.findKeyId(key);
    if (keyId === undefined) return [];
    return this.seriesQuery.run(runId, keyId, options.buckets ?? DEFAULT_BUCKETS, options.x ?? 'step');
  }

  latest(runId: number): LatestValue[] {
    return this.sql(`SELECT k.name, rk.last_step, rk.last_time, rk.last_value
      FROM run_keys AS rk JOIN metric_keys AS k ON k.id = rk.key_id WHERE rk.run_id = ? ORDER BY k.name`)
      .all(runId)
      .map((row) => ({ key: str(row.name), step: num(row.last_step), time: num(row.last_time), value: metricValue(row.last_value) }));
  }

  points(runId: number, key: string, options: { fromStep?: number; limit?: number } = {}): MetricPoint[] {
    const keyId = this.ingest.findKeyId(key);
    if (keyId === undefined) return [];
    return this.sql('SELECT step, epoch, time, value FROM metrics WHERE run_id = ? AND key_id = ? AND step >= ? ORDER BY step LIMIT ?')
      .all(runId, keyId, options.fromStep ?? 0, options.limit ?? -1)
      .map((row) => ({ key, step: num(row.step), epoch: numOrNull(row.epoch), time: num(row.time), value: metricValue(row.value) }));
  }

  metricRanges(runIds?: readonly number[]): MetricRange[] {
    // The ids travel as one JSON array parameter, so 10,000 runs need no 10,000 placeholders.
    const filter = runIds === undefined ? '' : 'WHERE b.run_id IN (SELECT value FROM json_each(?))';
    // Aggregate the blocks first (a streaming scan in primary-key order), then join the few result rows.
    const rows = this.sql(`SELECT g.run_id, k.name, g.count, g.min, g.max, rk.last_step, rk.last_value
      FROM (SELECT b.run_id, b.key_id, sum(b.count) AS count, min(b.min) AS min, max(b.max) AS max
            FROM metric_blocks AS b ${filter} GROUP BY b.run_id, b.key_id) AS g
      JOIN run_keys AS rk ON rk.run_id = g.run_id AND rk.key_id = g.key_id
      JOIN metric_keys AS k ON k.id = g.key_id
      ORDER BY g.run_id, k.name`).all(...(runIds === undefined ? [] : [JSON.stringify(runIds)]));
    return rows.map((row) => ({ runId: num(row.run_id), key: str(row.name), count: num(row.count), min: metricValue(row.min),
      max: metricValue(row.max), last: metricValue(row.last_value), lastStep: num(row.last_step) }));
  }

  layerStats(runId: number, options: { fromStep?: number; limit?: number } = {}): { step: number; layers: LayerStat[] }[] {
    const rows = this.sql(`SELECT * FROM layer_stats WHERE run_id = ? AND step IN (
        SELECT DISTINCT step FROM layer_stats WHERE run_id = ? AND step >= ? ORDER BY step LIMIT ?)
      ORDER BY step, idx`).all(runId, runId, options.fromStep ?? Number.MIN_SAFE_INTEGER, options.limit ?? -1);
    const result: { step: number; layers: LayerStat[] }[] = [];
    for (const row of rows) {
      const step = num(row.step);
      if (result.length === 0 || result[result.length - 1]!.step !== step) result.push({ step, layers: [] });
      const layer: LayerStat = { name: str(row.name), gradNorm: metricValue(row.grad_norm), weightNorm: metricValue(row.weight_norm), updateRatio: metricValue(row.update_ratio) };
      const activationMean = numOrNull(row.activation_mean);
      const activationStd = numOrNull(row.activation_std);
      const deadFraction = numOrNull(row.dead_fraction);
      if (activationMean !== null) layer.activationMean = activationMean;
      if (activationStd !== null) layer.activationStd = activationStd;
      if (deadFraction !== null) layer.deadFraction = deadFraction;
      result[result.length - 1]!.layers.push(layer);
    }
    return result;
  }

  artifacts(runId: number): Artifact[] {
    return this.sql('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id').all(runId).map(rowToArtifact);
  }

  artifactsOfKind(kind: string): Artifact[] {
    return this.sql('SELECT * FROM artifacts WHERE kind = ? ORDER BY id').all(kind).map(rowToArtifact);
  }

  tags(runId: number): { [key: string]: string } {
    return this.labels.tags(runId);
  }

  annotations(runIds?: readonly number[]): Map<number, RunAnnotation> {
    return this.notes.read(runIds);
  }

  log(runId: number, options: { tail?: number; afterSeq?: number } = {}): LogLine[] {
    const rows = this.sql(`SELECT * FROM (
        SELECT seq, stream, text, time FROM logs WHERE run_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?
      ) ORDER BY seq`).all(runId, options.afterSeq ?? 0, options.tail ?? -1);
    return rows.map((row) => ({ seq: num(row.seq), stream: str(row.stream) as LogLine['stream'], text: str(row.text), time: num(row.time) }));
  }

  changeCounter(): number {
    // data_version moves when another connection commits; our own commits are counted here.
    return num(this.sql('PRAGMA data_version').get()!.data_version) + this.ownWrites;
  }

  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.statements.clear();
    this.db.close();
  }

  // ---- helpers ----

  private sql(text: string): PreparedStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private write<T>(fn: () => T): T {
    const result = this.db.transaction(fn);
    this.ownWrites++;
    return result;
  }

  private updateRun(runId: number, method: string, text: string, params: SqlValue[]): void {
    this.checkWritable(method);
    const changes = this.write(() => this.sql(text).run(...params).changes);
    if (changes === 0) throw runNotFound(runId, method);
    this.emit({ kind: 'run-updated', runId });
  }

  private annotate(runId: number, method: string, fn: () => unknown): void {
    this.checkWritable(method);
    this.write(() => {
      this.requireRun(runId, method);
      fn();
    });
    this.emit({ kind: 'run-updated', runId });
  }

  private requireRun(runId: number, method: string): void {
    if (!this.sql('SELECT 1 AS found FROM runs WHERE id = ?').get(runId)) throw runNotFound(runId, method);
  }

  private checkWritable(method: string): void {
    if (this.readonly) {
      throw new HyperlabError('STORE_UNAVAILABLE', `${method}: the run store ${this.path} was opened read-only`, 'Open it without readonly to write.');
    }
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken view must not fail the writer that told it about a commit.
        this.logger.log('error', `store: an event listener threw on ${event.kind}: ${errorMessage(error)}`);
      }
    }
  }
}

function runNotFound(runId: number, method: string): HyperlabError {
  return new HyperlabError('RUN_NOT_FOUND', `${method}: there is no run with id ${runId}`, 'List runs with `hyperlab runs ls` to find a valid id.');
}
