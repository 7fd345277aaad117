// The compression modules' quantizer for a variant, shared by the export (which stores the
// weights with it) and quantization-aware fine-tuning (which trains against the same grid).
import type { Granularity, QuantizeSpec } from '../core/compress/index.ts';
import type { VariantSpec } from './variants.ts';

/** Over the 2-D view [rows, fanIn] of a weight (blocks run along the fan-in). */
export function quantizeSpec(v: VariantSpec): QuantizeSpec | null {
  const g = v.granularity;
  const granularity: Granularity = g.kind === 'tensor' ? { kind: 'tensor' } : g.kind === 'channel' ? { kind: 'channel', axis: 0 } : { kind: 'block', axis: 1, blockSize: g.size };
  switch (v.quantize) {
    case null: return null;
    case 'fp16': return { method: 'float', format: 'float16' };
    case 'bf16': return { method: 'float', format: 'bfloat16' };
    case 'fp8': return { method: 'float', format: 'float8e4m3fn', scaling: 'absmax', saturate: true };
    case 'fp8e5m2': return { method: 'float', format: 'float8e5m2', scaling: 'absmax', saturate: true };
    // MXFP4: a power-of-two scale per block along the fan-in (OCP MX v1.0)
    case 'fp4': return { method: 'float', format: 'float4e2m1', scaling: 'mx', granularity };
    case 'int8': return { method: 'linear', type: 'int8', scheme: 'symmetric', granularity };
    case 'int4': return { method: 'linear', type: 'int4', scheme: 'symmetric', granularity };
    case 'ternary': return { method: 'ternary', granularity: { kind: 'channel', axis: 0 } };
    case 'kmeans4': return { method: 'kmeans', bits: 4 };
  }
}
