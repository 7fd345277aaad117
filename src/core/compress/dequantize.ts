// Back to float32, one rule per QuantizedTensor variant. These are the values the compressed
// model computes with (the simulated weights the engine evaluates and ONNX Runtime reproduces):
//   linear   — ONNX DequantizeLinear: fp32((q − Z)·S) with the element's group's S and Z;
//   codebook — centroids[index];
//   binary   — α·sign; ternary — α·t;
//   float    — decode(code)·S (S = 1 for a plain cast).
import { decodeFloat } from './float-formats.ts';
import { groupLayout } from './groups.ts';
import { dequantizeValue } from './linear.ts';
import type { QuantizedTensor } from './types.ts';

export function dequantize(q: QuantizedTensor): Float32Array {
  switch (q.kind) {
    case 'linear': {
      const layout = groupLayout(q.name, q.shape, q.granularity);
      const out = new Float32Array(q.data.length);
      for (let i = 0; i < out.length; i++) {
        const g = layout.index[i]!;
        out[i] = dequantizeValue(q.data[i]!, q.scale[g]!, q.zeroPoint[g]!);
      }
      return out;
    }
    case 'codebook': {
      const out = new Float32Array(q.indices.length);
      for (let i = 0; i < out.length; i++) out[i] = q.centroids[q.indices[i]!]!;
      return out;
    }
    case 'binary': {
      const layout = groupLayout(q.name, q.shape, q.granularity);
      const out = new Float32Array(q.signs.length);
      for (let i = 0; i < out.length; i++) out[i] = q.scale[layout.index[i]!]! * q.signs[i]!;
      return out;
    }
    case 'ternary': {
      const layout = groupLayout(q.name, q.shape, q.granularity);
      const out = new Float32Array(q.values.length);
      for (let i = 0; i < out.length; i++) out[i] = q.scale[layout.index[i]!]! * q.values[i]!;
      return out;
    }
    case 'float': {
      const layout = groupLayout(q.name, q.shape, q.granularity);
      // decode through a table: at most 65,536 codes, and weights repeat codes a lot
      const table = new Map<number, number>();
      const out = new Float32Array(q.codes.length);
      for (let i = 0; i < out.length; i++) {
        const code = q.codes[i]!;
        let v = table.get(code);
        if (v === undefined) {
          v = decodeFloat(q.format, code);
          table.set(code, v);
        }
        const s = q.scale[layout.index[i]!]!;
        out[i] = s === 1 ? v : v * s;
      }
      return out;
    }
  }
}
