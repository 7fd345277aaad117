// The Sweep dashboard's view of a stored sweep: its record, its trials (runs) with the values the
// sampler was told and the per-epoch curves the pruner saw, read with the sweep runtime's own
// rules (objective.ts), so the panel shows what the driver decided on.
import type { SearchConfig } from '../search/types.ts';
import type { Store, Sweep } from '../store/types.ts';
import { intermediateValues, objectiveValue } from '../sweep/objective.ts';
import type { SweepInfo, SweepParamValue, SweepView } from './contract.ts';
import { buildSweepView, type TrialInput } from './sweep-data.ts';

export function loadSweepView(store: Store, sweepId: number): SweepView | null {
  const sweep = store.sweeps.get(sweepId);
  if (!sweep) return null;
  const config = sweep.config as unknown as SearchConfig;
  const runs = new Map(store.listRuns({ sweepId, limit: 100_000 }).map((run) => [run.id, run]));
  const inputs: TrialInput[] = store.sweeps.trials(sweepId).flatMap((trial) => {
    const run = runs.get(trial.runId);
    if (!run) return [];
    const values = intermediateValues(store, trial.runId, config.objective.metric);
    return [{
      run,
      number: trial.number,
      params: trial.params as { [path: string]: SweepParamValue },
      value: run.status === 'finished' ? objectiveValue(values, config.objective) : null,
      intermediate: { xs: values.map((v) => v.step), ys: values.map((v) => v.value) },
    }];
  });
  const { search: _search, ...spec } = (sweep.spec ?? {}) as { [key: string]: unknown };
  return buildSweepView({
    info: sweepInfo(sweep, config, epochsOf(sweep)),
    space: config.space.map((p) => ({ path: p.path, log: p.dist.type === 'loguniform' || (p.dist.type === 'int' && p.dist.log) })),
    spec: sweep.spec ? spec : null,
  }, inputs);
}

export function sweepInfo(sweep: Sweep, config: SearchConfig, epochs: number | null): SweepInfo {
  const objective = config.objective;
  return {
    id: sweep.id, name: sweep.name, experimentName: sweep.experimentName, method: config.method,
    pruner: config.pruner.kind === 'none' ? null : config.pruner.kind, status: sweep.status,
    objective: { metric: objective.metric, direction: objective.direction, value: objective.value === 'epoch' ? `at epoch ${objective.epoch}` : objective.value },
    budgetTrials: sweep.budgetTrials, parallelism: sweep.parallelism, createdAt: sweep.createdAt, endedAt: sweep.endedAt,
    rungs: config.pruner.kind === 'asha' ? ashaRungs(config.pruner, epochs ?? 0) : [], resource: 'epoch',
  };
}

/** ASHA's rungs up to the trials' last epoch: minResource·η^(s + k), k = 0, 1, … */
export function ashaRungs(pruner: SearchConfig['pruner'], maxResource: number): number[] {
  const rungs: number[] = [];
  if (!(pruner.minResource > 0) || !(pruner.reductionFactor > 1)) return rungs;
  for (let k = 0; ; k++) {
    const at = pruner.minResource * pruner.reductionFactor ** (pruner.minEarlyStoppingRate + k);
    if (at >= maxResource || rungs.length >= 20) return rungs;
    rungs.push(at);
  }
}

function epochsOf(sweep: Sweep): number | null {
  const train = (sweep.spec as { train?: { epochs?: unknown } } | null)?.train;
  return typeof train?.epochs === 'number' ? train.epochs : null;
}
