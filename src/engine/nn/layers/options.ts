import { jsKernels } from '../../kernels/js-kernels.ts';
import type { Kernels } from '../../kernels/types.ts';

/** What every layer constructor accepts besides its own sizes. */
export interface LayerOptions {
  /** Defaults to the JS reference kernels. */
  kernels?: Kernels;
}

export function kernelsOf(options: LayerOptions | undefined): Kernels {
  return options?.kernels ?? jsKernels;
}
