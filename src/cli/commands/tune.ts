// `hyperlab tune lr-range|overfit|babysit SPEC`: tuning by hand, each step an ordinary run or
// sweep in the store (so the Run Explorer, `runs show` and `sweeps show` see it).
import path from 'node:path';
import type { Params } from '../../core/protocol/messages.ts';
import { startRun } from '../../core/runner/index.ts';
import type { RunOutcome } from '../../core/runner/types.ts';
import { flattenSpec, specExperiment, type Spec } from '../../core/spec/index.ts';
import type { Store } from '../../core/store/types.ts';
import { SweepDriver, createSweep, type SweepOutcome } from '../../core/sweep/index.ts';
import { OVERFIT_TARGET, fineGrid, logGrid, lrGridSpec, overfitSpec, type BabysitStep } from '../../core/sweep/tuning.ts';
import { formatNumber } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { engineCommand } from './engine-command.ts';
import { loadSpec, stderrLogger } from './run-support.ts';

const TASK_ENV = 'HYPERLAB_TASK';
const COMMON = { ...DB_OPTION, json: { type: 'boolean' }, set: { type: 'string', multiple: true } } as const;

function specArg(command: string, positionals: string[], io: CliIO, set: string[] | undefined): { spec: Spec; specPath: string; experiment: string } {
  if (positionals.length !== 1) throw usageError(`hyperlab ${command}: expected one spec file, got ${positionals.length}`, `e.g. hyperlab ${command} media/templates/fashion-mnist-mlp.hyperlab.json`);
  const specPath = path.resolve(io.cwd, positionals[0]!);
  const spec = loadSpec(specPath, set ?? []);
  return { spec, specPath, experiment: specExperiment(spec.name, specPath) };
}

function positive(text: string | undefined, fallback: number, name: string, command: string, integer = true): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw usageError(`hyperlab ${command}: ${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`, `See: hyperlab help ${command}`);
  return value;
}

/** One engine run of `spec` in the store, Ctrl-C stopping it. */
async function runOnce(store: Store, io: CliIO, spec: Spec, specPath: string, experiment: string, name: string, env: NodeJS.ProcessEnv): Promise<{ runId: number; outcome: RunOutcome }> {
  const record = store.createRun({ experiment, name, specPath, params: flattenSpec(spec) as Params });
  const handle = startRun({
    store, runId: record.id, logger: stderrLogger(io),
    command: { argv: engineCommand(io.env, io.programDir), cwd: path.dirname(specPath), env, ownProcessGroup: true },
    start: { spec: spec as unknown as Params, overrides: {}, seed: spec.train.seed },
  });
  io.stderr(`run ${record.id} (${name}) started\n`);
  const unregister = io.onInterrupt(() => handle.stop('interrupted (Ctrl-C)'));
  const outcome = await handle.done.finally(unregister);
  return { runId: record.id, outcome };
}

