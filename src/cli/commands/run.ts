// `hyperlab run SPEC`: validate the spec, record a run, start the engine on it through the
// runner, show one line of progress on stderr, print the summary. Ctrl-C stops it gracefully.
import path from 'node:path';
import type { Params } from '../../core/protocol/messages.ts';
import { autoRunName } from '../../core/compare/run-name.ts';
import { startRun } from '../../core/runner/index.ts';
import { flattenSpec, parseOverride, specExperiment } from '../../core/spec/index.ts';
import type { CliIO, ExitCode } from '../io.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, STORE_WAIT_OPTION, parseCommandArgs, resolveDb, secondsOption } from '../options.ts';
import { usageError } from '../usage.ts';
import { engineCommand } from './engine-command.ts';
import { exitCodeOf, followRun, reportOutcome } from './follow-run.ts';
import { runCommand } from './run-command.ts';
import { runOnSlurm } from './run-slurm.ts';
import { runScriptSpec } from './run-script-spec.ts';
import { isProducerSpecText, loadSpec, producerBackend, readSpecText, stderrLogger } from './run-support.ts';

const OPTIONS = {
  ...DB_OPTION, ...STORE_WAIT_OPTION, json: { type: 'boolean' }, set: { type: 'string', multiple: true },
  timeout: { type: 'string' }, 'start-timeout': { type: 'string' }, detach: { type: 'boolean' },
} as const;

/** How long `hyperlab run` waits for the producer's hello by default (--start-timeout). */
export const DEFAULT_START_TIMEOUT_S = 180;

export async function run(args: string[], io: CliIO): Promise<ExitCode> {
  const dash = args.indexOf('--');
  if (dash >= 0) return runCommand(args.slice(0, dash), args.slice(dash + 1), io);
  const { values, positionals } = parseCommandArgs('run', args, OPTIONS);
  if (positionals.length !== 1) {
    throw usageError(`hyperlab run: expected one spec file, got ${positionals.length}`, 'e.g. hyperlab run experiments/mlp.hyperlab.json; see: hyperlab help run');
  }
  const timeoutMs = secondsOption(values.timeout, 'run', '--timeout');
  const startTimeoutMs = secondsOption(values['start-timeout'], 'run', '--start-timeout') ?? DEFAULT_START_TIMEOUT_S * 1000;
  const storeWaitMs = secondsOption(values['store-wait'], 'run', '--store-wait');
  const specPath = path.resolve(io.cwd, positionals[0]!);
  const assignments = values.set ?? [];
  const limits = { helloTimeoutMs: startTimeoutMs, ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(storeWaitMs === undefined ? {} : { storeBusyGiveUpMs: storeWaitMs }) };
  const text = readSpecText(specPath);
  if (isProducerSpecText(text)) {
    if (producerBackend(text) === 'slurm' && timeoutMs !== undefined) throw timeoutOnSlurm(true);
    return runScriptSpec({ specPath, text, assignments, json: values.json === true, detach: values.detach === true, db: values.db, ...limits }, io);
  }
  const spec = loadSpec(specPath, assignments, text);
  const argv = engineCommand(io.env, io.programDir);
  if (spec.execution?.backend === 'slurm') {
    if (timeoutMs !== undefined) throw timeoutOnSlurm(false);
    const overrides: Params = Object.fromEntries(assignments.map(parseOverride)) as Params;
    const name = autoRunName(overrides);
    return runOnSlurm({
      dbPath: resolveDb(values.db, io.cwd), execution: spec.execution, plainCommand: false, detach: values.detach === true, json: values.json === true,
      run: { experiment: specExperiment(spec.name, specPath), specPath, params: flattenSpec(spec) as Params, ...(name ? { name } : {}) },
      command: { argv, cwd: path.dirname(specPath), env: io.env },
      start: { spec: spec as unknown as Params, overrides, seed: spec.train.seed },
    }, io);
  }
  if (values.detach) throw usageError('hyperlab run: --detach is for runs that train on a cluster (execution.backend "slurm"); a local run ends with this command', 'Set "execution": {"backend": "slurm"} in the spec, or leave --detach out.');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const experiment = specExperiment(spec.name, specPath);
    const overrides: Params = Object.fromEntries(assignments.map(parseOverride)) as Params;
    const name = autoRunName(overrides);
    const record = store.createRun({ experiment, specPath, params: flattenSpec(spec) as Params, ...(name ? { name } : {}) });
    const handle = startRun({
      store, runId: record.id, logger: stderrLogger(io),
      command: { argv, cwd: path.dirname(specPath), env: io.env, ownProcessGroup: true },
      start: { spec: spec as unknown as Params, overrides, seed: spec.train.seed },
      limits: { helloTimeoutMs: limits.helloTimeoutMs, ...(storeWaitMs === undefined ? {} : { storeBusyGiveUpMs: storeWaitMs }) },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const outcome = await followRun(io, handle, record.id, false);
    reportOutcome(io, { runId: record.id, run: store.getRun(record.id), experiment, outcome, json: values.json === true });
    // The run has ended and is reported; the store stays open until its artifacts' hashes are in.
    await handle.artifactsHashed;
    return exitCodeOf(outcome);
  } finally {
    store.close();
  }
}

/** A producer spec's --set changes its script's config only, so its time limit is changed in the file. */
function timeoutOnSlurm(producerSpec: boolean) {
  return usageError('hyperlab run: --timeout does not apply to a SLURM run', producerSpec
    ? 'Set execution.time in the spec file (SLURM ends the job TIMEOUT past it), e.g. "execution": {"backend": "slurm", "time": "30"}'
    : 'Set execution.time in the spec (SLURM ends the job TIMEOUT past it), e.g. --set execution.time=30');
}
