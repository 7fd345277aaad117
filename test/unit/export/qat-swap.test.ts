// Quantization-aware training in the engine's loop, one step checked by hand: the forward and
// backward see exactly the fake-quantized weights, the masters' gradient is the gradient w.r.t.
// the fake-quantized weights masked by the straight-through pass mask, and the optimizer updates
// the FP32 masters (not the fake-quantized copies).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantizeValue, quantizeLinear, roundHalfEven, type LinearOptions } from '../../../src/core/compress/index.ts';
import { epochOrder, gatherBatch } from '../../../src/engine/data/batches.ts';
import type { Param } from '../../../src/engine/nn/types.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { buildModel } from '../../../src/engine/train/build-model.ts';
import { trainMember, type WeightSwap } from '../../../src/engine/train/loop.ts';
import { makeObjective } from '../../../src/engine/train/objective.ts';
import { makeOptimizer } from '../../../src/engine/train/make-optimizer.ts';
import { deriveSeed, STREAM } from '../../../src/engine/train/seeds.ts';
import { fakeQuantSwap, type QatWeight } from '../../../src/export/qat.ts';
import { blobData, blobSpec, fixedClock, recorder } from '../engine-train/helpers.ts';

const data = blobData(3, 4);
const N = data.train.count; // one full batch: one step per epoch
const spec = blobSpec({ 'train.epochs': 1, 'train.batchSize': N, 'train.optimizer.lr': 0.5, 'train.seed': 11 });
const WEIGHTS: QatWeight[] = [{ name: 'dense0.weight', rows: 16, fanIn: 4 }, { name: 'dense1.weight', rows: 3, fanIn: 16 }];

/** Fake quantization computed the export's way (quantize, then ONNX DequantizeLinear), not by fake-quant.ts. */
function exportedValues(w: QatWeight, values: Float32Array, options: LinearOptions): Float32Array {
  const q = quantizeLinear({ name: w.name, shape: [w.rows, w.fanIn], data: values }, options);
  return Float32Array.from(q.data, (code, i) => {
    const r = i / w.fanIn | 0, c = i % w.fanIn, gr = options.granularity;
    const g = gr.kind === 'tensor' ? 0 : gr.kind === 'channel' ? r : r * Math.ceil(w.fanIn / gr.blockSize) + (c / gr.blockSize | 0);
    return dequantizeValue(code, q.scale[g]!, q.zeroPoint[g]!);
  });
}

/** The loop's swap with a window on it: what the params hold between swapIn and swapOut. */
function spied(inner: WeightSwap): WeightSwap & { during: Map<string, Float32Array>[]; gradsBefore: Map<string, Float32Array>[]; gradsAfter: Map<string, Float32Array>[] } {
  const during: Map<string, Float32Array>[] = [], gradsBefore: Map<string, Float32Array>[] = [], gradsAfter: Map<string, Float32Array>[] = [];
  const copy = (params: readonly Param[], f: (p: Param) => Float32Array) => new Map(params.map((p) => [p.name, f(p).slice()]));
  return {
    during, gradsBefore, gradsAfter,
    swapIn(params) { inner.swapIn(params); during.push(copy(params, (p) => p.value)); },
    swapOut(params, gradients) {
      if (gradients) gradsBefore.push(copy(params, (p) => p.grad));
      inner.swapOut(params, gradients);
      if (gradients) gradsAfter.push(copy(params, (p) => p.grad));
    },
  };
}

