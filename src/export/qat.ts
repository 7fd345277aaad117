// Quantization-aware fine-tuning (as PyTorch's prepare_qat with a FakeQuantize per weight and a
// min-max observer): each training step's forward and backward compute with every dense/conv
// weight fake-quantized at the export's scheme and granularity, with fresh min-max parameters
// from the current FP32 master weights; the gradient reaches the masters by the straight-through
// estimator (passed where the value lay on the grid, zero where it was clamped) and the optimizer
// updates the masters. The export then quantizes the masters, which gives exactly the weights
// the fine-tuning computed with (same arithmetic, src/core/compress/linear.ts).
import { fakeQuantizeWeights, type LinearOptions } from '../core/compress/index.ts';
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

/** The fake-quantized values of one weight: what the exported model computes with. */
export function fakeQuantizedWeight(w: QatWeight, values: Float32Array, options: LinearOptions): { y: Float32Array; passMask: Uint8Array } {
  return fakeQuantizeWeights({ name: w.name, shape: [w.rows, w.fanIn], data: values }, options);
}

/**
 * The training loop's weight swap for QAT. swapIn keeps a copy of each master and puts its
 * fake-quantized values in its place; swapOut puts the master back and, after a backward,
 * zeroes the gradient where the value was clamped (the straight-through estimator).
 */
export function fakeQuantSwap(weights: readonly QatWeight[], options: LinearOptions): WeightSwap {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const masters = new Map<string, Float32Array>();
  const passMasks = new Map<string, Uint8Array>();
  return {
    swapIn(params: readonly Param[]): void {
      for (const p of params) {
        const w = byName.get(p.name);
        if (!w) continue;
        if (w.rows * w.fanIn !== p.value.length) throw new HyperlabError('EXPORT_FAILED', `${p.name} has ${p.value.length} values, the export expects ${w.rows}×${w.fanIn}`, 'This is a bug in quantization-aware fine-tuning; export without --qat.');
        let master = masters.get(p.name);
        if (!master) { master = new Float32Array(p.value.length); masters.set(p.name, master); }
        if (passMasks.has(p.name)) throw new HyperlabError('EXPORT_FAILED', `${p.name} is already fake-quantized`, 'This is a bug in quantization-aware fine-tuning; export without --qat.');
        master.set(p.value);
        const fq = fakeQuantizedWeight(w, master, options);
        p.value.set(fq.y);
        passMasks.set(p.name, fq.passMask);
      }
    },
    swapOut(params: readonly Param[], gradients: boolean): void {
      for (const p of params) {
        const mask = passMasks.get(p.name);
        if (!mask) continue;
        p.value.set(masters.get(p.name)!);
        if (gradients) for (let i = 0; i < mask.length; i++) if (!mask[i]) p.grad[i] = 0;
        passMasks.delete(p.name);
      }
    },
  };
}
