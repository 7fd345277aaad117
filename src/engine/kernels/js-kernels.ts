// The plain JavaScript reference implementation of Kernels: the numerical ground truth that
// faster implementations are checked against.
import { col2im, im2col } from './js/conv.ts';
import {
  accumulateChannelSums, accumulateRowSums, activationBackward, activationForward,
  addChannelBias, addRowBias, sum, sumSquares,
} from './js/elementwise.ts';
import { gemm } from './js/gemm.ts';
import { adadeltaStep, adagradStep, adamStep, classicMomentumStep, momentumStep, rmspropStep, sgdStep } from './js/optim.ts';
import type { ActivationKind, Kernels } from './types.ts';

function addRowBiasActivation(kind: ActivationKind, alpha: number, y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  addRowBias(y, bias, rows, cols);
  activationForward(kind, alpha, y, y, rows * cols);
}

export const jsKernels: Kernels = {
  name: 'js',
  alloc: (length) => new Float32Array(length),
  gemm,
  im2col,
  col2im,
  addRowBias,
  addChannelBias,
  accumulateRowSums,
  accumulateChannelSums,
  activationForward,
  activationBackward,
  addRowBiasActivation,
  sgdStep,
  momentumStep,
  adamStep,
  rmspropStep,
  adagradStep,
  adadeltaStep,
  classicMomentumStep,
  sum,
  sumSquares,
};
