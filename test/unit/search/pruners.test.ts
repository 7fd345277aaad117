import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AshaPruner } from '../../../src/core/search/pruners/asha.ts';
import { MedianPruner } from '../../../src/core/search/pruners/median.ts';
import { createPruner } from '../../../src/core/search/factory.ts';
import type { IntermediateValue, PrunerConfig, TrialRecord } from '../../../src/core/search/types.ts';
import { configFor, uniform } from './helpers.ts';

const base: PrunerConfig = { kind: 'asha', startupTrials: 0, warmupSteps: 0, minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0 };

/** A learning curve that converges to `final` (lower is better): final + 1/step. */
function curve(final: number, steps: number): IntermediateValue[] {
  return Array.from({ length: steps }, (_, i) => ({ step: i + 1, value: final + 1 / (i + 1) }));
}

/**
 * Runs trials one after another; each reports its curve step by step and stops when the pruner
 * says so. Returns each trial's last step and state.
 */
function simulate(pruner: AshaPruner | MedianPruner, finals: readonly number[], maxSteps: number): TrialRecord[] {
  const history: TrialRecord[] = [];
  finals.forEach((final, number) => {
    const full = curve(final, maxSteps);
    const trial: TrialRecord = { number, params: {}, state: 'running', value: null, intermediate: [] };
    history.push(trial);
    for (const point of full) {
      (trial.intermediate as IntermediateValue[]).push(point);
      if (pruner.shouldPrune(trial, history).prune) {
        trial.state = 'pruned';
        return;
      }
    }
    trial.state = 'complete';
    trial.value = full[full.length - 1]!.value;
  });
  return history;
}

test('ASHA (η = 3, r = 1): at each rung a trial outside the top third of that rung is stopped; the best trial runs to the end', () => {
  const pruner = new AshaPruner(base, 'min');
  assert.deepEqual([0, 1, 2, 3].map((k) => pruner.rungStep(k)), [1, 3, 9, 27]);
  // 27 trials in a shuffled order of quality; trial 13 is the best.
  const finals = Array.from({ length: 27 }, (_, i) => ((i * 10) % 27) / 27);
  const best = finals.indexOf(Math.min(...finals));
  const history = simulate(pruner, finals, 27);
  assert.equal(history[best]!.state, 'complete', 'the best is promoted through every rung');
  assert.equal(history[best]!.intermediate.length, 27);
  // Every stop happened at a rung, and only trials worse than a third of those at that rung were stopped.
  for (const t of history.filter((x) => x.state === 'pruned')) {
    const stoppedAt = t.intermediate[t.intermediate.length - 1]!.step;
    assert.ok([1, 3, 9, 27].includes(stoppedAt), `trial ${t.number} stopped at step ${stoppedAt}`);
  }
  const byRung = (step: number): number => history.filter((t) => t.intermediate.length >= step).length;
  assert.ok(byRung(3) < byRung(1) && byRung(9) < byRung(3) && byRung(27) <= byRung(9), `reached 1/3/9/27: ${byRung(1)}/${byRung(3)}/${byRung(9)}/${byRung(27)}`);
  const pruned = history.filter((t) => t.state === 'pruned').length;
  assert.ok(pruned >= 15, `${pruned} of 27 stopped`);
  // The stopped trials are the weaker ones: every complete trial beats the median final.
  const sorted = [...finals].sort((a, b) => a - b);
  for (const t of history.filter((x) => x.state === 'complete')) assert.ok(finals[t.number]! <= sorted[13]!, `trial ${t.number} completed with final ${finals[t.number]}`);
});

test('ASHA judges a rung once: a trial promoted earlier is not stopped later by a better newcomer at that rung', () => {
  const pruner = new AshaPruner(base, 'min');
  const early: TrialRecord = { number: 0, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 0.5 }] };
  assert.equal(pruner.shouldPrune(early, [early]).prune, false);
  assert.equal(pruner.shouldPrune(early, [early]).rung, 0);
  const better = [1, 2, 3].map((n): TrialRecord => ({ number: n, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 0.1 }] }));
  (early.intermediate as IntermediateValue[]).push({ step: 2, value: 0.45 });
  assert.equal(pruner.shouldPrune(early, [early, ...better]).prune, false, 'step 2 is between rungs');
  const late: TrialRecord = { number: 4, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 0.5 }] };
  assert.equal(pruner.shouldPrune(late, [early, ...better, late]).prune, true, 'the same value, arriving when the rung is full of better ones, is stopped');
});

