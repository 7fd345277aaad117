// The storage formats ONNX Runtime (onnxruntime-node 1.30, CPU provider) cannot run, as
// test/unit/export/ort-float-probe.test.ts finds them with one-node models: BFLOAT16 through
// Cast and FLOAT8E5M2 through DequantizeLinear (opset 19+) run; FLOAT4E2M1 initializers are a
// valid opset-23 type, but no CPU kernel takes them (DequantizeLinear and Cast, opsets 23–25).
// The pipeline still tries every variant in ONNX Runtime (so a later version that runs FP4 is
// verified and written); this sentence is what the report says when the known gap is hit.
import type { Quantizer } from './variants.ts';

export const ORT_CANNOT_RUN: Readonly<Partial<Record<Quantizer, string>>> = {
  fp4: 'ONNX Runtime 1.30 cannot run FP4 E2M1 weights: its CPU provider has no float4e2m1 kernel for DequantizeLinear or Cast (opset 23)',
};

/** The report's note for a variant ONNX Runtime did not load or run: why, and that no model file was written. */
export function unverifiedNote(quantize: Quantizer | null, ortMessage: string): string {
  const why = (quantize && ORT_CANNOT_RUN[quantize]) ?? 'ONNX Runtime did not run it';
  return `${why} (${ortMessage}); no ONNX model was written, the accuracy is the engine's simulation of the same weights and the size is the file's had it been written`;
}
