// `hyperlab run [options] -- CMD [ARGS…]`: supervise any command as a producer, as the engine is
// for a spec: its stdout/stderr become the run's log, the protocol channel is passed as fd 3,
// Ctrl-C stops it (stop message, then SIGTERM, then SIGKILL), every run ends with a status.
// --set values reach the script as HYPERLAB_PARAMS (JSON; the Python client merges them into
// run.config); the run records only the params the script itself reports.
import path from 'node:path';
import { withParams } from '../../core/producer/launch.ts';
import { startRun } from '../../core/runner/index.ts';
import { parseOverride } from '../../core/spec/index.ts';
import type { CliIO, ExitCode } from '../io.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, STORE_WAIT_OPTION, parseCommandArgs, resolveDb, secondsOption } from '../options.ts';
import { usageError } from '../usage.ts';
import { exitCodeOf, followRun, reportOutcome } from './follow-run.ts';
import { bundledClient, loadSpec, stderrLogger } from './run-support.ts';
import { runOnSlurm } from './run-slurm.ts';

const OPTIONS = {
  ...DB_OPTION,
  ...STORE_WAIT_OPTION,
  json: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  experiment: { type: 'string' },
  name: { type: 'string' },
  execution: { type: 'string' },
  detach: { type: 'boolean' },
} as const;

/** `options` are the arguments before `--`, `command` those after it. */
export async function runCommand(options: string[], command: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('run', options, OPTIONS);
  if (positionals.length > 0) {
    throw usageError(`hyperlab run: unexpected "${positionals[0]}" before --`, 'Put the command after --, e.g. hyperlab run --experiment mnist -- python3 train.py');
  }
  if (command.length === 0) throw usageError('hyperlab run: no command after --', 'e.g. hyperlab run -- python3 train.py --epochs 3');
  const params = Object.fromEntries((values.set ?? []).map(parseOverride));
  const storeWaitMs = secondsOption(values['store-wait'], 'run', '--store-wait');
  // --execution SPEC: the command runs where that spec's execution section says (a SLURM job).
  const execution = values.execution === undefined ? undefined : loadSpec(path.resolve(io.cwd, values.execution), []).execution;
  if (execution?.backend === 'slurm') {
    return runOnSlurm({
      dbPath: resolveDb(values.db, io.cwd), execution, plainCommand: true, detach: values.detach === true, json: values.json === true,
      // As on this machine: the script's init(experiment=, name=) files the run unless the command line said where.
      producerNamesRun: { experiment: values.experiment === undefined, name: values.name === undefined },
      run: { experiment: values.experiment ?? defaultExperiment(command), ...(values.name ? { name: values.name } : {}) },
      command: { argv: command, cwd: io.cwd, env: scriptEnv(io, params) },
    }, io);
  }
  if (values.detach) throw usageError('hyperlab run: --detach is for commands that run on a cluster (--execution SPEC whose execution.backend is "slurm")', 'e.g. hyperlab run --execution cluster.hyperlab.json --detach -- python3 train.py');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const experiment = values.experiment ?? defaultExperiment(command);
    const record = store.createRun({ experiment, ...(values.name ? { name: values.name } : {}) });
    const handle = startRun({
      store, runId: record.id, logger: stderrLogger(io),
      command: { argv: command, cwd: io.cwd, env: scriptEnv(io, params), ownProcessGroup: true },
      // The script's init(experiment=, name=) files the run unless the command line said where.
      producerNamesRun: { experiment: values.experiment === undefined, name: values.name === undefined },
      plainCommandMayFinish: true,
      ...(storeWaitMs === undefined ? {} : { limits: { storeBusyGiveUpMs: storeWaitMs } }),
    });
    const outcome = await followRun(io, handle, record.id, true);
    reportOutcome(io, { runId: record.id, run: store.getRun(record.id), experiment, outcome, json: values.json === true, extra: { tags: store.tags(record.id) } });
    // As for a spec's run: the store stays open until the script's artifacts are hashed.
    await handle.artifactsHashed;
    return exitCodeOf(outcome);
  } finally {
    store.close();
  }
}

/** The script's name without its extension (train.py → train), else the program's. */
function defaultExperiment(command: readonly string[]): string {
  const script = command.slice(1).find((arg) => !arg.startsWith('-') && /\.\w+$/.test(arg));
  return path.basename(script ?? command[0]!).replace(/\.\w+$/, '') || 'script';
}

function scriptEnv(io: CliIO, params: { [key: string]: unknown }): NodeJS.ProcessEnv {
  return withParams(io.env, params, bundledClient(io.programDir));
}


