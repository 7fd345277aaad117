// What the engine process does besides training a spec: HYPERLAB_TASK (JSON in the environment,
// set by `hyperlab tune lr-range`) names the task and its options, so the host's ordinary runner
// (store, stop, logs) carries it like any run.
import { HyperlabError } from '../../core/errors.ts';
import type { Params } from '../../core/protocol/messages.ts';
import type { Spec } from '../../core/spec/types.ts';
import { loadData } from '../data/load.ts';
import { engineKernels } from '../kernels/select.ts';
import { LR_RANGE_DEFAULTS, lrRangeTest, type LrRangeOptions } from './lr-range.ts';
import type { TrainControl, TrainReporter } from './reporter.ts';
import { withModelShape } from './run.ts';

export const TASK_ENV = 'HYPERLAB_TASK';

export type EngineTask = { kind: 'lr-range'; options: LrRangeOptions };

export function parseTask(text: string | undefined): EngineTask | null {
  if (text === undefined || text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HyperlabError('USAGE', `${TASK_ENV} is not valid JSON: ${(error as Error).message}`, 'e.g. {"kind":"lr-range","minLr":1e-6,"maxLr":1,"steps":200}');
  }
  const task = raw as { kind?: unknown; minLr?: unknown; maxLr?: unknown; steps?: unknown };
  if (task.kind !== 'lr-range') throw new HyperlabError('USAGE', `${TASK_ENV}: unknown kind ${JSON.stringify(task.kind)}`, 'The engine knows the task "lr-range".');
  const options = { ...LR_RANGE_DEFAULTS };
  for (const key of ['minLr', 'maxLr', 'steps'] as const) {
    const value = task[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || (key === 'steps' && !Number.isInteger(value))) {
      throw new HyperlabError('USAGE', `${TASK_ENV}.${key}: expected a positive ${key === 'steps' ? 'integer' : 'number'}, got ${JSON.stringify(value)}`, 'e.g. minLr 1e-6, maxLr 1, steps 200.');
    }
    options[key] = value;
  }
  if (options.minLr >= options.maxLr) throw new HyperlabError('USAGE', `${TASK_ENV}: minLr (${options.minLr}) must be below maxLr (${options.maxLr})`, 'e.g. minLr 1e-6, maxLr 1.');
  return { kind: 'lr-range', options };
}

export async function runTask(task: EngineTask, spec: Spec, specDir: string, reporter: TrainReporter, control: TrainControl): Promise<{ summary: Params; diverged: boolean }> {
  const data = withModelShape(await loadData(spec.data, { specDir, seed: spec.train.seed }), spec);
  const kernels = engineKernels({ warn: (message) => reporter.log('warn', message) });
  const result = await lrRangeTest(spec, data, task.options, reporter, control, kernels);
  const summary: Params = {
    task: 'lr-range', ended: result.ended, steps: result.points.length, minLr: task.options.minLr, maxLr: task.options.maxLr,
    steepestLr: result.steepestLr, minLossLr: result.minLossLr, minLoss: result.minLoss,
    suggestedLow: result.suggested?.low ?? null, suggestedHigh: result.suggested?.high ?? null, rule: result.rule,
  };
  reporter.log('info', result.suggested
    ? `LR range test: suggested ${result.suggested.low.toExponential(2)} … ${result.suggested.high.toExponential(2)} (${result.rule})`
    : 'LR range test: too few points for a suggestion');
  // An explosion is what ends a range test: the run still finished its job.
  return { summary, diverged: false };
}