export async function tuneLrRange(args: string[], io: CliIO): Promise<ExitCode> {
  const options = { ...COMMON, min: { type: 'string' }, max: { type: 'string' }, steps: { type: 'string' } } as const;
  const { values, positionals } = parseCommandArgs('tune lr-range', args, options);
  const { spec, specPath, experiment } = specArg('tune lr-range', positionals, io, values.set);
  const task = {
    kind: 'lr-range', minLr: positive(values.min, 1e-6, '--min', 'tune lr-range', false), maxLr: positive(values.max, 1, '--max', 'tune lr-range', false),
    steps: positive(values.steps, 200, '--steps', 'tune lr-range'),
  };
  if (task.minLr >= task.maxLr) throw usageError(`hyperlab tune lr-range: --min (${task.minLr}) must be below --max (${task.maxLr})`, 'e.g. --min 1e-6 --max 1');
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const { runId, outcome } = await runOnce(store, io, spec, specPath, experiment, 'lr-range', { ...io.env, [TASK_ENV]: JSON.stringify(task) });
    const summary = outcome.summary ?? {};
    if (values.json) {
      io.stdout(toJson({ runId, status: outcome.status, reason: outcome.reason, summary }) + '\n');
    } else {
      io.stdout(`LR range test, run ${runId} (${experiment}): ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}\n`);
      const lrs = store.points(runId, 'lr_range.lr');
      const smoothed = store.points(runId, 'lr_range.smoothed');
      if (lrs.length > 0) {
        io.stdout(`  ${lrs.length} steps, lr ${formatNumber(lrs[0]!.value)} → ${formatNumber(lrs[lrs.length - 1]!.value)}${summary['ended'] === 'diverged' ? ' (ended when the loss exploded)' : ''}\n`);
        const every = Math.max(1, Math.floor(lrs.length / 10));
        for (let i = 0; i < lrs.length; i += every) io.stdout(`    lr ${formatNumber(lrs[i]!.value).padEnd(11)} smoothed loss ${formatNumber(smoothed[i]?.value)}\n`);
      }
      if (typeof summary['suggestedLow'] === 'number' && typeof summary['suggestedHigh'] === 'number') {
        io.stdout(`  suggested learning rates: ${formatNumber(summary['suggestedLow'])} … ${formatNumber(summary['suggestedHigh'])}\n`);
        io.stdout(`  rule: ${String(summary['rule'])} (steepest ${formatNumber(summary['steepestLr'] as number | null)}, minimum at ${formatNumber(summary['minLossLr'] as number | null)})\n`);
      } else {
        io.stdout('  no suggestion: too few steps ran\n');
      }
      io.stdout(`  the curve is stored as metrics lr_range.lr, lr_range.loss, lr_range.smoothed: hyperlab runs show ${runId}\n`);
    }
    return outcome.status === 'finished' && typeof summary['suggestedLow'] === 'number' ? EXIT.ok : EXIT.failure;
  } finally {
    store.close();
  }
}

export async function tuneOverfit(args: string[], io: CliIO): Promise<ExitCode> {
  const options = { ...COMMON, samples: { type: 'string' }, epochs: { type: 'string' } } as const;
  const { values, positionals } = parseCommandArgs('tune overfit', args, options);
  const { spec, specPath, experiment } = specArg('tune overfit', positionals, io, values.set);
  const samples = positive(values.samples, 100, '--samples', 'tune overfit');
  const epochs = positive(values.epochs, 50, '--epochs', 'tune overfit');
  const tiny = overfitSpec(spec, { samples, epochs });
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const { runId, outcome } = await runOnce(store, io, tiny, specPath, experiment, 'overfit-check', io.env);
    const reached = typeof outcome.summary?.['train.acc'] === 'number' ? (outcome.summary['train.acc'] as number) : null;
    const passed = outcome.status === 'finished' && reached !== null && reached >= OVERFIT_TARGET;
    const verdict = passed
      ? `passed: training accuracy ${(100 * reached!).toFixed(1)}% on ${samples} samples after ${epochs} epochs (≥ ${100 * OVERFIT_TARGET}%): the model can learn`
      : `failed: training accuracy ${reached === null ? 'not reached (the run ' + outcome.status + (outcome.reason ? `: ${outcome.reason}` : '') + ')' : `${(100 * reached).toFixed(1)}%`} on ${samples} samples after ${epochs} epochs, below ${100 * OVERFIT_TARGET}%: your model or pipeline has a bug (or the learning rate ${spec.train.optimizer.lr} cannot train it: check it, the loss, the labels and the data normalization)`;
    if (values.json) io.stdout(toJson({ runId, passed, trainAcc: reached, samples, epochs, status: outcome.status, reason: outcome.reason }) + '\n');
    else io.stdout(`Overfit check, run ${runId} (${experiment}): ${verdict}\n  regularization was off (dropout, weight decay, L1/L2, noise, augmentation, early stopping)\n`);
    return passed ? EXIT.ok : EXIT.failure;
  } finally {
    store.close();
  }
}

