// `hyperlab sweep SPEC` / `hyperlab sweep --resume ID`: run a hyperparameter search through the
// sweep driver, one progress line per event on stderr, the best trial on stdout. Ctrl-C stops
// the trials and leaves the sweep resumable. `hyperlab sweep stop ID` stops one from elsewhere.
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';
import type { Params } from '../../core/search/types.ts';
import { isProducerSpec, parseProducerSpec, producerConfig, resolveProducerOverrides, specExecution, specExperiment, type ExecutionSpec, type ProducerSpec } from '../../core/spec/index.ts';
import type { Store } from '../../core/store/types.ts';
import { SweepDriver, createSweep, requestSweepStop, type BestTrial, type SweepOutcome } from '../../core/sweep/index.ts';
import { formatNumber, formatValue } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { engineCommand } from './engine-command.ts';
import { bundledClient } from './run-support.ts';
import { isProducerSpecText, loadSpec, readSpecText, stderrLogger } from './run-support.ts';
import { slurmExecutor } from './cluster.ts';

const OPTIONS = {
  ...DB_OPTION, json: { type: 'boolean' }, set: { type: 'string', multiple: true },
  trials: { type: 'string' }, parallelism: { type: 'string' }, resume: { type: 'string' },
} as const;

export async function sweep(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('sweep', args, OPTIONS);
  const trials = values.trials === undefined ? undefined : parseCount(values.trials, '--trials');
  const parallelism = values.parallelism === undefined ? undefined : parseCount(values.parallelism, '--parallelism');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    let sweepId: number;
    if (values.resume !== undefined) {
      if (positionals.length > 0 || values.set) throw usageError('hyperlab sweep --resume ID: takes no spec and no --set (the sweep keeps its own)', 'e.g. hyperlab sweep --resume 3 [--trials N] [--parallelism N]');
      sweepId = parseSweepId(values.resume, 'sweep --resume');
      const existing = store.sweeps.get(sweepId);
      if (!existing) throw new HyperlabError('RUN_NOT_FOUND', `there is no sweep with id ${sweepId}`, 'List sweeps with: hyperlab sweeps ls');
      if (trials !== undefined || parallelism !== undefined) {
        store.sweeps.update(sweepId, { ...(trials !== undefined ? { budgetTrials: trials } : {}), ...(parallelism !== undefined ? { parallelism } : {}) });
      }
    } else {
      if (positionals.length !== 1) throw usageError(`hyperlab sweep: expected one spec file, got ${positionals.length}`, 'e.g. hyperlab sweep media/templates/fashion-mnist-grid.hyperlab.json; see: hyperlab help sweep');
      const specPath = path.resolve(io.cwd, positionals[0]!);
      const text = readSpecText(specPath);
      const spec = isProducerSpecText(text) ? scriptSpec(text, values.set ?? []) : loadSpec(specPath, values.set ?? [], text);
      const experiment = specExperiment(spec.name, specPath);
      // A SLURM sweep's configuration is checked before the sweep exists (nothing submitted if SLURM refuses it).
      const execution = 'hyperlab' in spec ? spec.hyperlab['execution'] as unknown as ExecutionSpec | undefined : spec.execution;
      if (execution?.backend === 'slurm') await slurmExecutor(store, execution, io, stderrLogger(io)).preflight(path.dirname(specPath));
      sweepId = createSweep(store, { spec, specPath, experiment, ...(trials !== undefined ? { trials } : {}), ...(parallelism !== undefined ? { parallelism } : {}) }).id;
    }
    const outcome = await drive(store, sweepId, io, values.json === true);
    if (values.json) {
      io.stdout(toJson({ sweep: store.sweeps.get(sweepId), outcome }) + '\n');
    } else {
      printOutcome(store, outcome, io);
    }
    return outcome.status === 'finished' ? EXIT.ok : EXIT.failure;
  } finally {
    store.close();
  }
}