test('ASHA and median stop a diverged trial (NaN) at once, and max-direction objectives are oriented', () => {
  const asha = new AshaPruner(base, 'max');
  const nan: TrialRecord = { number: 0, params: {}, state: 'running', value: null, intermediate: [{ step: 2, value: NaN }] };
  assert.equal(asha.shouldPrune(nan, [nan]).prune, true);
  const accurate: TrialRecord = { number: 1, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 0.9 }] };
  const poor: TrialRecord = { number: 2, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 0.3 }] };
  const others = [0.8, 0.85].map((v, i): TrialRecord => ({ number: 3 + i, params: {}, state: 'complete', value: v, intermediate: [{ step: 1, value: v }] }));
  assert.equal(asha.shouldPrune(accurate, [accurate, ...others]).prune, false, 'highest accuracy is promoted');
  assert.equal(asha.shouldPrune(poor, [poor, ...others]).prune, true, 'lowest accuracy is stopped');
  const median = new MedianPruner({ ...base, kind: 'median', startupTrials: 1 }, 'min');
  const done: TrialRecord = { number: 5, params: {}, state: 'complete', value: 1, intermediate: [{ step: 1, value: 1 }] };
  const diverged: TrialRecord = { number: 6, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: NaN }] };
  assert.equal(median.shouldPrune(diverged, [done, diverged]).prune, true);
});

test('median stopping: a trial worse than the median of the finished trials at the same step is stopped, after the startup trials and the warm-up', () => {
  const pruner = new MedianPruner({ ...base, kind: 'median', startupTrials: 3, warmupSteps: 2 }, 'min');
  const finished = [1, 2, 3].map((v, i): TrialRecord => ({ number: i, params: {}, state: 'complete', value: v, intermediate: [{ step: 1, value: v }, { step: 2, value: v }, { step: 3, value: v }] }));
  const worse: TrialRecord = { number: 9, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 5 }, { step: 2, value: 5 }] };
  assert.equal(pruner.shouldPrune(worse, [...finished, worse]).prune, true);
  const better: TrialRecord = { number: 10, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 1.5 }, { step: 2, value: 1.5 }] };
  assert.equal(pruner.shouldPrune(better, [...finished, better]).prune, false);
  const warming: TrialRecord = { number: 11, params: {}, state: 'running', value: null, intermediate: [{ step: 1, value: 5 }] };
  assert.equal(pruner.shouldPrune(warming, [...finished, warming]).prune, false, 'step 1 < warmupSteps 2');
  assert.equal(pruner.shouldPrune(worse, [finished[0]!, finished[1]!, worse]).prune, false, 'only 2 of 3 startup trials finished');
  // Over a whole sweep: each stopped trial is worse than the median of the trials finished before it.
  const finals = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) / 20);
  const history = simulate(new MedianPruner({ ...base, kind: 'median', startupTrials: 3 }, 'min'), finals, 10);
  const stopped = history.filter((t) => t.state === 'pruned');
  assert.ok(stopped.length >= 6, `${stopped.length} stopped`);
  assert.ok(stopped.every((t) => finals[t.number]! > 0.1), `the three best are never stopped: ${stopped.map((t) => finals[t.number]).join(', ')}`);
  for (const t of stopped) {
    const before = history.filter((o) => o.number < t.number && o.state === 'complete').map((o) => finals[o.number]!).sort((a, b) => a - b);
    const m = before.length % 2 ? before[before.length >> 1]! : (before[before.length / 2 - 1]! + before[before.length / 2]!) / 2;
    assert.ok(finals[t.number]! > m, `trial ${t.number} (${finals[t.number]}) stopped though not worse than the median ${m}`);
  }
});

test('createPruner follows the config', () => {
  const config = configFor('tpe', [uniform('x', 0, 1)]);
  assert.equal(createPruner(config), null);
  assert.equal(createPruner({ ...config, pruner: { ...config.pruner, kind: 'asha' } })!.kind, 'asha');
  assert.equal(createPruner({ ...config, pruner: { ...config.pruner, kind: 'median' } })!.kind, 'median');
});
