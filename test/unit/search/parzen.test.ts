import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ParzenEstimator } from '../../../src/core/search/samplers/parzen.ts';
import { tpeWeights } from '../../../src/core/search/samplers/tpe.ts';
import type { Distribution } from '../../../src/core/search/types.ts';

// Reference: Optuna's own _ParzenEstimator on the same observations and points
// (test/reference/optuna_parzen.py wrote the fixture, with the Optuna version it names).
const fixture = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/search/parzen-optuna.json'), 'utf8')) as {
  optuna: string;
  observations: Record<string, number[]>;
  points: Record<string, number[]>;
  cases: { params: string[]; observations: number; logPdf: number[] }[];
};

const dists: Record<string, Distribution> = {
  x: { type: 'uniform', low: -5, high: 10, step: null },
  lr: { type: 'loguniform', low: 1e-4, high: 1e-1 },
  units: { type: 'int', low: 16, high: 256, step: 16, log: false },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
};

/** Our coordinates: log for log scales, indices for categories (Optuna's internal representation, logged). */
function coord(name: string, value: number): number {
  return name === 'lr' ? Math.log(value) : value;
}

test(`the Parzen estimator's log density equals Optuna ${fixture.optuna}'s: joint and per parameter, with 0, 1 and 6 observations`, () => {
  assert.equal(fixture.cases.length, 15);
  for (const c of fixture.cases) {
    const rows = Array.from({ length: c.observations }, (_, i) => c.params.map((p) => coord(p, fixture.observations[p]![i]!)));
    const estimator = new ParzenEstimator(c.params.map((p) => dists[p]!), rows, tpeWeights(c.observations), { priorWeight: 1, magicClip: true });
    const points = fixture.points[c.params[0]!]!.map((_, i) => c.params.map((p) => coord(p, fixture.points[p]![i]!)));
    const ours = estimator.logPdf(points);
    ours.forEach((value, i) => {
      assert.ok(Math.abs(value - c.logPdf[i]!) < 1e-9, `${c.params.join('+')} with ${c.observations} observations, point ${i}: ours ${value}, Optuna ${c.logPdf[i]}`);
    });
  }
});
