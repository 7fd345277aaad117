// The series travel as tagged base64 columns ("i": int32 when every value is an integer that
// fits, else "f": 64-bit floats): what the host packs, the Curves webview decodes to the same
// numbers, NaN, infinities and -0 included (JSON would turn NaN and infinities into null).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packColumn, packCurveSeries } from '../../../src/core/webview/panel-data.ts';
import { unpackColumn, unpackSeries } from '../../../webview/curves/columns.ts';

test('packed columns decode to exactly the numbers packed, NaN, ±Infinity and -0 included', () => {
  const series = [{ runId: 7, key: 'train.loss', xs: [0, 10, 21, 2 ** 31 - 1], ys: [2.3113715305457148, Number.NaN, 1 / 3, -0], mins: [Number.NEGATIVE_INFINITY, 0.1, 5e-324, -1.5], maxs: [Number.POSITIVE_INFINITY, 1.7976931348623157e308, 0.2, 3] }];
  const [packed] = packCurveSeries(series);
  assert.equal(packed!.length, 4);
  assert.ok(packed!.xs.startsWith('i'), 'integral steps travel as int32');
  assert.ok(packed!.ys.startsWith('f'));
  const decoded = unpackSeries(JSON.parse(JSON.stringify(packed)));
  assert.equal(decoded.runId, 7);
  assert.equal(decoded.key, 'train.loss');
  for (const column of ['xs', 'ys', 'mins', 'maxs'] as const) {
    assert.deepEqual([...decoded[column]], series[0]![column], column);
  }
  assert.ok(Object.is(decoded.ys[3], -0), 'the sign of zero survives');
});

test('integers outside int32, fractions and -0 keep the float64 form', () => {
  for (const values of [[1, 2 ** 31], [1, -(2 ** 31) - 1], [0.5, 1], [-0, 1]]) {
    assert.ok(packColumn(values).startsWith('f'), JSON.stringify(values));
    assert.deepEqual([...unpackColumn(packColumn(values), values.length)], values);
  }
  assert.deepEqual([...unpackColumn(packColumn([-(2 ** 31), 0, 2 ** 31 - 1]), 3)], [-(2 ** 31), 0, 2 ** 31 - 1]);
});

test('a column is about 11 characters a float and 5 an int32; an empty series packs to empty columns', () => {
  const floats = Array.from({ length: 999 }, (_, i) => Math.sin(i) * 1.2345678901234567);
  const steps = Array.from({ length: 999 }, (_, i) => i * 11);
  assert.equal(packColumn(floats).length, 1 + (floats.length * 8 * 4) / 3);
  assert.equal(packColumn(steps).length, 1 + (steps.length * 4 * 4) / 3);
  const [empty] = packCurveSeries([{ runId: 1, key: 'k', xs: [], ys: [], mins: [], maxs: [] }]);
  assert.deepEqual([...unpackSeries(empty!).xs], []);
});

test('a column of the wrong size or kind is refused, naming what was expected', () => {
  assert.throws(() => unpackColumn(packColumn([1.5, 2, 3]), 4), /holds 24 bytes, expected 4 doubles/);
  assert.throws(() => unpackColumn(packColumn([1, 2, 3]), 4), /holds 12 bytes, expected 4 int32s/);
  assert.throws(() => unpackColumn('xAAAA', 1), /starts with "x", expected "i" \(int32\) or "f" \(float64\)/);
});
