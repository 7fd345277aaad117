// `node test/bench/search/same-history.ts`: is our TPE the same algorithm as Optuna's, or only
// similar? Two checks on Hartmann-6, each side run with 80 seeds:
//   1. one step: both samplers get the same history (30 random trials, then 40 of our TPE's
//      trials) and suggest once per seed; the mean and median objective of the suggestions;
//   2. whole runs of 50 trials: the median best value, with four times the benchmark's seeds.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createSampler } from '../../../src/core/search/factory.ts';
import type { TrialRecord } from '../../../src/core/search/types.ts';
import { configFor, median } from '../../unit/search/helpers.ts';
import { FUNCTIONS } from './functions.ts';
import { findOptuna } from './optuna.ts';

const SEEDS = Array.from({ length: 80 }, (_, i) => i);
const fn = FUNCTIONS.find((f) => f.name === 'Hartmann-6')!;

function history(method: 'random' | 'tpe', trials: number): TrialRecord[] {
  const sampler = createSampler(configFor(method, fn.space, 3));
  const out: TrialRecord[] = [];
  for (let i = 0; i < trials; i++) {
    const params = sampler.ask(out);
    out.push({ number: i, params, state: 'complete', value: fn.truth(params), intermediate: [] });
  }
  return out;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const optuna = findOptuna((line) => console.log(`optuna: ${line}`));
const histories = { 'after 30 random trials': history('random', 30), 'after 40 TPE trials': history('tpe', 40) };
const oursOneStep = Object.fromEntries(Object.entries(histories).map(([name, h]) =>
  [name, SEEDS.map((seed) => fn.truth(createSampler(configFor('tpe', fn.space, seed)).ask(h)))]));
const oursRuns = SEEDS.map((seed) => {
  const h: TrialRecord[] = [];
  const sampler = createSampler(configFor('tpe', fn.space, seed));
  for (let i = 0; i < 50; i++) {
    const params = sampler.ask(h);
    h.push({ number: i, params, state: 'complete', value: fn.truth(params), intermediate: [] });
  }
  return Math.min(...h.map((t) => t.value!));
});

const python = `
import json, sys, warnings, optuna
warnings.filterwarnings("ignore"); optuna.logging.set_verbosity(optuna.logging.WARNING)
sys.path.insert(0, ${JSON.stringify(import.meta.dirname)})
from optuna_side import hartmann6
job = json.load(sys.stdin)
dists = {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(6)}
one_step = {}
for name, hist in job["histories"].items():
    values = []
    for seed in job["seeds"]:
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        for t in hist:
            study.add_trial(optuna.trial.create_trial(params=t["params"], distributions=dists, value=t["value"]))
        trial = study.ask()
        values.append(hartmann6([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)]))
    one_step[name] = values
runs = []
for seed in job["seeds"]:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda t: hartmann6([t.suggest_float(f"x{i}", 0, 1) for i in range(6)]), n_trials=50)
    runs.append(study.best_value)
json.dump({"oneStep": one_step, "runs": runs}, sys.stdout)
`;

console.log(`Hartmann-6, ${SEEDS.length} seeds per side${optuna ? `, Optuna ${optuna.version} (${optuna.source})` : ''}`);
let theirs: { oneStep: Record<string, number[]>; runs: number[] } | null = null;
if (optuna) {
  const result = spawnSync(optuna.python, ['-c', python], { input: JSON.stringify({ histories, seeds: SEEDS }), encoding: 'utf8', maxBuffer: 1 << 28, cwd: path.dirname(import.meta.filename) });
  if (result.status !== 0) throw new Error(result.stderr);
  theirs = JSON.parse(result.stdout);
}
for (const name of Object.keys(histories)) {
  const o = oursOneStep[name]!;
  const t = theirs?.oneStep[name];
  console.log(`one suggestion ${name}: Hyperlab mean ${mean(o).toFixed(3)} median ${median(o).toFixed(3)}` + (t ? ` | Optuna mean ${mean(t).toFixed(3)} median ${median(t).toFixed(3)}` : ''));
}
console.log(`best of 50 trials: Hyperlab median ${median(oursRuns).toFixed(3)}` + (theirs ? ` | Optuna median ${median(theirs.runs).toFixed(3)}` : ''));
