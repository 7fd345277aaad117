// `hyperlab runs export`: metrics in long format (run,key,step,epoch,time,value), CSV or JSON,
// written run by run and key by key so a large store streams rather than piling up.
import { HyperlabError } from '../../core/errors.ts';
import type { MetricPoint } from '../../core/store/types.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { openForReading } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, parseRunId, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { wideTable } from './runs-wide.ts';
import type { Store } from '../../core/store/types.ts';


const OPTIONS = { ...DB_OPTION, csv: { type: 'boolean' }, json: { type: 'boolean' }, wide: { type: 'boolean' } } as const;

export function runsExport(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs export', args, OPTIONS);
  if (Boolean(values.csv) === Boolean(values.json)) {
    throw usageError('hyperlab runs export: choose exactly one format, --csv or --json', 'e.g. hyperlab runs export --csv 3 > run3.csv');
  }
  const ids = positionals.map((text) => parseRunId(text, 'runs export'));
  const store = openForReading(resolveDb(values.db, io.cwd), io.stderr);
  try {
    for (const id of ids) {
      if (!store.getRun(id)) throw new HyperlabError('RUN_NOT_FOUND', `no run with ID ${id}`, 'List run ids with: hyperlab runs ls');
    }
    const runIds = ids.length > 0 ? ids : store.listRuns({ sortBy: 'id', order: 'asc', limit: store.countRuns() + 1 }).map((r) => r.id);
    if (values.wide) {
      writeWide(store, runIds, values.csv ? 'csv' : 'json', io);
      return EXIT.ok;
    }
    const write = values.csv ? csvWriter(io) : jsonWriter(io);
    for (const runId of runIds) {
      for (const key of store.metricKeys(runId)) write.points(runId, store.points(runId, key));
    }
    write.end();
    return EXIT.ok;
  } finally {
    store.close();
  }
}

interface Writer {
  points(runId: number, points: readonly MetricPoint[]): void;
  end(): void;
}

const cell = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '' : String(value));

function csvWriter(io: CliIO): Writer {
  io.stdout('run,key,step,epoch,time,value\n');
  return {
    points(runId, points) {
      const lines = points.map((p) => `${runId},${csvText(p.key)},${p.step},${cell(p.epoch)},${cell(p.time)},${String(p.value)}`);
      if (lines.length > 0) io.stdout(lines.join('\n') + '\n');
    },
    end() {},
  };
}

function jsonWriter(io: CliIO): Writer {
  let first = true;
  io.stdout('[');
  const number = (v: number | null | undefined) => (v === null || v === undefined ? null : Number.isFinite(v) ? v : String(v));
  return {
    points(runId, points) {
      let text = '';
      for (const p of points) {
        const row = { run: runId, key: p.key, step: p.step, epoch: number(p.epoch), time: Number.isNaN(p.time) ? null : p.time, value: number(p.value) };
        text += `${first ? '\n' : ',\n'}  ${JSON.stringify(row)}`;
        first = false;
      }
      if (text) io.stdout(text);
    },
    end() {
      io.stdout(first ? ']\n' : '\n]\n');
    },
  };
}

function csvText(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per run: its facts, every parameter, the last value of every metric and the numeric summary. */
function writeWide(store: Store, runIds: readonly number[], format: 'csv' | 'json', io: CliIO): void {
  const runs = runIds.map((id) => store.getRun(id)!);
  const table = wideTable(runs, store.metricRanges(runIds));
  if (format === 'json') {
    const number = (v: string | number | boolean | null) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
    io.stdout(`${JSON.stringify(table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, number(row[i] ?? null)]))), null, 2)}\n`);
    return;
  }
  io.stdout(`${table.columns.map(csvText).join(',')}\n`);
  for (const row of table.rows) io.stdout(`${row.map((v) => (v === null ? '' : typeof v === 'string' ? csvText(v) : String(v))).join(',')}\n`);
}
