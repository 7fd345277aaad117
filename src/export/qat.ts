// Quantization-aware fine-tuning (as PyTorch's prepare_qat with a FakeQuantize per weight and a
// min-max observer): each training step's forward and backward compute with every dense/conv
// weight fake-quantized at the export's scheme and granularity, with fresh min-max parameters
// from the current FP32 master weights; the gradient reaches the masters by the straight-through
// estimator (passed where the value lay on the grid, zero where it was clamped) and the optimizer
// updates the masters. The export then quantizes the masters, which gives exactly the weights
// the fine-tuning computed with (same arithmetic, src/core/compress/linear.ts).
import { groupLayout, integerRange, linearParams, roundHalfEven, type GroupLayout, type LinearOptions } from '../core/compress/index.ts';
import { groupMinMax } from '../core/compress/groups.ts';
import { HyperlabError } from '../core/errors.ts';
import type { WeightSwap } from '../engine/train/loop.ts';
import type { Param } from '../engine/nn/types.ts';
import { quantizeSpec } from './variant-quantizer.ts';
import type { VariantSpec } from './variants.ts';

/** A weight the export quantizes, seen as the 2-D view [rows, fanIn] the quantizer works on. */
export interface QatWeight {
  name: string;
  rows: number;
  fanIn: number;
}

/** The linear quantizer of an INT8/INT4 variant (QAT is offered for these only). */
export function qatOptions(v: VariantSpec): LinearOptions {
  const spec = quantizeSpec(v);
  if (!spec || spec.method !== 'linear') throw new HyperlabError('USAGE', `--qat needs --quantize int8 or int4 (variant ${v.label})`, 'Add --quantize int8 or --quantize int4.');
  return spec;
}

/** One weight's fake quantization, prepared once: its groups, and buffers reused every step. */
interface Prepared {
  layout: GroupLayout;
  scale: Float32Array;
  zeroPoint: Int32Array;
  master: Float32Array;
  passMask: Uint8Array;
}

/**
 * fakeQuantizeWeights (src/core/compress/fake-quant.ts) into the param in place, without its per-call allocations and checks (it
 * runs every step on every weight): the same parameters (linearParams of each group's min-max,
 * as quantizeLinear) and the same arithmetic, so the values are identical (a test compares them
 * with quantizeLinear + DequantizeLinear).
 */
function fakeQuantizeInPlace(out: Float32Array, p: Prepared, qmin: number, qmax: number, options: LinearOptions): void {
  const x = p.master;
  const { min, max } = groupMinMax(x, p.layout);
  for (let g = 0; g < p.layout.groups; g++) {
    const lp = min[g]! <= max[g]! ? linearParams(min[g]!, max[g]!, qmin, qmax, options.scheme) : linearParams(0, 0, qmin, qmax, options.scheme);
    p.scale[g] = lp.scale;
    p.zeroPoint[g] = lp.zeroPoint;
  }
  const index = p.layout.index;
  for (let i = 0; i < x.length; i++) {
    const g = index[i]!;
    const s = p.scale[g]!, z = p.zeroPoint[g]!;
    const q = roundHalfEven(Math.fround(x[i]! / s)) + z;
    const inside = q >= qmin && q <= qmax;
    p.passMask[i] = inside ? 1 : 0;
    out[i] = Math.fround(((inside ? q : q < qmin ? qmin : qmax) - z) * s);
  }
}

/**
 * The training loop's weight swap for QAT. swapIn keeps a copy of each master and puts its
 * fake-quantized values in its place; swapOut puts the master back and, after a backward,
 * zeroes the gradient where the value was clamped (the straight-through estimator).
 */
export function fakeQuantSwap(weights: readonly QatWeight[], options: LinearOptions): WeightSwap {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const { qmin, qmax } = integerRange(options.type, options.scheme);
  const prepared = new Map<string, Prepared>();
  /** Weights swapped in now (their masters are in `prepared`). */
  const swapped = new Set<string>();
  return {
    swapIn(params: readonly Param[]): void {
      for (const p of params) {
        const w = byName.get(p.name);
        if (!w) continue;
        if (w.rows * w.fanIn !== p.value.length) throw new HyperlabError('EXPORT_FAILED', `${p.name} has ${p.value.length} values, the export expects ${w.rows}×${w.fanIn}`, 'This is a bug in quantization-aware fine-tuning; export without --qat.');
        let prep = prepared.get(p.name);
        if (!prep) {
          const layout = groupLayout(p.name, [w.rows, w.fanIn], options.granularity);
          prep = { layout, scale: new Float32Array(layout.groups), zeroPoint: new Int32Array(layout.groups), master: new Float32Array(p.value.length), passMask: new Uint8Array(p.value.length) };
          prepared.set(p.name, prep);
        }
        if (swapped.has(p.name)) throw new HyperlabError('EXPORT_FAILED', `${p.name} is already fake-quantized`, 'This is a bug in quantization-aware fine-tuning; export without --qat.');
        prep.master.set(p.value);
        fakeQuantizeInPlace(p.value, prep, qmin, qmax, options);
        swapped.add(p.name);
      }
    },
    swapOut(params: readonly Param[], gradients: boolean): void {
      for (const p of params) {
        if (!swapped.has(p.name)) continue;
        const prep = prepared.get(p.name)!;
        p.value.set(prep.master);
        const mask = prep.passMask;
        if (gradients) for (let i = 0; i < mask.length; i++) if (!mask[i]) p.grad[i] = 0;
        swapped.delete(p.name);
      }
    },
  };
}
