// Number formats the charts and the heatmap legend use: one format per axis, real tick values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tickFormatter } from '../../../webview/shared/chart.ts';
import { formatNorm, legendTicks } from '../../../webview/gradients/heatmap.ts';

test('an axis with any tick below 1e-3 writes every tick in exponent form (no "8.00e-4" beside "0.001")', () => {
  const ticks = [0.0008, 0.001, 0.002, 0.005];
  const format = tickFormatter(ticks);
  assert.deepEqual(ticks.map(format), ['8e-4', '1e-3', '2e-3', '5e-3']);
  assert.deepEqual([0.2, 0.4, 0.6].map(tickFormatter([0.2, 0.4, 0.6])), ['0.2', '0.4', '0.6']);
  assert.deepEqual([0.00015, 0.0002].map(tickFormatter([0.00015, 0.0002])), ['1.5e-4', '2.0e-4'], 'enough digits to tell ticks apart');
});

test('the heatmap legend ticks are real gradient norms: decades over a wide range, 1-2-5 inside one', () => {
  assert.deepEqual(legendTicks(-0.7, 0.8), [0.2, 0.5, 1, 2, 5]);
  assert.deepEqual(legendTicks(-4, 3), [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000].filter((_, i) => i % 2 === 0));
  assert.deepEqual([1e-4, 0.25, 1, 1000, 2500].map(formatNorm), ['1e-4', '0.25', '1', '1e3', '2.5e3']);
});
