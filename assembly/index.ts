// Entry of the kernels module: every export is one kernel over byte addresses in the imported
// memory (see src/engine/kernels/wasm-kernels.ts for the JavaScript side).
export { gemm, gemmScratchBytes, gemmSetScratch } from './gemm';
export {
  addRowBias, addChannelBias, accumulateRowSums, accumulateChannelSums, sum, sumSquares,
  leakyReluForward, leakyReluBackward, addRowBiasLeakyRelu, axpy,
} from './elementwise';
export { im2col, col2im } from './conv';
export { sgdStep, momentumStep, adamStep } from './optim';

/** 1 when this build uses relaxed SIMD's fused multiply-add. */
export function fusedMultiplyAdd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