export async function tuneBabysit(args: string[], io: CliIO): Promise<ExitCode> {
  const options = {
    ...COMMON, coarse: { type: 'string' }, fine: { type: 'string' }, 'epochs-coarse': { type: 'string' }, 'epochs-fine': { type: 'string' },
    parallelism: { type: 'string' },
  } as const;
  const { values, positionals } = parseCommandArgs('tune babysit', args, options);
  const { spec, specPath } = specArg('tune babysit', positionals, io, values.set);
  const coarse: BabysitStep = { name: 'babysit-coarse', epochs: positive(values['epochs-coarse'], 1, '--epochs-coarse', 'tune babysit'), lrs: logGrid(1e-5, 1e-1, positive(values.coarse, 5, '--coarse', 'tune babysit')) };
  const fineCount = positive(values.fine, 5, '--fine', 'tune babysit');
  const fineEpochs = positive(values['epochs-fine'], 3, '--epochs-fine', 'tune babysit');
  const parallelism = positive(values.parallelism, 1, '--parallelism', 'tune babysit');
  const searched = spec.search?.['objective'] as { metric?: string; direction?: 'min' | 'max' } | undefined;
  const objective = { metric: searched?.metric ?? 'val.acc', direction: searched?.direction ?? (searched?.metric?.endsWith('loss') ? 'min' : 'max') } as const;
  const store = openForWriting(resolveDb(values.db, io.cwd));
  try {
    const steps: { step: BabysitStep; outcome: SweepOutcome }[] = [];
    io.stderr(`babysitting: regularization off; step 1: ${coarse.lrs.length} learning rates log-spaced over 1e-5 … 1e-1, ${coarse.epochs} epoch(s) each\n`);
    const first = await runStep(store, io, spec, specPath, coarse, objective, parallelism);
    steps.push({ step: coarse, outcome: first });
    if (first.status === 'finished' && first.best) {
      const bestLr = first.best.params['train.optimizer.lr'] as number;
      const fine: BabysitStep = { name: 'babysit-fine', epochs: fineEpochs, lrs: fineGrid(bestLr, fineCount) };
      io.stderr(`babysitting: step 2: ${fine.lrs.length} learning rates linearly spaced over ${formatNumber(fine.lrs[0])} … ${formatNumber(fine.lrs[fine.lrs.length - 1])} around ${formatNumber(bestLr)}, ${fine.epochs} epochs each\n`);
      steps.push({ step: fine, outcome: await runStep(store, io, spec, specPath, fine, objective, parallelism) });
    }
    const last = steps[steps.length - 1]!;
    const done = steps.length === 2 && last.outcome.status === 'finished';
    if (values.json) {
      io.stdout(toJson({ objective, steps: steps.map(({ step, outcome }) => ({ ...step, sweepId: outcome.sweepId, status: outcome.status, best: outcome.best })) }) + '\n');
    } else {
      for (const [i, { step, outcome }] of steps.entries()) {
        io.stdout(`Step ${i + 1} (${step.name}, sweep ${outcome.sweepId}, ${step.epochs} epoch(s)): ${outcome.status}; best lr ${formatNumber(outcome.best?.params['train.optimizer.lr'] as number | undefined)} with ${objective.metric} ${formatNumber(outcome.best?.value)}\n`);
      }
      if (done) io.stdout(`Learning rate to use: ${formatNumber(last.outcome.best!.params['train.optimizer.lr'] as number)} (then turn regularization back on and tune it)\n`);
    }
    return done ? EXIT.ok : EXIT.failure;
  } finally {
    store.close();
  }
}

async function runStep(store: Store, io: CliIO, spec: Spec, specPath: string, step: BabysitStep, objective: { metric: string; direction: 'min' | 'max' }, parallelism: number): Promise<SweepOutcome> {
  const stepSpec = lrGridSpec(spec, step, objective, parallelism);
  const sweep = createSweep(store, { spec: stepSpec, specPath, experiment: stepSpec.name!, name: step.name });
  const driver = new SweepDriver({ store, sweepId: sweep.id, command: { argv: engineCommand(io.env, io.programDir), env: io.env }, logger: stderrLogger(io) });
  driver.on('trial-ended', (e) => io.stderr(`sweep ${sweep.id}: trial ${e.number} ${e.status}${e.value !== null ? `: ${objective.metric} ${formatNumber(e.value)}` : ''}\n`));
  driver.on('trial-started', (e) => io.stderr(`sweep ${sweep.id}: trial ${e.number} started (run ${e.runId}): lr ${formatNumber(e.params['train.optimizer.lr'] as number)}\n`));
  const unregister = io.onInterrupt(() => driver.stop('interrupted (Ctrl-C)'));
  try {
    return await driver.run();
  } finally {
    unregister();
  }
}
