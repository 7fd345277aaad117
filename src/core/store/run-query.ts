// Builds the WHERE / ORDER BY / LIMIT of listRuns and countRuns from a RunQuery. Every value is
// a bound parameter, including JSON paths for summary.<key> / params.<key> sorts.
import { HyperlabError } from '../errors.ts';
import type { SqlValue } from './driver.ts';
import { RUN_STATUSES, type RunQuery, type RunSortKey } from './types.ts';

export interface RunQuerySql {
  where: string;
  orderBy: string;
  limit: string;
  params: SqlValue[];
}

const COLUMN_SORTS: Record<string, string> = {
  id: 'r.id',
  name: 'r.name',
  status: 'r.status',
  createdAt: 'r.created_at',
  endedAt: 'r.ended_at',
};

export function buildRunQuery(query: RunQuery): RunQuerySql {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (query.experiment !== undefined) {
    conditions.push('e.name = ?');
    params.push(query.experiment);
  }
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    for (const status of statuses) {
      if (!RUN_STATUSES.includes(status)) {
        throw new HyperlabError('USAGE', `unknown run status "${String(status)}" in the status filter`, `Use one of: ${RUN_STATUSES.join(', ')}.`);
      }
    }
    if (statuses.length === 0) conditions.push('0');
    else {
      conditions.push(`r.status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
  }
  if (query.sweepId !== undefined) {
    conditions.push('r.sweep_id = ?');
    params.push(query.sweepId);
  }
  if (query.text !== undefined && query.text !== '') {
    const pattern = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push("(r.name LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';

  const direction = orderDirection(query.order, query.sortBy);
  const sort = sortExpression(query.sortBy ?? 'id');
  params.push(...sort.params);
  // r.id breaks ties so pages are stable.
  const orderBy = `ORDER BY ${sort.sql} ${direction} NULLS LAST, r.id ${direction}`;

  let limit = '';
  if (query.limit !== undefined || query.offset !== undefined) {
    limit = 'LIMIT ? OFFSET ?';
    params.push(nonNegativeInteger(query.limit ?? -1, 'limit', true), nonNegativeInteger(query.offset ?? 0, 'offset', false));
  }
  return { where, orderBy, limit, params };
}

function orderDirection(order: RunQuery['order'], sortBy: RunSortKey | undefined): 'ASC' | 'DESC' {
  if (order === undefined) return sortBy === undefined ? 'DESC' : 'ASC'; // newest runs first by default
  if (order === 'asc') return 'ASC';
  if (order === 'desc') return 'DESC';
  throw new HyperlabError('USAGE', `unknown sort order "${String(order)}"`, 'Use "asc" or "desc".');
}

function sortExpression(sortBy: RunSortKey): { sql: string; params: SqlValue[] } {
  const column = COLUMN_SORTS[sortBy];
  if (column) return { sql: column, params: [] };
  const match = /^(summary|params)\.(.+)$/.exec(sortBy);
  if (!match) {
    throw new HyperlabError('USAGE', `cannot sort runs by "${sortBy}"`, `Use one of ${Object.keys(COLUMN_SORTS).join(', ')}, summary.<key> or params.<key>.`);
  }
  const json = `r.${match[1]}`;
  const paths = jsonPaths(match[2]!, sortBy);
  // json_valid first: SQLite's json functions raise "malformed JSON" on a value nested over 1000
  // levels, which would fail the listing of every run for one bad row; such a row sorts as empty.
  // Numbers come back as SQL numbers, so they sort by value, not as text.
  const extract = paths.length === 1 ? `json_extract(${json}, ?)` : `coalesce(${paths.map(() => `json_extract(${json}, ?)`).join(', ')})`;
  return { sql: `(CASE WHEN json_valid(${json}) THEN ${extract} END)`, params: paths };
}

/**
 * The JSON paths a dotted sort key can mean, in the order they are tried: params are stored
 * flat (`{"train.epochs": 3}`), a producer's summary may be nested (`{"test": {"acc": 0.9}}`) or
 * flat, so `train.epochs` is tried as one key ($."train.epochs") and then as nested keys
 * ($."train"."epochs"), and the first that exists is the value.
 */
export function jsonPaths(dotted: string, field: string): string[] {
  const parts = dotted.split('.');
  for (const part of parts) {
    if (part === '' || part.includes('"')) {
      throw new HyperlabError('USAGE', `"${field}" is not a valid sort key`, 'Write it as summary.<key> or params.<key>, with dots between nested keys and no quotes.');
    }
  }
  const flat = `$."${dotted}"`;
  return parts.length === 1 ? [flat] : [flat, `$${parts.map((part) => `."${part}"`).join('')}`];
}

function nonNegativeInteger(value: number, field: string, allowUnlimited: boolean): number {
  if (allowUnlimited && value === -1) return -1;
  if (!Number.isInteger(value) || value < 0) {
    throw new HyperlabError('USAGE', `${field} must be a non-negative integer (got ${String(value)})`, `Pass a whole number ≥ 0 as ${field}.`);
  }
  return value;
}
