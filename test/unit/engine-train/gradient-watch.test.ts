import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerStat } from '../../../src/core/protocol/messages.ts';
import { GradientWatch } from '../../../src/engine/train/gradient-watch.ts';

const stats = (...norms: number[]): LayerStat[] => norms.map((gradNorm, i) => ({ name: `dense${i}`, gradNorm, weightNorm: 1, updateRatio: 1e-3 }));

test('gradient watch: a condition is logged once when it starts, once when it clears', () => {
  const watch = new GradientWatch('member1.');
  assert.deepEqual(watch.observe(0, stats(0.5, 1)), []);
  const onset = watch.observe(10, stats(1e-9, 1));
  assert.equal(onset.length, 1);
  assert.equal(onset[0]!.level, 'warn');
  // both findings of the kind in one line, then the remedy
  assert.equal(onset[0]!.message, "step 10: member1: vanishing gradients: norm below 1.0e-7 in dense0 (1.0e-9); dense0's norm 1.0e-9 is 9.0 orders of magnitude below dense1's 1.0e+0 — use ReLU-family activations, He init, normalization or residual blocks");
  assert.deepEqual(watch.observe(20, stats(2e-9, 1)), []); // still vanishing: nothing new
  assert.deepEqual(watch.observe(30, stats(0.4, 1)), [{ level: 'info', message: 'step 30: member1: vanishing gradients no longer flagged' }]);
});

test('gradient watch: exploding growth is judged against the previous statistics and hides the depth ratio', () => {
  const watch = new GradientWatch();
  watch.observe(0, stats(0.01, 0.01));
  const lines = watch.observe(5, stats(1e-3, 5e3));
  assert.deepEqual(lines.map((l) => l.level), ['warn']);
  assert.match(lines[0]!.message, /^step 5: exploding gradients: norm above 1\.0e\+3 in dense1 \(5\.0e\+3\); global norm grew from 1\.4e-2 to 5\.0e\+3 .* — lower the learning rate or clip gradients by norm \(train\.clip\.norm\)$/);
});
