// Pruners' masks: exact sparsity (round(s·n) zeros, deterministic ties), global vs per layer,
// 2:4 holding in every group (and the error for a width that is not a multiple of 4),
// structured selection by L1/L2, schedules and the sparsity report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMask, pruneMagnitude, pruneMagnitudeGlobal } from '../../../src/core/compress/prune-magnitude.ts';
import { checkNM, pruneNM } from '../../../src/core/compress/prune-nm.ts';
import { selectUnits, unitMask, unitNorms } from '../../../src/core/compress/prune-structured.ts';
import { iterativeSparsities, polynomialSparsity } from '../../../src/core/compress/schedule.ts';
import { sparsityReport } from '../../../src/core/compress/sparsity.ts';
import { HyperlabError } from '../../../src/core/errors.ts';

const w = (name: string, shape: number[], values: number[]) => ({ name, shape, data: new Float32Array(values) });
const isCompressError = (pattern: RegExp) => (e: unknown) => e instanceof HyperlabError && e.code === 'COMPRESS_INVALID' && pattern.test(e.message);

test('magnitude pruning per layer: the k smallest |w| go, ties by position, sparsity exact', () => {
  const t = w('fc.weight', [2, 4], [0.5, -0.1, 0.3, -0.3, 0.1, 0.9, -0.05, 0.3]);
  // |w| sorted: 0.05(6) 0.1(1) 0.1(4) 0.3(2) 0.3(3) 0.3(7) 0.5(0) 0.9(5); 50% → 4 pruned:
  // 6, 1, 4 and the first of the three 0.3 ties (index 2)
  const r = pruneMagnitude(t, 0.5);
  assert.deepEqual(Array.from(r.mask), [1, 0, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual([r.pruned, r.total, r.sparsity], [4, 8, 0.5]);
  assert.deepEqual(Array.from(applyMask(t.data, r.mask)), [0.5, 0, 0, -0.3, 0, 0.9, 0, 0.3].map(Math.fround));
  // round(0.3·8) = round(2.4) = 2; round(0.9·8) = round(7.2) = 7; 0 and 1 are the ends
  assert.equal(pruneMagnitude(t, 0.3).pruned, 2);
  assert.equal(pruneMagnitude(t, 0.9).pruned, 7);
  assert.equal(pruneMagnitude(t, 0).pruned, 0);
  assert.equal(pruneMagnitude(t, 1).pruned, 8);
  assert.throws(() => pruneMagnitude(t, 1.5), isCompressError(/fc\.weight: sparsity 1\.5 is outside 0\.\.1/));
});

test('magnitude pruning: a tensor of equal magnitudes still gets exactly round(s·n) zeros', () => {
  const n = 1001;
  const t = w('flat.weight', [n], Array.from({ length: n }, (_, i) => (i % 2 ? 0.25 : -0.25)));
  const r = pruneMagnitude(t, 0.9);
  assert.equal(r.pruned, 901);
  assert.equal(Array.from(r.mask).indexOf(1), 901, 'ties pruned from the start');
});

test('global magnitude pruning: one threshold across layers, exact total', () => {
  const a = w('a.weight', [4], [0.1, 0.2, 0.3, 0.4]);
  const b = w('b.weight', [4], [1, 2, 0.15, 3]);
  const [ra, rb] = pruneMagnitudeGlobal([a, b], 0.5);
  assert.deepEqual(Array.from(ra!.mask), [0, 0, 0, 1]);
  assert.deepEqual(Array.from(rb!.mask), [1, 1, 0, 1]);
  assert.deepEqual([ra!.sparsity, rb!.sparsity], [0.75, 0.25]);
  // per layer, the same 50% would cut each layer in half instead
  assert.deepEqual(Array.from(pruneMagnitude(b, 0.5).mask), [0, 1, 0, 1]);
});

test('2:4 along the input axis of a dense weight: the 2 largest of each 4 stay, ties keep the earlier', () => {
  const t = w('fc.weight', [2, 8], [
    0.1, -0.9, 0.5, 0.2, /**/ 0.3, 0.3, 0.3, -0.3,
    4, 3, -2, 1, /**/ 0, 0, 0, 0.01,
  ]);
  const r = pruneNM(t, 2, 4);
  assert.deepEqual(Array.from(r.mask), [0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1]);
  assert.equal(r.sparsity, 0.5);
  const pruned = { ...t, data: applyMask(t.data, r.mask) };
  assert.deepEqual(checkNM(pruned, 2, 4), { groups: 4, violations: 0, firstViolation: -1 });
  assert.deepEqual(checkNM(t, 2, 4), { groups: 4, violations: 3, firstViolation: 0 });
});

test('2:4 on a conv weight groups 4 input channels at each (out, kh, kw) position', () => {
  // [out 1, in 4, kh 1, kw 2]: the groups are channels 0..3 at kw 0 and at kw 1
  const t = w('conv.weight', [1, 4, 1, 2], [1, -8, 2, 7, -3, 6, 4, 5]);
  const r = pruneNM(t, 2, 4);
  // kw 0: values 1, 2, -3, 4 → keep channels 2 and 3 (−3, 4); kw 1: -8, 7, 6, 5 → channels 0, 1
  assert.deepEqual(Array.from(r.mask), [0, 1, 0, 1, 1, 0, 1, 0]);
  let seed = 7;
  const big = w('conv2.weight', [8, 16, 3, 3], Array.from({ length: 8 * 16 * 9 }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5));
  const rb = pruneNM(big, 2, 4);
  assert.equal(rb.pruned, big.data.length / 2);
  assert.equal(checkNM({ ...big, data: applyMask(big.data, rb.mask) }, 2, 4).violations, 0);
});

test('2:4 on a width that is not a multiple of 4 is an error naming the layer and the width', () => {
  assert.throws(() => pruneNM(w('dense2.weight', [3, 10], new Array(30).fill(1)), 2, 4), isCompressError(/dense2\.weight: 2:4 .* input width is 10, not a multiple of 4/));
  assert.throws(() => pruneNM(w('dense2.bias', [8], new Array(8).fill(1)), 2, 4), isCompressError(/dense2\.bias/));
  assert.throws(() => pruneNM(w('d.weight', [1, 4], [1, 2, 3, 4]), 4, 4), isCompressError(/4:4 is not an N:M pattern/));
});

test('structured selection: L1 and L2 norms rank units differently; the smallest go', () => {
  // unit 0: |1|+|1|+|1|+|1| = 4, L2 2; unit 1: 3 + 0 = 3, L2 3; unit 2: 0.5·4 = 2, L2 1
  const t = w('fc.weight', [3, 4], [1, 1, -1, 1, 3, 0, 0, 0, 0.5, -0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(unitNorms(t, 'l1')), [4, 3, 2]);
  assert.deepEqual(Array.from(unitNorms(t, 'l2')), [2, 3, 1]);
  assert.deepEqual(Array.from(selectUnits(t, 'l1', 0.34).keep), [0, 1]);
  assert.deepEqual(Array.from(selectUnits(t, 'l1', 0.67).keep), [0], 'round(0.67·3) = 2 removed');
  assert.deepEqual(Array.from(selectUnits(t, 'l2', 0.67).keep), [1], 'L2 keeps the single large weight');
  assert.deepEqual(Array.from(selectUnits(t, 'l2', 1).keep), [1], 'at least one unit stays');
  assert.deepEqual(Array.from(unitMask(t, Int32Array.from([1]))), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  // conv filters: [out 2, in 1, 2, 2]
  const conv = w('conv.weight', [2, 1, 2, 2], [0, 0, 0, 0.1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(selectUnits(conv, 'l1', 0.5).keep), [1]);
});

test('polynomial schedule (Zhu & Gupta): s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³, stepwise every Δt', () => {
  const s = { initialSparsity: 0, finalSparsity: 0.8, beginStep: 100, frequency: 10, pruningSteps: 4 };
  assert.equal(polynomialSparsity(0, s), 0);
  assert.equal(polynomialSparsity(100, s), 0);
  assert.equal(polynomialSparsity(110, s), 0.8 - 0.8 * 0.75 ** 3); // 0.4625
  assert.equal(polynomialSparsity(119, s), polynomialSparsity(110, s), 'held until the next update');
  assert.equal(polynomialSparsity(120, s), 0.8 - 0.8 * 0.5 ** 3); // 0.7
  assert.equal(polynomialSparsity(140, s), 0.8);
  assert.equal(polynomialSparsity(10_000, s), 0.8);
  assert.ok(Math.abs(polynomialSparsity(130, { ...s, initialSparsity: 0.2 }) - (0.8 + (0.2 - 0.8) * 0.25 ** 3)) < 1e-15);
});

test('iterative schedule (Han et al.): geometric keeps a constant fraction per round; ends exactly at the target', () => {
  const g = iterativeSparsities(0.9, 3);
  assert.equal(g.length, 3);
  assert.ok(Math.abs(g[0]! - (1 - 0.1 ** (1 / 3))) < 1e-12);
  assert.ok(Math.abs((1 - g[1]!) / (1 - g[0]!) - (1 - g[0]!)) < 1e-12, 'each round keeps the same fraction of what remained');
  assert.equal(g[2], 0.9);
  assert.deepEqual(iterativeSparsities(0.9, 3, 'linear').map((v) => Math.round(v * 1e12) / 1e12), [0.3, 0.6, 0.9]);
  assert.deepEqual(iterativeSparsities(0.5, 1), [0.5], 'one round is one-shot');
  assert.throws(() => iterativeSparsities(0.9, 0), isCompressError(/rounds 0/));
});

test('sparsity report counts zeros in the weights, per layer and overall', () => {
  const r = sparsityReport([w('a', [4], [0, 1, -0, 2]), w('b', [2, 3], [0, 0, 0, 1, 1, 1])]);
  assert.deepEqual(r.layers.map((l) => [l.name, l.zeros, l.total, l.sparsity]), [['a', 2, 4, 0.5], ['b', 3, 6, 0.5]]);
  assert.deepEqual([r.zeros, r.total, r.sparsity], [5, 10, 0.5]);
});
