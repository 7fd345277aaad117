// The seam to the compression modules (src/core/compress/): their QuantizedTensor, in the
// engine's layout, as the exporter's StoredWeight over the 2-D view [rows, fanIn]. A form that
// has no ONNX Runtime weight encoding here is refused by name (the report keeps simulated figures).
import { HyperlabError } from '../core/errors.ts';
import type { Granularity, QuantizedTensor } from '../core/compress/types.ts';
import type { StoredWeight } from './stored-weight.ts';

function unsupported(q: QuantizedTensor, what: string): HyperlabError {
  return new HyperlabError('EXPORT_FAILED', `${q.name}: ${what} has no ONNX weight encoding in this exporter`, 'Export this layer with another method (int8, int4, kmeans, ternary, binary, fp16, bf16, fp8 e4m3fn or e5m2 per tensor, fp4 e2m1 in blocks).');
}

function toInt8(values: ArrayLike<number>): Int8Array {
  return Int8Array.from(values as ArrayLike<number>);
}

/** Per channel on axis 0, per tensor, or blocks along the fan-in of a 2-D (or 1×1-kernel) weight. */
function layout(q: QuantizedTensor & { granularity: Granularity }, rows: number, fanIn: number): { axis: 0 | null; blockSize: number | null } {
  const g = q.granularity;
  if (g.kind === 'tensor') return { axis: null, blockSize: null };
  if (g.kind === 'channel') {
    if (g.axis !== 0) throw unsupported(q, `per-channel scales on axis ${g.axis}`);
    return { axis: 0, blockSize: null };
  }
  const spatial = q.shape.slice(2).reduce((a, b) => a * b, 1);
  if (g.axis !== 1 || spatial !== 1 || q.shape[0] !== rows || (q.shape[1] ?? 0) !== fanIn) throw unsupported(q, `blocks on axis ${g.axis} of shape [${q.shape.join(', ')}]`);
  return { axis: null, blockSize: g.blockSize };
}

export function storedFromQuantized(q: QuantizedTensor, rows: number, fanIn: number): StoredWeight {
  switch (q.kind) {
    case 'linear': {
      if (q.type === 'uint8' || q.type === 'uint4') throw unsupported(q, `unsigned ${q.type} weights`);
      const { axis, blockSize } = layout(q, rows, fanIn);
      const zeroPoint = q.zeroPoint.some((z) => z !== 0) ? toInt8(q.zeroPoint) : null;
      return { kind: 'linear', bits: q.type === 'int8' ? 8 : 4, q: toInt8(q.data), scale: q.scale, zeroPoint, axis, blockSize };
    }
    case 'ternary': case 'binary': {
      const { axis, blockSize } = layout(q, rows, fanIn);
      return { kind: 'linear', bits: 4, q: Int8Array.from(q.kind === 'ternary' ? q.values : q.signs), scale: q.scale, zeroPoint: null, axis, blockSize };
    }
    case 'codebook':
      return { kind: 'codebook', bits: q.bits, indices: q.indices, codebook: q.centroids };
    case 'float': {
      if (q.format === 'float16' && q.scale.every((s) => s === 1)) {
        return { kind: 'float16', values: Float32Array.from(new Float16Array((q.codes as Uint16Array).buffer.slice(q.codes.byteOffset, q.codes.byteOffset + q.codes.byteLength))) };
      }
      if (q.format === 'bfloat16' && q.scale.every((s) => s === 1)) return { kind: 'bfloat16', codes: q.codes as Uint16Array };
      if ((q.format === 'float8e4m3fn' || q.format === 'float8e5m2') && q.granularity.kind === 'tensor') return { kind: 'fp8', format: q.format, codes: q.codes as Uint8Array, scale: q.scale[0]! };
      if (q.format === 'float4e2m1' && q.granularity.kind === 'block') {
        const { blockSize } = layout(q, rows, fanIn);
        return { kind: 'fp4', codes: q.codes as Uint8Array, scale: q.scale, blockSize: blockSize! };
      }
      throw unsupported(q, `${q.format}${q.granularity.kind === 'tensor' ? '' : ` with ${q.granularity.kind} scales`}`);
    }
  }
}