for (const options of [
  { type: 'int4', scheme: 'symmetric', granularity: { kind: 'tensor' } },
  { type: 'int8', scheme: 'symmetric', granularity: { kind: 'channel', axis: 0 } },
  { type: 'int4', scheme: 'affine', granularity: { kind: 'block', axis: 1, blockSize: 2 } },
] satisfies LinearOptions[]) {
  const scheme = `${options.type} ${options.scheme} per ${options.granularity.kind}`;
  test(`QAT step by hand (${scheme}): forward on exactly the fake-quantized weights, STE gradient, optimizer on the FP32 masters`, async () => {
    // starting weights: a model initialized from the spec's seed, scaled up so the grid is coarse
    const init = buildModel(spec.model, { inputShape: data.shape, classes: 3, rng: new Rng(5) });
    const start = new Map([...init.params()].map((p) => [p.name, Float32Array.from(p.value, (v) => 3 * v)]));
    const swap = spied(fakeQuantSwap(WEIGHTS, options));
    const result = await trainMember({ spec, data, member: 0, prefix: '', reporter: recorder(), control: { shouldStop: () => false, pause: async () => {} }, checkpointDir: null, now: fixedClock, start: { tensors: start, swap } });
    assert.equal(result.steps, 1);

    // 1. during the training forward, every quantized weight held exactly the export's values; the rest were untouched
    const inForward = swap.during[0]!;
    for (const w of WEIGHTS) assert.deepEqual(inForward.get(w.name), exportedValues(w, start.get(w.name)!, options), `${w.name} in the forward`);
    for (const name of ['dense0.bias', 'dense1.bias']) assert.deepEqual(inForward.get(name), start.get(name), `${name} is not quantized`);
    for (const w of WEIGHTS) assert.notDeepEqual(inForward.get(w.name), start.get(w.name), `${w.name}: the grid must change the weights for this test to mean anything`);

    // 2. the gradient the backward produced is the gradient of a model holding the fake-quantized weights (same batch, same order)
    const reference = buildModel(spec.model, { inputShape: data.shape, classes: 3, rng: new Rng(0) });
    for (const p of reference.params()) p.value.set(inForward.get(p.name)!);
    const order = epochOrder(N, new Rng(deriveSeed(spec.train.seed, STREAM.shuffle, 0)));
    const x = new Float32Array(N * 4), y = new Float32Array(N);
    gatherBatch(data.train, order, 0, N, x, y);
    reference.zeroGrad();
    const objective = makeObjective(spec.train.loss);
    const out = objective.compute(reference.forward({ data: x, shape: [N, 4] }, { training: true, rng: new Rng(deriveSeed(spec.train.seed, STREAM.dropout, 0)) }), y);
    reference.backward(out.grad);
    const fakeGrad = new Map(reference.params().map((p) => [p.name, p.grad.slice()]));
    for (const [name, g] of fakeGrad) assert.deepEqual(swap.gradsBefore[0]!.get(name), g, `${name}: gradient w.r.t. the fake-quantized weights`);

    // 3. the masters' gradient is that gradient masked by the pass mask (min-max ranges clamp nothing, so the mask passes all)
    for (const w of WEIGHTS) {
      const q = quantizeLinear({ name: w.name, shape: [w.rows, w.fanIn], data: start.get(w.name)! }, options);
      const group = (i: number): number => { const r = i / w.fanIn | 0, c = i % w.fanIn; const g = options.granularity; return g.kind === 'tensor' ? 0 : g.kind === 'channel' ? r : r * Math.ceil(w.fanIn / g.blockSize) + (c / g.blockSize | 0); };
      const mask = Uint8Array.from({ length: w.rows * w.fanIn }, (_, i) => {
        const unclamped = roundHalfEven(Math.fround(start.get(w.name)![i]! / q.scale[group(i)]!)) + q.zeroPoint[group(i)]!;
        return unclamped >= q.qmin && unclamped <= q.qmax ? 1 : 0;
      });
      const expected = Float32Array.from(fakeGrad.get(w.name)!, (g, i) => (mask[i] ? g : 0));
      assert.deepEqual(swap.gradsAfter[0]!.get(w.name), expected, `${w.name}: straight-through gradient`);
    }

    // 4. the weights after the step are the masters minus lr × that gradient (SGD), not the fake-quantized values'
    const { optimizer } = makeOptimizer(spec.train);
    const masters = reference.params().map((p) => ({ ...p, value: start.get(p.name)!.slice(), grad: swap.gradsAfter[0]!.get(p.name)! }));
    optimizer.step(masters, spec.train.optimizer.lr);
    const trained = new Map(result.model.params().map((p) => [p.name, p.value]));
    for (const m of masters) assert.deepEqual(trained.get(m.name), m.value, `${m.name}: FP32 master updated by the optimizer`);
    const fromFake = WEIGHTS.map((w) => Float32Array.from(inForward.get(w.name)!, (v, i) => Math.fround(v - Math.fround(spec.train.optimizer.lr * swap.gradsAfter[0]!.get(w.name)![i]!))));
    WEIGHTS.forEach((w, i) => assert.notDeepEqual(trained.get(w.name), fromFake[i], `${w.name} must not be the fake-quantized weights stepped`));
    // 5. validation ran on the fake-quantized model too, and swapped back (a second swapIn per epoch, no leftover)
    assert.equal(swap.during.length, 2);
  });
}

