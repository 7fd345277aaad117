// `runs export --wide`: the spreadsheet view of runs, one row each: id, name, experiment, status,
// then every parameter (params.<key>), the last value of every metric (metrics.<key>) and every
// numeric or text summary value (summary.<key>), columns sorted within each group.
import type { ParamValue } from '../../core/protocol/messages.ts';
import type { MetricRange, Run } from '../../core/store/types.ts';

export type WideCell = string | number | boolean | null;

export interface WideTable { columns: string[]; rows: WideCell[][] }

export function wideTable(runs: readonly Run[], ranges: readonly MetricRange[]): WideTable {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const summary = new Set<string>();
  for (const run of runs) {
    for (const key of Object.keys(run.params)) params.add(key);
    for (const [key, value] of Object.entries(run.summary ?? {})) if (isCell(value)) summary.add(key);
  }
  const last = new Map<string, number>();
  for (const range of ranges) {
    metrics.add(range.key);
    last.set(`${range.runId}\u0000${range.key}`, range.last);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  const columns = ['id', 'name', 'experiment', 'status', 'started', 'ended',
    ...sorted(params).map((k) => `params.${k}`), ...sorted(metrics).map((k) => `metrics.${k}`), ...sorted(summary).map((k) => `summary.${k}`)];
  const rows = runs.map((run) => [
    run.id, run.name, run.experimentName, run.status,
    run.startedAt === null ? null : new Date(run.startedAt).toISOString(), run.endedAt === null ? null : new Date(run.endedAt).toISOString(),
    ...sorted(params).map((k) => cellOf(run.params[k])),
    ...sorted(metrics).map((k) => last.get(`${run.id}\u0000${k}`) ?? null),
    ...sorted(summary).map((k) => cellOf(run.summary?.[k])),
  ]);
  return { columns, rows };
}

function isCell(value: ParamValue | undefined): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function cellOf(value: ParamValue | undefined): WideCell {
  if (value === undefined) return null;
  return isCell(value) ? (value as WideCell) : JSON.stringify(value);
}
