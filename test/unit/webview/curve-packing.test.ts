// The series travel as base64 columns of 64-bit floats: what the host packs, the Curves
// webview decodes to the same numbers, NaN and infinities included (JSON would turn them into null).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float64Base64, packCurveSeries } from '../../../src/core/webview/panel-data.ts';
import { float64FromBase64, unpackSeries } from '../../../webview/curves/columns.ts';

test('packed columns decode to exactly the numbers packed, NaN and ±Infinity included', () => {
  const series = [{ runId: 7, key: 'train.loss', xs: [0, 10, 21, 1e15 + 1], ys: [2.3113715305457148, Number.NaN, 1 / 3, -0], mins: [Number.NEGATIVE_INFINITY, 0.1, 5e-324, -1.5], maxs: [Number.POSITIVE_INFINITY, 1.7976931348623157e308, 0.2, 3] }];
  const [packed] = packCurveSeries(series);
  assert.equal(packed!.length, 4);
  assert.equal(typeof packed!.ys, 'string');
  const decoded = unpackSeries(JSON.parse(JSON.stringify(packed)));
  assert.equal(decoded.runId, 7);
  assert.equal(decoded.key, 'train.loss');
  for (const column of ['xs', 'ys', 'mins', 'maxs'] as const) {
    assert.deepEqual([...decoded[column]], series[0]![column], column);
  }
  assert.ok(Object.is(decoded.ys[3], -0), 'the sign of zero survives');
});

test('a column is about 11 characters a number, and an empty series packs to empty columns', () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1.2345678901234567);
  assert.equal(float64Base64(values).length, Math.ceil((values.length * 8) / 3) * 4);
  assert.ok(float64Base64(values).length < JSON.stringify(values).length * 0.7);
  const [empty] = packCurveSeries([{ runId: 1, key: 'k', xs: [], ys: [], mins: [], maxs: [] }]);
  assert.deepEqual([...unpackSeries(empty!).xs], []);
});

test('a column whose size does not match the series length is refused with the sizes named', () => {
  assert.throws(() => float64FromBase64(float64Base64([1, 2, 3]), 4), /holds 24 bytes, expected 4 doubles/);
});
