import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber } from '../../../src/core/format.ts';

test('numbers: integers in full, small and large in exponent form, the rest to N significant digits', () => {
  assert.equal(formatNumber(32089), '32089');
  assert.equal(formatNumber(0.214223, 5), '0.21422');
  assert.equal(formatNumber(0.214223), '0.2142');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatNumber(5e-5, 5), '5.000e-5');
  assert.equal(formatNumber(5e-5), '5.00e-5');
  assert.equal(formatNumber(2.5e7 + 0.5), '2.50e+7');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '-Infinity');
});
