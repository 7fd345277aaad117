// What the store offers its readers and its one writer. Implemented in store.ts over a driver
// (better-sqlite3, or node:sqlite when the native binary can't load).
import type { Logger } from '../log.ts';
import type { InboxLedger } from './inbox-ledger.ts';
import type { ClusterJobs } from './cluster-jobs.ts';
import type { LayerStat, Params, RunEndStatus, TrainingPlan } from '../protocol/messages.ts';
import type { SweepStore } from './sweep-types.ts';
import type { RunAnnotation } from './run-annotations.ts';

export type { RunAnnotation } from './run-annotations.ts';

export type * from './sweep-types.ts';

/** 'pruned': a sweep's trial stopped early by its pruner (median, ASHA), its curves kept. */
import type { RunStatus } from './run-status.ts';
export { RUN_STATUSES, type RunStatus } from './run-status.ts';
import type { DriverName } from './driver.ts';
export type { DriverName } from './driver.ts';

export interface Experiment {
  id: number;
  name: string;
  specPath: string | null;
  createdAt: number; // ms since epoch
  runCount: number;
}

export interface Run {
  id: number;
  experimentId: number;
  experimentName: string;
  sweepId: number | null;
  name: string;
  status: RunStatus;
  /** Why it ended (or null while queued/running, or for a plain finish). */
  reason: string | null;
  params: Params;
  summary: Params | null;
  specPath: string | null;
  pid: number | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface NewRun {
  experiment: string;
  name?: string;
  specPath?: string | null;
  sweepId?: number | null;
  params?: Params;
}

export interface MetricPoint {
  key: string;
  step: number;
  epoch?: number | null;
  time: number; // ms since epoch
  value: number;
}

export interface SeriesBucket {
  /** x of the bucket's last point (step, or time in ms). */
  x: number;
  min: number;
  max: number;
  last: number;
  count: number;
}

export interface LatestValue { key: string; step: number; time: number; value: number }

/** One run's whole series of one key in four numbers (from the 64-step rollups: no raw scan). */
export interface MetricRange {
  runId: number;
  key: string;
  count: number;
  /** NaN when every value was NaN. */
  min: number;
  max: number;
  last: number;
  lastStep: number;
}

export interface Artifact {
  id: number;
  runId: number;
  kind: string;
  path: string;
  size: number | null;
  sha256: string | null;
  meta: Params | null;
  createdAt: number;
}

export interface LogLine { seq: number; stream: 'stdout' | 'stderr' | 'protocol'; text: string; time: number }

export type RunSortKey = 'id' | 'name' | 'status' | 'createdAt' | 'endedAt' | `summary.${string}` | `params.${string}`;

export interface RunQuery {
  experiment?: string;
  status?: RunStatus | RunStatus[];
  sweepId?: number;
  /** substring of the run's name or experiment name */
  text?: string;
  sortBy?: RunSortKey;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export type StoreEvent =
  | { kind: 'run-created'; runId: number }
  | { kind: 'run-updated'; runId: number }
  | { kind: 'run-deleted'; runId: number }
  | { kind: 'metrics'; runId: number; lastStep: number };

export interface Store {
  readonly path: string;
  readonly driver: DriverName;

