// `hyperlab run SPEC` for a spec with a producer section: start the spec's own command with its
// config (the spec's values, --set applied) as HYPERLAB_PARAMS, and record what the script
// reports: its params (the client's run.config), its experiment (init(experiment=...), else the
// spec's name or file name), its metrics. Hyperlab records no params of its own for such a run:
// it cannot know which of the values the script used.
import type { Params } from '../../core/protocol/messages.ts';
import { autoRunName } from '../../core/compare/run-name.ts';
import { scriptLaunch } from '../../core/producer/launch.ts';
import { startRun } from '../../core/runner/index.ts';
import { parseProducerSpec, resolveProducerOverrides, specExperiment, type ExecutionSpec } from '../../core/spec/index.ts';
import type { CliIO, ExitCode } from '../io.ts';
import { openForWriting } from '../open-store.ts';
import { resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { exitCodeOf, followRun, reportOutcome } from './follow-run.ts';
import { runOnSlurm } from './run-slurm.ts';
import { bundledClient } from './run-support.ts';
import { stderrLogger } from './run-support.ts';

export interface ScriptSpecRun {
  specPath: string;
  text: string;
  assignments: readonly string[];
  json: boolean;
  /** On SLURM: return once the job is submitted. */
  detach: boolean;
  db: string | undefined;
  helloTimeoutMs: number;
  timeoutMs?: number;
  storeBusyGiveUpMs?: number;
}

export async function runScriptSpec(options: ScriptSpecRun, io: CliIO): Promise<ExitCode> {
  const spec = parseProducerSpec(options.text);
  const overrides = resolveProducerOverrides(spec, options.assignments);
  const launch = scriptLaunch({ spec, specPath: options.specPath, overrides, env: io.env, clientDir: bundledClient(io.programDir) });
  const experiment = specExperiment(spec.name, options.specPath);
  const name = autoRunName(overrides as Params);
  const execution = spec.hyperlab['execution'] as unknown as ExecutionSpec | undefined;
  if (execution?.backend === 'slurm') {
    // The job runs the script on a node; as here, the run records what the script reports and is filed where its init() says.
    return runOnSlurm({
      dbPath: resolveDb(options.db, io.cwd), execution, plainCommand: true, detach: options.detach, json: options.json,
      producerNamesRun: { experiment: true, name: true },
      run: { experiment, specPath: options.specPath, ...(name ? { name } : {}) },
      command: launch.command, start: launch.start,
    }, io);
  }
  if (options.detach) throw usageError('hyperlab run: --detach is for runs on a cluster (execution.backend "slurm"); a local run ends with this command', 'Set "execution": {"backend": "slurm"} in the spec, or leave --detach out.');
  const store = openForWriting(resolveDb(options.db, io.cwd));
  try {
    const record = store.createRun({ experiment, specPath: options.specPath, ...(name ? { name } : {}) });
    const handle = startRun({
      store, runId: record.id, logger: stderrLogger(io),
      command: launch.command, start: launch.start,
      limits: { helloTimeoutMs: options.helloTimeoutMs, ...(options.storeBusyGiveUpMs === undefined ? {} : { storeBusyGiveUpMs: options.storeBusyGiveUpMs }) },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      producerNamesRun: { experiment: true, name: true },
      plainCommandMayFinish: true,
    });
    const outcome = await followRun(io, handle, record.id, true);
    reportOutcome(io, { runId: record.id, run: store.getRun(record.id), experiment, outcome, json: options.json });
    await handle.artifactsHashed;
    return exitCodeOf(outcome);
  } finally {
    store.close();
  }
}

