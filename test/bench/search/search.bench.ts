// `npm run bench:search`: Hyperlab's random and TPE samplers against Optuna's on Branin,
// Hartmann-6, Rosenbrock-10D and a noisy Hartmann-6 (budgets 50 and 200, 20 seeds each: the
// 50-trial result is the first 50 trials of the 200-trial run, as a sequential sampler's would be),
// then ASHA against Optuna's SuccessiveHalvingPruner on simulated learning curves. Prints median
// and quartiles of the best value found (the noise-free value of the best observed trial) and of
// the wall time per suggestion, and the ratios ours / Optuna's.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createSampler } from '../../../src/core/search/factory.ts';
import { AshaPruner } from '../../../src/core/search/pruners/asha.ts';
import { SearchRng } from '../../../src/core/search/rng.ts';
import type { IntermediateValue, PrunerConfig, SearchConfig, TrialRecord } from '../../../src/core/search/types.ts';
import { configFor } from '../../unit/search/helpers.ts';
import { MAX_STEPS, simulateCurves } from './curves.ts';
import { FUNCTIONS } from './functions.ts';
import { findOptuna } from './optuna.ts';

const SEEDS = Array.from({ length: Number(process.env['BENCH_SEEDS'] ?? 20) }, (_, i) => i);
const TRIALS = 200;
const CHECKPOINTS = [50, 200];
const METHODS = ['random', 'tpe'] as const;
const PRUNER_TRIALS = 60;
const ETA = 3;

type Run = { function: string; method: string; seed: number; best: Record<string, number>; times: number[] };

function quartiles(values: readonly number[]): [number, number, number] {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  };
  return [at(0.25), at(0.5), at(0.75)];
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a >= 1000 ? value.toFixed(0) : a >= 10 ? value.toFixed(2) : value.toFixed(3);
}

