// The optimizer steps that Kernels may leave out (MoreOptimizerKernels): a kernels object's own
// implementation when it has one, else the JS reference, which works on any Float32Array
// (WebAssembly-allocated buffers included, as the arena's arrays are ordinary views).
import { jsKernels } from './js-kernels.ts';
import type { Kernels, MoreOptimizerKernels } from './types.ts';

export function optimizerKernel<K extends keyof MoreOptimizerKernels>(kernels: Kernels, step: K): MoreOptimizerKernels[K] {
  const own = kernels[step];
  return own ? (own.bind(kernels) as MoreOptimizerKernels[K]) : jsKernels[step];
}
