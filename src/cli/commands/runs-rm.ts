// `hyperlab runs rm ID... | --status S [--yes]`: delete runs with their metrics, logs and run
// folders. Without --yes it only lists what would go (nothing is lost by a typo); a run that
// is still going is refused: stop it first.
import { removeRunDirectory } from '../../core/runner/index.ts';
import { RUN_STATUSES, type Run, type RunStatus } from '../../core/store/types.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, parseRunId, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { HyperlabError } from '../../core/errors.ts';

const OPTIONS = { ...DB_OPTION, status: { type: 'string' }, yes: { type: 'boolean', short: 'y' } } as const;

export function runsRm(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs rm', args, OPTIONS);
  if (positionals.length === 0 && values.status === undefined) {
    throw usageError('hyperlab runs rm: name the runs: IDs, or --status S', 'e.g. hyperlab runs rm 3 4 --yes, or hyperlab runs rm --status failed,killed --yes');
  }
  const ids = positionals.map((p) => parseRunId(p, 'runs rm'));
  const statuses = values.status === undefined ? [] : values.status.split(',').map((s) => s.trim());
  for (const status of statuses) {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) throw usageError(`hyperlab runs rm: unknown status "${status}"`, `Use one of: ${RUN_STATUSES.join(', ')}`);
  }
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const runs: Run[] = [];
    for (const id of ids) {
      const run = store.getRun(id);
      if (!run) throw new HyperlabError('RUN_NOT_FOUND', `runs rm: there is no run with id ${id}`, 'List runs with: hyperlab runs ls');
      runs.push(run);
    }
    if (statuses.length > 0) {
      for (const run of store.listRuns({ status: statuses as RunStatus[], sortBy: 'id', order: 'asc' })) if (!runs.some((r) => r.id === run.id)) runs.push(run);
    }
    const going = runs.filter((r) => r.status === 'running' || r.status === 'queued');
    if (going.length > 0) {
      throw new HyperlabError('STORE_INPUT', `runs rm: run${going.length === 1 ? '' : 's'} ${going.map((r) => r.id).join(', ')} ${going.length === 1 ? 'is' : 'are'} still going`, 'Stop them first (Ctrl-C in their hyperlab run, or Stop Run in VS Code), then delete.');
    }
    if (runs.length === 0) {
      io.stderr('No runs match.\n');
      return EXIT.ok;
    }
    const list = runs.map((r) => `  ${r.id}  ${r.experimentName}  ${r.name}  ${r.status}`).join('\n');
    if (!values.yes) {
      io.stderr(`Would delete ${runs.length} run${runs.length === 1 ? '' : 's'} with their metrics, logs and run folders:\n${list}\nRun again with --yes to delete.\n`);
      return EXIT.usage;
    }
    for (const run of runs) {
      if (store.deleteRun(run.id)) removeRunDirectory(store.path, run.id);
    }
    io.stdout(`Deleted ${runs.length} run${runs.length === 1 ? '' : 's'}:\n${list}\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
