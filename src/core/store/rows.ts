// Turns SQLite rows into the store's typed records. Column values arrive untyped from either
// driver; these helpers pin them down in one place.
import type { Params } from '../protocol/messages.ts';
import type { Row, SqlValue } from './driver.ts';
import type { Artifact, Experiment, Run, RunStatus } from './types.ts';

export function num(value: SqlValue | undefined): number {
  return typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: SqlValue | undefined): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** SQLite stores NaN as NULL; a metric value read back as NULL was a NaN. */
export function metricValue(value: SqlValue | undefined): number {
  return value === null || value === undefined ? Number.NaN : num(value);
}

export function str(value: SqlValue | undefined): string {
  return typeof value === 'string' ? value : String(value);
}

export function strOrNull(value: SqlValue | undefined): string | null {
  return value === null || value === undefined ? null : str(value);
}

export function paramsOrNull(value: SqlValue | undefined): Params | null {
  return value === null || value === undefined ? null : (JSON.parse(str(value)) as Params);
}

export function toJson(params: Params): string {
  return JSON.stringify(params);
}

/** Columns selected by RUN_COLUMNS, in the shape rowToRun reads. */
export const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment_name, r.sweep_id, r.name, r.status, r.reason,
  r.params, r.summary, r.spec_path, r.pid, r.created_at, r.started_at, r.ended_at`;

export function rowToRun(row: Row): Run {
  return {
    id: num(row.id),
    experimentId: num(row.experiment_id),
    experimentName: str(row.experiment_name),
    sweepId: numOrNull(row.sweep_id),
    name: str(row.name),
    status: str(row.status) as RunStatus,
    reason: strOrNull(row.reason),
    params: paramsOrNull(row.params) ?? {},
    summary: paramsOrNull(row.summary),
    specPath: strOrNull(row.spec_path),
    pid: numOrNull(row.pid),
    createdAt: num(row.created_at),
    startedAt: numOrNull(row.started_at),
    endedAt: numOrNull(row.ended_at),
  };
}

export function rowToExperiment(row: Row): Experiment {
  return {
    id: num(row.id),
    name: str(row.name),
    specPath: strOrNull(row.spec_path),
    createdAt: num(row.created_at),
    runCount: num(row.run_count),
  };
}

export function rowToArtifact(row: Row): Artifact {
  return {
    id: num(row.id),
    runId: num(row.run_id),
    kind: str(row.kind),
    path: str(row.path),
    size: numOrNull(row.size),
    sha256: strOrNull(row.sha256),
    meta: paramsOrNull(row.meta),
    createdAt: num(row.created_at),
  };
}
