// `hyperlab sweeps ls` and `hyperlab sweeps show ID`: the stored sweeps, a sweep's best trial,
// its parameters and the trial table.
import { HyperlabError } from '../../core/errors.ts';
import { bestTrial } from '../../core/search/index.ts';
import type { Objective, Params, TrialRecord } from '../../core/search/types.ts';
import type { Store, Sweep, SweepTrial } from '../../core/store/types.ts';
import { trialRecord } from '../../core/sweep/index.ts';
import { formatDuration, formatNumber, formatTime, table } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { StoreMissingError, openForReading } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { params, parseSweepId } from './sweep.ts';

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' }, experiment: { type: 'string' } } as const;

interface TrialRow {
  number: number;
  runId: number;
  status: SweepTrial['status'];
  reason: string | null;
  value: number | null;
  /** A pruned or running trial's last per-epoch value (what it was judged on). */
  lastValue: number | null;
  epochs: number;
  params: SweepTrial['params'];
}

function objectiveOf(sweep: Sweep): Objective {
  return sweep.config['objective'] as unknown as Objective;
}

function trialRows(store: Store, sweep: Sweep): { rows: TrialRow[]; records: TrialRecord[] } {
  const objective = objectiveOf(sweep);
  const records: TrialRecord[] = [];
  const members = (sweep.state as { members?: { [n: string]: { params: SweepTrial['params'] } } } | null)?.members;
  const rows = store.sweeps.trials(sweep.id).map((trial) => {
    const record = trialRecord(store, trial, objective);
    records.push(record);
    const last = record.intermediate[record.intermediate.length - 1];
    return {
      number: trial.number, runId: trial.runId, status: trial.status, reason: trial.reason, value: record.value,
      lastValue: last ? last.value : null, epochs: last ? last.step : 0, params: members?.[String(trial.number)]?.params ?? trial.params,
    };
  });
  return { rows, records };
}

function bestOf(sweep: Sweep, rows: TrialRow[], records: TrialRecord[]): TrialRow | null {
  const best = bestTrial(records, objectiveOf(sweep).direction);
  return best === null || best.value === null ? null : rows.find((r) => r.number === best.number) ?? null;
}

function withStore<T>(db: string | undefined, io: CliIO, empty: () => T, fn: (store: Store) => T): T {
  let store: Store;
  try {
    store = openForReading(resolveDb(db, io.cwd));
  } catch (error) {
    if (error instanceof StoreMissingError) return empty();
    throw error;
  }
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function sweepsLs(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('sweeps ls', args, OPTIONS);
  if (positionals.length > 0) throw usageError(`hyperlab sweeps ls: unexpected argument "${positionals[0]}"`, 'See: hyperlab help sweeps ls');
  return withStore(values.db, io, () => {
    if (values.json) io.stdout('[]\n');
    else io.stderr('No sweeps yet (no store).\n');
    return EXIT.ok;
  }, (store) => {
    const sweeps = store.sweeps.list(values.experiment !== undefined ? { experiment: values.experiment } : {});
    const summaries = sweeps.map((sweep) => {
      const { rows, records } = trialRows(store, sweep);
      return { sweep, best: bestOf(sweep, rows, records), trials: rows.length };
    });
    if (values.json) {
      io.stdout(toJson(summaries.map(({ sweep, best, trials }) => ({ ...sweep, trials, best }))) + '\n');
      return EXIT.ok;
    }
    if (sweeps.length === 0) {
      io.stderr('No sweeps yet. Start one with: hyperlab sweep SPEC\n');
      return EXIT.ok;
    }
    io.stdout(table(['ID', 'EXPERIMENT', 'METHOD', 'STATUS', 'TRIALS', 'OBJECTIVE', 'BEST', 'CREATED'], summaries.map(({ sweep, best, trials }) => {
      const objective = objectiveOf(sweep);
      return [
        String(sweep.id), sweep.experimentName, String(sweep.config['method']), sweep.status,
        `${trials}/${sweep.budgetTrials ?? '-'}`, `${objective.metric} (${objective.direction})`,
        best ? `${formatNumber(best.value)} (trial ${best.number})` : '-', formatTime(sweep.createdAt),
      ];
    }), [0]));
    return EXIT.ok;
  });
}

export function sweepsShow(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('sweeps show', args, OPTIONS);
  if (positionals.length !== 1) throw usageError('hyperlab sweeps show: expected one sweep ID', 'e.g. hyperlab sweeps show 3; list them with: hyperlab sweeps ls');
  const sweepId = parseSweepId(positionals[0], 'sweeps show');
  const missing = () => { throw new HyperlabError('RUN_NOT_FOUND', `there is no sweep with id ${sweepId}`, 'List sweeps with: hyperlab sweeps ls'); };
  return withStore(values.db, io, missing, (store) => {
    const sweep = store.sweeps.get(sweepId) ?? missing();
    const { rows, records } = trialRows(store, sweep);
    const best = bestOf(sweep, rows, records);
    const objective = objectiveOf(sweep);
    if (values.json) {
      io.stdout(toJson({ sweep, best, trials: rows }) + '\n');
      return EXIT.ok;
    }
    io.stdout(`Sweep ${sweep.id} (${sweep.experimentName}): ${String(sweep.config['method'])}, ${sweep.status}${sweep.reason ? ` (${sweep.reason})` : ''}\n`);
    io.stdout(`  objective: ${objective.metric}, ${objective.direction}, ${objective.value}${objective.value === 'epoch' ? ` ${objective.epoch}` : ''}\n`);
    io.stdout(`  budget: ${sweep.budgetTrials ?? '-'} trials${sweep.budgetSeconds !== null ? `, ${sweep.budgetSeconds} s` : ''}; parallelism ${sweep.parallelism}; time spent ${formatDuration(0, sweep.elapsedMs)}\n`);
    if (sweep.specPath) io.stdout(`  spec: ${sweep.specPath}\n`);
    if (best) {
      io.stdout(`  best: trial ${best.number} (run ${best.runId}) ${objective.metric} ${formatNumber(best.value)}\n`);
      io.stdout(`  best params: ${params(best.params as Params)}\n`);
    } else {
      io.stdout('  best: none yet\n');
    }
    if (rows.length === 0) return EXIT.ok;
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))];
    io.stdout('\n' + table(['#', 'RUN', 'STATUS', 'EPOCHS', objective.metric.toUpperCase(), ...keys, 'REASON'], rows.map((r) => [
      `${r.number}${best?.number === r.number ? '*' : ''}`, String(r.runId), r.status, String(r.epochs),
      formatNumber(r.value ?? r.lastValue), ...keys.map((k) => (r.params[k] === undefined ? '-' : typeof r.params[k] === 'number' ? formatNumber(r.params[k] as number) : String(r.params[k]))),
      r.reason ? r.reason.slice(0, 60) : '',
    ]), [0, 1, 3, 4]));
    io.stdout('(* best trial)\n');
    return EXIT.ok;
  });
}
