// `hyperlab import tensorboard DIR [--experiment E]` and `hyperlab import mlflow PATH_OR_SQLITE_URI`:
// bring runs from other trackers into the store. A run imported before (same source) is skipped.
import path from 'node:path';
import { importMlflow, importTensorBoard, type ImportReport } from '../../core/import/index.ts';
import { formatNumber } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' }, experiment: { type: 'string' } } as const;
const HINT = 'Use: hyperlab import tensorboard LOGDIR, or hyperlab import mlflow (mlruns/ | mlflow.db | sqlite:///mlflow.db)';

export function importRuns(args: string[], io: CliIO): ExitCode {
  const [format, ...rest] = args;
  if (format !== 'tensorboard' && format !== 'mlflow') {
    throw usageError(format === undefined ? 'hyperlab import: missing the format' : `hyperlab import: unknown format "${format}"`, HINT);
  }
  const { values, positionals } = parseCommandArgs(`import ${format}`, rest, OPTIONS);
  if (positionals.length !== 1) throw usageError(`hyperlab import ${format}: expected one source, got ${positionals.length}`, HINT);
  if (format === 'mlflow' && values.experiment !== undefined) throw usageError('hyperlab import mlflow: --experiment applies to tensorboard only (MLflow runs keep their experiments)', HINT);
  const store = openForWriting(resolveDb(values.db, io.cwd));
  let report: ImportReport;
  try {
    report = format === 'tensorboard'
      ? importTensorBoard(store, path.resolve(io.cwd, positionals[0]!), values.experiment === undefined ? {} : { experiment: values.experiment })
      : importMlflow(store, positionals[0]!, io.cwd);
  } finally {
    store.close();
  }
  if (values.json) {
    io.stdout(toJson(report) + '\n');
  } else {
    for (const run of report.runs) io.stdout(`imported run ${run.id} ${run.experiment}/${run.name}: ${formatNumber(run.points)} points\n`);
    io.stdout(`${report.runs.length} run(s), ${formatNumber(report.points)} points imported${report.skippedRuns > 0 ? `; ${report.skippedRuns} imported before, skipped` : ''}\n`);
  }
  for (const warning of report.warnings) io.stderr(`hyperlab import: ${warning}\n`);
  return EXIT.ok;
}
