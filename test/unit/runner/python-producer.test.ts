// A user's own Python script is a producer like the engine: the example in examples/ runs under
// the real runner and its metrics land in the store exactly as it computed them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../../src/core/runner/index.ts';
import { tempStore } from './helpers.ts';

const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const EXAMPLE = path.resolve(import.meta.dirname, '..', '..', '..', 'examples', 'python_producer.py');

test('the Python example producer: finished, with its params, every loss point and its summary', async () => {
  const { store, dir } = tempStore();
  const run = store.createRun({ experiment: 'python-example' });
  const handle = startRun({ store, runId: run.id, command: { argv: [PYTHON, EXAMPLE], cwd: dir, env: { ...process.env, STEPS: '12', LR: '0.25' } } });
  const outcome = await handle.done;
  assert.equal(outcome.status, 'finished', outcome.reason ?? '');
  const stored = store.getRun(run.id)!;
  assert.deepEqual(stored.params, { lr: 0.25, steps: 12, model: 'quadratic' });
  const losses = store.points(run.id, 'loss');
  assert.equal(losses.length, 12);
  losses.forEach((p, t) => assert.ok(Math.abs(p.value - 12.5 * 0.75 ** (2 * t)) < 1e-9, `loss at step ${t}: ${p.value}`));
  assert.ok(Math.abs(Number(stored.summary!['final.loss']) - 12.5 * 0.75 ** 24) < 1e-12);
  assert.equal(store.log(run.id).filter((l) => l.stream === 'stdout').length, 12);
  store.close();
});