function cell(values: readonly number[]): string {
  const [q1, m, q3] = quartiles(values);
  return `${fmt(m)} [${fmt(q1)}, ${fmt(q3)}]`;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function runOurs(): Run[] {
  const runs: Run[] = [];
  for (const fn of FUNCTIONS) {
    for (const method of METHODS) {
      for (const seed of SEEDS) {
        const config: SearchConfig = configFor(method, fn.space, seed);
        const sampler = createSampler(config);
        const noise = new SearchRng(50_000 + seed);
        const history: TrialRecord[] = [];
        const times: number[] = [];
        const best: Record<string, number> = {};
        let bestObserved = Infinity;
        let bestTruth = Infinity;
        for (let n = 1; n <= TRIALS; n++) {
          const t0 = performance.now();
          const params = sampler.ask(history);
          times.push((performance.now() - t0) / 1000);
          const value = fn.observe(params, () => noise.normal());
          history.push({ number: n - 1, params, state: 'complete', value, intermediate: [] });
          if (value < bestObserved) {
            bestObserved = value;
            bestTruth = fn.truth(params);
          }
          if (CHECKPOINTS.includes(n)) best[String(n)] = bestTruth;
        }
        runs.push({ function: fn.name, method, seed, best, times });
      }
    }
  }
  return runs;
}

function runPython(python: string, job: object): { optuna: string; results: unknown[] } {
  const script = path.join(import.meta.dirname, 'optuna_side.py');
  const result = spawnSync(python, [script], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`the Optuna side failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { optuna: string; results: unknown[] };
}

type PrunerRun = { seed: number; steps: number; completed: number; best: number | null; times: number[] };

function runOurPruner(curvesBySeed: number[][][]): PrunerRun[] {
  const config: PrunerConfig = { kind: 'asha', startupTrials: 0, warmupSteps: 0, minResource: 1, reductionFactor: ETA, minEarlyStoppingRate: 0 };
  return SEEDS.map((seed, s) => {
    const pruner = new AshaPruner(config, 'min');
    const history: TrialRecord[] = [];
    let steps = 0;
    const finals: number[] = [];
    const times: number[] = [];
    curvesBySeed[s]!.forEach((curve, number) => {
      const intermediate: IntermediateValue[] = [];
      const trial: TrialRecord = { number, params: {}, state: 'running', value: null, intermediate };
      history.push(trial);
      for (let step = 1; step <= curve.length; step++) {
        intermediate.push({ step, value: curve[step - 1]! });
        steps++;
        const t0 = performance.now();
        const stop = pruner.shouldPrune(trial, history).prune;
        times.push((performance.now() - t0) / 1000);
        if (stop) {
          trial.state = 'pruned';
          return;
        }
      }
      trial.state = 'complete';
      trial.value = curve[curve.length - 1]!;
      finals.push(trial.value);
    });
    return { seed, steps, completed: finals.length, best: finals.length ? Math.min(...finals) : null, times };
  });
}

function main(): void {
  const started = Date.now();
  console.log(`search benchmark: ${SEEDS.length} seeds, budgets ${CHECKPOINTS.join(' and ')} trials, Node ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  const optuna = findOptuna((line) => console.log(`optuna: ${line}`));
  if (optuna) console.log(`optuna: using Optuna ${optuna.version} (${optuna.source}) with ${optuna.python}`);

  const ours = runOurs();
  const theirs = optuna
    ? (runPython(optuna.python, { mode: 'samplers', functions: FUNCTIONS.map((f) => f.name), methods: METHODS, seeds: SEEDS, trials: TRIALS, checkpoints: CHECKPOINTS }).results as Run[])
    : [];

  console.log('\nBest value found (the noise-free value of the best observed trial; lower is better): median [q1, q3] over seeds.');
  console.log('Time per suggestion: the mean wall time of one ask over the budget\'s trials, median [q1, q3] over seeds, in ms.\n');
  console.log('| Function | Trials | Sampler | Hyperlab best | Optuna best | Hyperlab ms/suggestion | Optuna ms/suggestion | time ours/Optuna |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const fn of FUNCTIONS) {
    for (const budget of CHECKPOINTS) {
      for (const method of METHODS) {
        const pick = (runs: Run[]): Run[] => runs.filter((r) => r.function === fn.name && r.method === method);
        const o = pick(ours);
        const t = pick(theirs);
        const oTime = o.map((r) => 1000 * mean(r.times.slice(0, budget)));
        const tTime = t.map((r) => 1000 * mean(r.times.slice(0, budget)));
        const ratio = t.length ? (quartiles(oTime)[1] / quartiles(tTime)[1]).toFixed(2) : '—';
        console.log(`| ${fn.name} | ${budget} | ${method === 'tpe' ? 'TPE' : 'random'} | ${cell(o.map((r) => r.best[String(budget)]!))} | ${t.length ? cell(t.map((r) => r.best[String(budget)]!)) : '—'} | ${cell(oTime)} | ${t.length ? cell(tTime) : '—'} | ${ratio} |`);
      }
    }
  }
  console.log('\nSuggestion time at 200 trials (mean of asks 151–200, median over seeds, ms):');
  for (const fn of FUNCTIONS) {
    const at200 = (runs: Run[]): string => {
      const r = runs.filter((x) => x.function === fn.name && x.method === 'tpe');
      return r.length ? fmt(quartiles(r.map((x) => 1000 * mean(x.times.slice(150, 200))))[1]) : '—';
    };
    console.log(`  ${fn.name}: Hyperlab TPE ${at200(ours)} ms, Optuna TPE ${at200(theirs)} ms`);
  }

  const curves = SEEDS.map((seed) => simulateCurves(seed, PRUNER_TRIALS));
  const ourPruner = runOurPruner(curves);
  const theirPruner = optuna ? (runPython(optuna.python, { mode: 'pruner', seeds: SEEDS, curves, minResource: 1, reductionFactor: ETA }).results as PrunerRun[]) : [];
  const truthBest = curves.map((set) => Math.min(...set.map((c) => c[c.length - 1]!)));
  console.log(`\nASHA vs Optuna's SuccessiveHalvingPruner (r = 1, η = ${ETA}, rungs at 1/3/9/27 steps): ${PRUNER_TRIALS} simulated learning curves of ${MAX_STEPS} steps per seed, the same curves in the same order for both; median [q1, q3] over seeds.\n`);
  console.log('| Pruner | Steps trained (of ' + PRUNER_TRIALS * MAX_STEPS + ') | Trials completed | Regret of the best completed (final − best final of all) | ms per decision |');
  console.log('|---|---:|---:|---:|---:|');
  const row = (name: string, runs: PrunerRun[]): void => {
    if (runs.length === 0) return;
    console.log(`| ${name} | ${cell(runs.map((r) => r.steps))} | ${cell(runs.map((r) => r.completed))} | ${cell(runs.map((r, i) => (r.best ?? Infinity) - truthBest[i]!))} | ${cell(runs.map((r) => 1000 * mean(r.times)))} |`);
  };
  row('Hyperlab ASHA', ourPruner);
  row(`Optuna ${optuna?.version ?? ''} SuccessiveHalving`, theirPruner);
  const same = theirPruner.length ? ourPruner.filter((r, i) => r.steps === theirPruner[i]!.steps && r.completed === theirPruner[i]!.completed).length : 0;
  if (theirPruner.length) console.log(`\nSame decisions (equal steps and completions) on ${same} of ${SEEDS.length} seeds.`);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main();
