// One entry point for every weight quantizer, chosen by a plain description (what the CLI's
// --quantize int8|int4|kmeans4|ternary|fp16|fp8 and the panel's presets map onto), so callers
// loop over a model's weights without knowing each module.
import { quantizeBinary, quantizeTernary } from './binary-ternary.ts';
import { quantizeFloat, type FloatScaling } from './float-quant.ts';
import { quantizeKMeans } from './kmeans.ts';
import { quantizeLinear } from './linear.ts';
import type { FloatFormat, Granularity, IntegerType, LinearScheme, QuantizedTensor, WeightTensor } from './types.ts';

export type QuantizeSpec =
  | { readonly method: 'linear'; readonly type: IntegerType; readonly scheme: LinearScheme; readonly granularity: Granularity }
  | { readonly method: 'kmeans'; readonly bits: number; readonly maxIterations?: number }
  | { readonly method: 'binary'; readonly granularity?: Granularity }
  | { readonly method: 'ternary'; readonly granularity?: Granularity }
  | { readonly method: 'float'; readonly format: FloatFormat; readonly scaling?: FloatScaling; readonly granularity?: Granularity; readonly saturate?: boolean };

export function quantizeTensor(tensor: WeightTensor, spec: QuantizeSpec): QuantizedTensor {
  switch (spec.method) {
    case 'linear': return quantizeLinear(tensor, spec);
    case 'kmeans': return quantizeKMeans(tensor, spec);
    case 'binary': return quantizeBinary(tensor, spec.granularity);
    case 'ternary': return quantizeTernary(tensor, spec.granularity);
    case 'float': return quantizeFloat(tensor, spec);
  }
}

/** Bits per weight of the stored form, without the scales/codebook (for size estimates). */
export function bitsPerWeight(q: QuantizedTensor): number {
  switch (q.kind) {
    case 'linear': return q.type === 'int4' || q.type === 'uint4' ? 4 : 8;
    case 'codebook': return q.bits;
    case 'binary': return 1;
    case 'ternary': return 2;
    case 'float': return q.format === 'float16' || q.format === 'bfloat16' ? 16 : q.format === 'float4e2m1' ? 4 : 8;
  }
}