  // writer side (the host's runner)
  createRun(run: NewRun): Run;
  /** Sweeps and their trials (migration 5): create, resume, list; see sweep-types.ts. */
  readonly sweeps: SweepStore;
  /** A sweep groups the runs one search launches (pass its id as NewRun.sweepId). Returns its id. */
  createSweep(experiment: string, name: string, config?: Params): number;
  setParams(runId: number, params: Params): void;
  markRunning(runId: number, pid: number | null): void;
  endRun(runId: number, status: RunEndStatus, reason: string | null, summary?: Params | null): void;
  /** Many points in one transaction. */
  appendMetrics(runId: number, points: readonly MetricPoint[]): void;
  appendLayerStats(runId: number, step: number, layers: readonly LayerStat[]): void;
  appendLog(runId: number, lines: readonly Omit<LogLine, 'seq'>[]): void;
  addArtifact(runId: number, artifact: { kind: string; path: string; size?: number | null; sha256?: string | null; meta?: Params | null }): Artifact;
  /** Fills in an artifact's hash once it is computed (artifacts are recorded before they are hashed). */
  setArtifactHash(artifactId: number, sha256: string): void;
  deleteRun(runId: number): boolean;
  /** Sets these tags on the run (a plain tag has value ''), keeping its others. */
  setTags(runId: number, tags: { readonly [key: string]: string }): void;
  /** Files the run under another experiment (created on first use) and/or renames it. */
  fileRun(runId: number, where: { experiment?: string; name?: string }): void;
  /** An imported run's original times (ms since the epoch). */
  setRunTimes(runId: number, times: { createdAt?: number; startedAt?: number | null; endedAt?: number | null }): void;
  /** Inbox ingestion's offsets, compare-and-set (src/core/inbox). */
  readonly inbox: InboxLedger;
  /** Runs that train as cluster jobs (migration 9): job id, channel file, state (src/core/slurm). */
  readonly cluster: ClusterJobs;
  /**
   * Fails the queued and running runs whose owner (the process that created or started them,
   * recorded with its host and start time) is gone, with the reason "the process that ran it
   * (pid N on HOST) is gone". Runs owned on another host are left alone. Returns their ids.
   * Opening a store for writing does this once.
   */
  failOrphans(): number[];
  /** Applies the end statuses left beside the store by a run that could not write them (see pending-end.ts). */
  applyPendingEnds(): number[];
  /** The producer's plan (epochs, steps): what live progress is measured against. */
  setRunPlan(runId: number, plan: TrainingPlan): void;
  // what a user says about a run (schema 8)
  renameRun(runId: number, name: string): void;
  /** null or blank removes the note. */
  setRunNote(runId: number, note: string | null): void;
  setRunStarred(runId: number, starred: boolean): void;
  /** Tags are 1–64 characters without spaces or commas; adding one twice keeps one. */
  tagRun(runId: number, tags: readonly string[]): void;
  untagRun(runId: number, tags: readonly string[]): void;

  // reader side
  listExperiments(): Experiment[];
  listRuns(query?: RunQuery): Run[];
  countRuns(query?: RunQuery): number;
  getRun(runId: number): Run | undefined;
  metricKeys(runId: number): string[];
  /** A series downsampled in SQL to at most `buckets` buckets over x (min, max, last per bucket). */
  series(runId: number, key: string, options?: { buckets?: number; x?: 'step' | 'time' }): SeriesBucket[];
  latest(runId: number): LatestValue[];
  /** Count, min, max and last of every key of the given runs (all runs when omitted), in one query. */
  metricRanges(runIds?: readonly number[]): MetricRange[];
  /** Raw points of one key in step order (exports, tests): use series() for charts. */
  points(runId: number, key: string, options?: { fromStep?: number; limit?: number }): MetricPoint[];
  layerStats(runId: number, options?: { fromStep?: number; limit?: number }): { step: number; layers: LayerStat[] }[];
  artifacts(runId: number): Artifact[];
  /** Every run's artifacts of one kind, in id order, in one query (Comparison: the export records). */
  artifactsOfKind(kind: string): Artifact[];
  tags(runId: number): { [key: string]: string };
  /** Tags, note, star and plan of the given runs (all when omitted); runs with none are absent. */
  annotations(runIds?: readonly number[]): Map<number, RunAnnotation>;
  log(runId: number, options?: { tail?: number; afterSeq?: number }): LogLine[];
  /** Changes whenever any connection commits (PRAGMA data_version + own writes): for polling readers. */
  changeCounter(): number;

  /** In-process change events from this connection's writes. Returns an unsubscribe function. */
  onEvent(listener: (event: StoreEvent) => void): () => void;
  close(): void;
}

export interface OpenStoreOptions {
  /** 'auto' (default): better-sqlite3, falling back to node:sqlite when its binary can't load. */
  driver?: DriverName | 'auto';
  readonly?: boolean;
  /**
   * Read a file nobody can change (a read-only folder or mount) without the WAL index SQLite
   * would need to create beside it: implies readonly, uses node:sqlite (SQLite's immutable=1).
   * Only safe when the file has no -wal beside it.
   */
  immutable?: boolean;
  /** Where the store reports a driver fallback or a failing event listener. */
  logger?: Logger;
}
