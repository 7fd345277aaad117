// Turns SQLite rows into the store's typed records. Column values arrive untyped from either
// driver; these helpers pin them down in one place.
import { JSON_LIMITS, jsonLimitError } from '../protocol/limits.ts';
import type { Params } from '../protocol/messages.ts';
import type { Row, SqlValue } from './driver.ts';
import type { Artifact, Experiment, Run, RunStatus } from './types.ts';

export { metricValue, num, numOrNull, str, strOrNull } from './values.ts';
import { num, numOrNull, str, strOrNull } from './values.ts';

/** The key of the one entry that stands in for a stored JSON value that cannot be shown. */
export const UNREADABLE_KEY = '(unreadable)';

/**
 * A stored JSON column as an object. A row whose value is not JSON or breaks the depth limit
 * (written by an older version, or by hand) reads as { "(unreadable)": why }, so one bad row is
 * shown as such and a listing of every other run still works. Only depth is checked here: what a
 * producer sends is bounded on the way in, and depth is what breaks readers (stack overflows).
 */
export function paramsOrNull(value: SqlValue | undefined): Params | null {
  if (value === null || value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(str(value));
  } catch (error) {
    return { [UNREADABLE_KEY]: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const tooDeep = jsonLimitError(parsed, 'the stored value', { maxDepth: JSON_LIMITS.maxDepth, maxKeys: Number.POSITIVE_INFINITY });
  if (tooDeep) return { [UNREADABLE_KEY]: tooDeep };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { [UNREADABLE_KEY]: 'not a JSON object' };
  return parsed as Params;
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
