// Which kernels the engine runs: WebAssembly SIMD by default, the JS reference when asked
// (HYPERLAB_KERNELS=js) or when the WebAssembly kernels cannot load. One instance per process,
// so the engine has exactly one WebAssembly memory.
import { HyperlabError } from '../../core/errors.ts';
import { jsKernels } from './js-kernels.ts';
import type { Kernels } from './types.ts';
import { WasmKernels } from './wasm-kernels.ts';

export type KernelChoice = 'auto' | 'js' | 'wasm';

/** HYPERLAB_KERNELS: unset or "auto" (wasm, falling back to js), "js" or "wasm" (wasm or an error). */
export function kernelChoice(env: NodeJS.ProcessEnv = process.env): KernelChoice {
  const raw = (env['HYPERLAB_KERNELS'] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto') return 'auto';
  if (raw === 'js' || raw === 'wasm') return raw;
  throw new HyperlabError('USAGE', `HYPERLAB_KERNELS must be js, wasm or auto, got "${env['HYPERLAB_KERNELS']}"`, 'Unset HYPERLAB_KERNELS for the default (WebAssembly with the JS fallback).');
}

let shared: WasmKernels | null = null;

/** The process's WebAssembly kernels (created on first use; throws if they cannot load). */
export function wasmKernels(): WasmKernels {
  shared ??= new WasmKernels();
  return shared;
}

export interface SelectOptions {
  env?: NodeJS.ProcessEnv;
  /** Told why the fallback was taken. */
  warn?: (message: string) => void;
}

export function engineKernels(options?: SelectOptions): Kernels {
  const choice = kernelChoice(options?.env);
  if (choice === 'js') return jsKernels;
  if (choice === 'wasm') return wasmKernels();
  try {
    return wasmKernels();
  } catch (error) {
    options?.warn?.(`WebAssembly kernels unavailable, using the JS kernels: ${(error as Error).message}`);
    return jsKernels;
  }
}