async function drive(store: Store, sweepId: number, io: CliIO, json: boolean): Promise<SweepOutcome> {
  // A spec with a producer section runs its own script in every trial: no engine needed.
  const stored = store.sweeps.get(sweepId)!;
  const script = isProducerSpec(stored.spec);
  const argv = script ? [] : engineCommand(io.env, io.programDir);
  const execution = stored.spec === null ? undefined : specExecution(stored.spec);
  // On SLURM every trial is a job: the sweep's parallelism is the jobs in flight, a pruned trial is scancelled.
  const executor = execution?.backend === 'slurm' ? slurmExecutor(store, execution, io, stderrLogger(io)) : undefined;
  const driver = new SweepDriver({ store, sweepId, command: { argv, env: io.env }, clientDir: bundledClient(io.programDir), logger: stderrLogger(io), ...(executor ? { executor } : {}) });
  const objective = (store.sweeps.get(sweepId)!.config['objective'] as { metric?: string } | undefined)?.metric ?? 'objective';
  const say = (text: string) => io.stderr(`sweep ${sweepId}: ${text}\n`);
  const budget = store.sweeps.get(sweepId)!.budgetTrials;
  const endedCount = () => Object.entries(store.sweeps.get(sweepId)?.trialCounts ?? {})
    .reduce((sum, [status, n]) => sum + (status === 'queued' || status === 'running' ? 0 : n), 0);
  driver.on('trial-started', (e) => say(`trial ${e.number} started (run ${e.runId})${e.segment > 0 ? ` from epoch ${e.segment}` : ''}: ${params(e.params)}`));
  driver.on('trial-report', (e) => { if (!json) say(`trial ${e.number} epoch ${e.step}: ${objective} ${formatNumber(e.value)}`); });
  driver.on('trial-pruned', (e) => say(`trial ${e.number} pruned after epoch ${e.step}: ${e.reason}`));
  driver.on('trial-requeued', (e) => say(`trial ${e.number} (run ${e.runId}) re-queued: ${e.reason}`));
  driver.on('pbt-exploit', (e) => say(`member ${e.number} copies member ${e.source} after epoch ${e.epoch}: ${params(e.params)}`));
  driver.on('trial-ended', (e) => {
    const ended = endedCount();
    const count = budget !== null ? `${ended}/${budget}` : `${ended}`;
    say(`trial ${e.number} ${e.status}${e.value !== null ? `: ${objective} ${formatNumber(e.value)}` : e.reason ? ` (${e.reason})` : ''} [${count} ended] · best ${bestText(e.best, objective)}`);
  });
  let interrupts = 0;
  let detach!: (outcome: SweepOutcome) => void;
  const detached = new Promise<SweepOutcome>((resolve) => { detach = resolve; });
  const unregister = io.onInterrupt((signal) => {
    if (executor && signal !== 'SIGINT') {
      // The terminal closed or the driver was killed: its jobs go on; --resume follows them again.
      say(`detached: the trials' SLURM jobs keep running; pick the sweep up with: hyperlab sweep --resume ${sweepId}`);
      detach({ sweepId, status: 'running', reason: `detached (${signal})`, trials: 0, byStatus: {}, best: null, elapsedMs: 0 });
      return;
    }
    interrupts++;
    if (interrupts === 1) {
      say(`stopping: the running trials are stopped and re-queued; resume with: hyperlab sweep --resume ${sweepId} (Ctrl-C again does not speed this up)`);
      driver.stop(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `stopped: the hyperlab command received ${signal}`);
    }
  });
  const existing = store.sweeps.get(sweepId)!;
  say(`${existing.status === 'created' ? 'started' : 'resumed'} (${String(existing.config['method'])}, parallelism ${existing.parallelism}, budget ${existing.budgetTrials ?? '-'} trials${existing.budgetSeconds !== null ? `, ${existing.budgetSeconds} s` : ''})`);
  try {
    return await Promise.race([driver.run(), detached]);
  } finally {
    unregister();
    executor?.close();
  }
}

function printOutcome(store: Store, outcome: SweepOutcome, io: CliIO): void {
  const sweep = store.sweeps.get(outcome.sweepId)!;
  const objective = sweep.config['objective'] as { metric: string; direction: string };
  const counts = Object.entries(outcome.byStatus).map(([status, n]) => `${n} ${status}`).join(', ');
  io.stdout(`Sweep ${sweep.id} (${sweep.experimentName}) ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}\n`);
  io.stdout(`  ${outcome.trials} trials (${counts || 'none'}) in ${(outcome.elapsedMs / 1000).toFixed(1)} s\n`);
  if (outcome.best) {
    io.stdout(`  best: trial ${outcome.best.number} (run ${outcome.best.runId}) ${objective.metric} ${formatNumber(outcome.best.value)} (${objective.direction})\n`);
    io.stdout(`  params: ${params(outcome.best.params)}\n`);
  }
  if (outcome.status === 'stopped') io.stdout(`  resume with: hyperlab sweep --resume ${sweep.id}\n`);
  io.stdout(`  details: hyperlab sweeps show ${sweep.id}\n`);
}

export function params(values: Params): string {
  return Object.entries(values).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
}

function bestText(best: BestTrial | null, metric: string): string {
  return best ? `trial ${best.number} ${metric} ${formatNumber(best.value)}` : '-';
}

function parseCount(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`hyperlab sweep: ${name} must be an integer ≥ 1, got "${text}"`, `e.g. ${name} 4`);
  return value;
}

export function parseSweepId(text: string | undefined, command: string): number {
  if (text === undefined) throw usageError(`hyperlab ${command}: missing sweep ID`, 'List sweep ids with: hyperlab sweeps ls');
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) throw usageError(`hyperlab ${command}: "${text}" is not a sweep ID (a positive integer)`, 'List sweep ids with: hyperlab sweeps ls');
  return id;
}

export function sweepStop(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('sweep stop', args, { ...DB_OPTION });
  if (positionals.length !== 1) throw usageError('hyperlab sweep stop: expected one sweep ID', 'e.g. hyperlab sweep stop 3');
  const sweepId = parseSweepId(positionals[0], 'sweep stop');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const before = store.sweeps.get(sweepId);
    if (before?.status === 'finished') {
      io.stdout(`Sweep ${sweepId} has finished already.\n`);
      return EXIT.ok;
    }
    const { driverAlive } = requestSweepStop(store, sweepId, 'stopped with `hyperlab sweep stop`');
    io.stdout(driverAlive
      ? `Sweep ${sweepId}: asked its driver (process ${before?.ownerPid}) to stop; its running trials are re-queued. Resume with: hyperlab sweep --resume ${sweepId}\n`
      : `Sweep ${sweepId} stopped (no driver was running it). Resume with: hyperlab sweep --resume ${sweepId}\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

/** A producer spec with --set written into the script's config, which every trial starts from. */
function scriptSpec(text: string, assignments: readonly string[]): ProducerSpec {
  const spec = parseProducerSpec(text);
  return { ...spec, config: producerConfig(spec, resolveProducerOverrides(spec, assignments)) };
}
