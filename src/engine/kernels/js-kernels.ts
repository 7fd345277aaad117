// The plain JavaScript reference implementation of Kernels: the numerical ground truth that
// faster implementations are checked against.
import { col2im, im2col } from './js/conv.ts';
import {
  accumulateChannelSums, accumulateRowSums, activationBackward, activationForward,
  addChannelBias, addRowBias, sum, sumSquares,
} from './js/elementwise.ts';
import { gemm } from './js/gemm.ts';
import type { Kernels } from './types.ts';

export const jsKernels: Kernels = {
  name: 'js',
  gemm,
  im2col,
  col2im,
  addRowBias,
  addChannelBias,
  accumulateRowSums,
  accumulateChannelSums,
  activationForward,
  activationBackward,
  sum,
  sumSquares,
};
