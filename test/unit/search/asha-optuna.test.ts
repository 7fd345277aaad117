import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AshaPruner } from '../../../src/core/search/pruners/asha.ts';
import type { IntermediateValue, TrialRecord } from '../../../src/core/search/types.ts';

// Reference: Optuna's SuccessiveHalvingPruner on the same 40 curves in the same order
// (test/reference/optuna_asha.py wrote the fixture, with the Optuna version it names).
const fixture = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/search/asha-optuna.json'), 'utf8')) as {
  optuna: string;
  curves: number[][];
  stopped: (number | null)[];
};

test(`ASHA stops the same trials at the same steps as Optuna ${fixture.optuna}'s SuccessiveHalvingPruner (r = 1, η = 3)`, () => {
  const pruner = new AshaPruner({ kind: 'asha', startupTrials: 0, warmupSteps: 0, minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0 }, 'min');
  const history: TrialRecord[] = [];
  const stopped: (number | null)[] = [];
  fixture.curves.forEach((curve, number) => {
    const intermediate: IntermediateValue[] = [];
    const trial: TrialRecord = { number, params: {}, state: 'running', value: null, intermediate };
    history.push(trial);
    for (let step = 1; step <= curve.length; step++) {
      intermediate.push({ step, value: curve[step - 1]! });
      if (pruner.shouldPrune(trial, history).prune) {
        trial.state = 'pruned';
        stopped.push(step);
        return;
      }
    }
    trial.state = 'complete';
    trial.value = curve[curve.length - 1]!;
    stopped.push(null);
  });
  assert.deepEqual(stopped, fixture.stopped);
  assert.ok(fixture.stopped.filter((s) => s !== null).length > 30, 'the fixture stops most trials, at several rungs');
  assert.deepEqual([...new Set(fixture.stopped.filter((s) => s !== null))].sort((a, b) => a! - b!), [1, 3, 9, 27]);
});
