// `hyperlab runs ls`: the runs in the store, filtered and sorted, as a table or JSON.
import { experimentObjective, objectiveLabel } from '../../core/compare/objective.ts';
import { RUN_STATUSES, type Run, type RunQuery, type Store, type RunSortKey, type RunStatus } from '../../core/store/types.ts';
import { formatDuration, formatPairs, formatTime, table } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { StoreMissingError, openForReading } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { syncBeforeReading } from './sync.ts';
import { toJson } from '../json.ts';
import { usageError } from '../usage.ts';

const OPTIONS = {
  ...DB_OPTION,
  json: { type: 'boolean' },
  experiment: { type: 'string' },
  status: { type: 'string' },
  sort: { type: 'string' },
  limit: { type: 'string' },
  tag: { type: 'string' },
} as const;

const PLAIN_SORT_KEYS = ['id', 'name', 'status', 'createdAt', 'endedAt'];

export function runsLs(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs ls', joinDescendingSort(args), OPTIONS);
  if (positionals.length > 0) throw usageError(`hyperlab runs ls: unexpected argument "${positionals[0]}"`, 'Filter with --experiment or --status; see: hyperlab help runs ls');
  const query = buildQuery(values);
  const dbPath = resolveDb(values.db, io.cwd);
  syncBeforeReading(dbPath, io);
  let store;
  try {
    store = openForReading(dbPath, io.stderr);
  } catch (error) {
    if (!(error instanceof StoreMissingError)) throw error;
    // No store yet is an empty list, not a failure.
    if (values.json) io.stdout('[]\n');
    else io.stderr(`No runs yet (no store at ${dbPath}).\n`);
    return EXIT.ok;
  }
  try {
    const notes = store.annotations();
    // A tag filter reads all the matching runs, then applies the limit.
    const runs = values.tag === undefined ? store.listRuns(query)
      : store.listRuns({ ...query, limit: undefined }).filter((r) => notes.get(r.id)?.tags.includes(values.tag!)).slice(0, query.limit);
    if (values.json) {
      io.stdout(toJson(runs.map((run) => ({ ...run, tags: notes.get(run.id)?.tags ?? [], starred: notes.get(run.id)?.starred ?? false, note: notes.get(run.id)?.note ?? null }))) + '\n');
      return EXIT.ok;
    }
    if (runs.length === 0) {
      io.stderr('No runs match.\n');
      return EXIT.ok;
    }
    const objectives = objectiveColumn(store, runs);
    const rows = runs.map((run) => [
      String(run.id), run.experimentName, `${notes.get(run.id)?.starred ? '★ ' : ''}${run.name}`, run.status, (notes.get(run.id)?.tags ?? []).join(','),
      objectives.get(run.id) ?? '', formatTime(run.startedAt ?? run.createdAt), formatDuration(run.startedAt, run.endedAt), run.reason ?? formatPairs(run.summary, 50),
    ]);
    io.stdout(table(['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'TAGS', 'OBJECTIVE', 'STARTED', 'DURATION', 'SUMMARY / REASON'], rows, [0]));
    if (objectives.size > 0) io.stderr('OBJECTIVE: each experiment\'s objective (search.objective, else val.acc ↑, else val.loss ↓, else train.loss ↓), best over the run; * marks the best run of its experiment.\n');
    const total = values.tag === undefined ? store.countRuns({ ...query, limit: undefined }) : runs.length;
    if (total > runs.length) io.stderr(`(${runs.length} of ${total} runs; use --limit to see more)\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/**
 * `--sort -KEY` (descending) as `--sort=-KEY`: the argument parser takes a value that starts with
 * a dash for an option of its own and refuses it, so `--sort -summary.acc` could not be written.
 */
function joinDescendingSort(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (args[i] === '--sort' && next !== undefined && /^-[^-]/.test(next)) {
      out.push(`--sort=${next}`);
      i++;
    } else {
      out.push(args[i]!);
    }
  }
  return out;
}

/** `val.acc ↑ 0.8712 *` per run: its experiment's objective (over all the experiment's runs), * for the best. */
function objectiveColumn(store: Store, shown: readonly Run[]): Map<number, string> {
  const result = new Map<number, string>();
  for (const experiment of new Set(shown.map((r) => r.experimentName))) {
    const runs = store.listRuns({ experiment, sortBy: 'id', order: 'asc' });
    const { objective, cells, bestRunId } = experimentObjective(runs, store.metricRanges(runs.map((r) => r.id)));
    if (!objective) continue;
    for (const run of runs) {
      const cell = cells.get(run.id)!;
      result.set(run.id, `${objectiveLabel(objective)} ${cell.text}${run.id === bestRunId && runs.length > 1 ? ' *' : ''}`);
    }
  }
  return result;
}

function buildQuery(values: { experiment?: string; status?: string; sort?: string; limit?: string }): RunQuery {
  const query: RunQuery = { sortBy: 'id', order: 'desc', limit: 50 };
  if (values.experiment !== undefined) query.experiment = values.experiment;
  if (values.status !== undefined) {
    const statuses = values.status.split(',').map((s) => s.trim());
    for (const status of statuses) {
      if (!(RUN_STATUSES as readonly string[]).includes(status)) {
        throw usageError(`hyperlab runs ls: unknown status "${status}"`, `Use one of: ${RUN_STATUSES.join(', ')}`);
      }
    }
    query.status = statuses as RunStatus[];
  }
  if (values.sort !== undefined) {
    const descending = values.sort.startsWith('-');
    const key = descending ? values.sort.slice(1) : values.sort;
    if (!PLAIN_SORT_KEYS.includes(key) && !/^(summary|params)\..+/.test(key)) {
      throw usageError(`hyperlab runs ls: cannot sort by "${key}"`, `Use one of ${PLAIN_SORT_KEYS.join(', ')}, summary.<key> or params.<key>; prefix with - for descending`);
    }
    query.sortBy = key as RunSortKey;
    query.order = descending ? 'desc' : 'asc';
  }
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw usageError(`hyperlab runs ls: --limit "${values.limit}" is not a positive integer`, 'e.g. --limit 20');
    query.limit = limit;
  }
  return query;
}
