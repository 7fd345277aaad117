// Quantization-aware training helpers (pure functions the engine calls each step):
//   forward:  y = S·(clamp(round(x/S) + Z, qmin, qmax) − Z), the value the quantized model
//             will compute with (same arithmetic as linear.ts, so training sees the export);
//   backward: the straight-through estimator (Bengio et al. 2013, as PyTorch's FakeQuantize):
//             dL/dx = dL/dy where round(x/S) + Z lies within [qmin, qmax], 0 where it was
//             clamped. passMask records where the gradient passes.
// Weights get fresh min-max parameters from their current values each step
// (fakeQuantizeWeights); activations use a calibrated range (fakeQuantizeActivations).
import { checkTensor, groupLayout } from './groups.ts';
import { integerRange, linearParams, quantizeLinear, type LinearOptions } from './linear.ts';
import { roundHalfEven } from './round.ts';
import type { ActivationRange, IntegerType, LinearScheme, WeightTensor } from './types.ts';

export interface FakeQuantResult {
  readonly y: Float32Array;
  /** 1 where the straight-through gradient passes, 0 where x was clamped. */
  readonly passMask: Uint8Array;
}

/** Fake quantization with one scale/zero point per group (groupIndex null: one group). */
export function fakeQuantize(x: Float32Array, scale: Float32Array, zeroPoint: Int32Array, qmin: number, qmax: number, groupIndex: Int32Array | null): FakeQuantResult {
  const y = new Float32Array(x.length);
  const passMask = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const g = groupIndex ? groupIndex[i]! : 0;
    const s = scale[g]!;
    const z = zeroPoint[g]!;
    const q = roundHalfEven(Math.fround(x[i]! / s)) + z;
    const inside = q >= qmin && q <= qmax;
    passMask[i] = inside ? 1 : 0;
    y[i] = Math.fround(((inside ? q : q < qmin ? qmin : qmax) - z) * s);
  }
  return { y, passMask };
}

/** The straight-through gradient: dy where the mask passes, 0 elsewhere. */
export function straightThroughGradient(dy: Float32Array, passMask: Uint8Array): Float32Array {
  const dx = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = passMask[i] ? dy[i]! : 0;
  return dx;
}

/** Weights: parameters from the tensor's current range, at the export's granularity. */
export function fakeQuantizeWeights(tensor: WeightTensor, options: LinearOptions): FakeQuantResult {
  checkTensor(tensor);
  const q = quantizeLinear(tensor, options);
  const layout = groupLayout(tensor.name, tensor.shape, options.granularity);
  return fakeQuantize(tensor.data, q.scale, q.zeroPoint, q.qmin, q.qmax, layout.index);
}

/** Activations: one calibrated range for the whole tensor. */
export function fakeQuantizeActivations(x: Float32Array, range: ActivationRange, type: IntegerType, scheme: LinearScheme): FakeQuantResult {
  const { qmin, qmax } = integerRange(type, scheme);
  const p = linearParams(range.min, range.max, qmin, qmax, scheme);
  return fakeQuantize(x, Float32Array.of(p.scale), Int32Array.of(p.zeroPoint), qmin, qmax, null);
}