test('the swap restores the masters after the step; min-max puts every weight on the grid, so its pass mask lets every gradient through', () => {
  const options: LinearOptions = { type: 'int4', scheme: 'symmetric', granularity: { kind: 'tensor' } };
  const w: QatWeight = { name: 'w', rows: 1, fanIn: 4 };
  const masters = Float32Array.of(0.7, -0.33, 0.1, 0.0123);
  const swap = fakeQuantSwap([w], options);
  const p: Param = { name: 'w', role: 'weight', shape: [1, 4], value: masters.slice(), grad: new Float32Array(4) };
  swap.swapIn([p]);
  assert.deepEqual(p.value, exportedValues(w, masters, options));
  assert.notDeepEqual(p.value, masters);
  assert.throws(() => swap.swapIn([p]), /already fake-quantized/, 'a second swapIn would take the fake values for masters');
  p.grad.set([1, 2, 3, 4]);
  swap.swapOut([p], true);
  assert.deepEqual(p.value, masters, 'masters back');
  assert.deepEqual([...p.grad], [1, 2, 3, 4]);
});

test('activation fake quantization (INT8 QAT): a dense layer computes on its input fake-quantized at the calibrated uint8 range; the gradient is zero where the input was clamped', async () => {
  const { Dense } = await import('../../../src/engine/nn/layers/dense.ts');
  const { FakeQuantActivations } = await import('../../../src/export/qat-activations.ts');
  const { linearParams } = await import('../../../src/core/compress/index.ts');
  const make = () => { const d = new Dense('dense1', 3, 2); d.weight.value.set([0.5, -1, 0.25, 2, 0.125, -0.5]); d.bias!.value.set([0.1, -0.2]); return d; };
  // calibrated on [-1, 2]: 3.5 and -4 fall outside and are clamped
  const range = linearParams(-1, 2, 0, 255, 'affine');
  const x = { data: Float32Array.of(0.3, 3.5, -0.77, -4, 1.01, 0.5), shape: [2, 3] };
  const wrapped = new FakeQuantActivations(make(), range, undefined);
  const ctx = { training: true, rng: new Rng(0) };
  const y = wrapped.forward(x, ctx);
  // by hand: QuantizeLinear then DequantizeLinear of each input, as ONNX Runtime computes the QDQ pair
  const fq = Float32Array.from(x.data, (v) => Math.fround((Math.min(255, Math.max(0, roundHalfEven(Math.fround(v / range.scale)) + range.zeroPoint)) - range.zeroPoint) * range.scale));
  assert.ok(Math.abs(fq[1]! - 2) < range.scale && Math.abs(fq[3]! + 1) < range.scale, 'the outliers are clamped to the range');
  const reference = make();
  assert.deepEqual(y.data, reference.forward({ data: fq, shape: [2, 3] }, ctx).data.slice());
  const dy = { data: Float32Array.of(1, -2, 0.5, 3), shape: [2, 2] };
  const dx = wrapped.backward(dy);
  const refDx = reference.backward(dy).data;
  const clamped = [false, true, false, true, false, false];
  assert.deepEqual([...dx.data], [...refDx].map((g, i) => (clamped[i] ? 0 : g)), 'straight-through: passed inside the range, zero where clamped');
  assert.ok(refDx[1] !== 0 && refDx[3] !== 0, 'the clamped inputs do get a gradient without the STE mask');
  // the weight gradient is taken at the fake-quantized input
  assert.deepEqual(wrapped.params()[0]!.grad, reference.weight.grad);
});
