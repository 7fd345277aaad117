// Finds, checks and instantiates the compiled kernel module (see scripts/build-wasm.mjs). Two
// builds exist: 'relaxed' uses relaxed SIMD's fused multiply-add, 'simd' plain SIMD128. Which
// one this runtime can run is decided by validating tiny probe modules, never by version sniffing.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';

export type WasmVariant = 'relaxed' | 'simd';

/** The functions the kernel module exports (addresses are byte offsets in its memory). */
export interface KernelExports {
  gemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number, c: number): void;
  gemmScratchBytes(): number;
  gemmSetScratch(base: number): void;
  addRowBias(y: number, bias: number, rows: number, cols: number): void;
  addChannelBias(y: number, bias: number, batch: number, channels: number, plane: number): void;
  accumulateRowSums(dy: number, rows: number, cols: number, dBias: number): void;
  accumulateChannelSums(dy: number, batch: number, channels: number, plane: number, dBias: number): void;
  sum(p: number, length: number): number;
  sumSquares(p: number, length: number): number;
  leakyReluForward(x: number, y: number, length: number, slope: number): void;
  leakyReluBackward(x: number, dy: number, dx: number, length: number, slope: number): void;
  addRowBiasLeakyRelu(y: number, bias: number, rows: number, cols: number, slope: number): void;
  im2col(x: number, col: number, channels: number, height: number, width: number, kernelH: number, kernelW: number,
    strideH: number, strideW: number, padH: number, padW: number, outHeight: number, outWidth: number): void;
  col2im(col: number, dx: number, channels: number, height: number, width: number, kernelH: number, kernelW: number,
    strideH: number, strideW: number, padH: number, padW: number, outHeight: number, outWidth: number): void;
  sgdStep(w: number, g: number, length: number, lr: number): void;
  momentumStep(w: number, g: number, m: number, length: number, lr: number, mu: number, nesterov: number, first: number): void;
  adamStep(w: number, g: number, m: number, v: number, length: number, stepSize: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, invBc2Sqrt: number, eps: number, shrink: number): void;
  fusedMultiplyAdd(): number;
}

// A module with one function `() -> ()` whose body is `code` (locals: none).
function probeModule(code: readonly number[]): Uint8Array<ArrayBuffer> {
  const body = [0, ...code, 0x0b];
  return Uint8Array.of(
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, body.length + 2, 0x01, body.length, ...body,
  );
}
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
/** v128.const 0; drop */
const SIMD_PROBE = probeModule([...V128_ZERO, 0x1a]);
/** f32x4.relaxed_madd(0, 0, 0); drop  (opcode 0xfd 261) */
const RELAXED_SIMD_PROBE = probeModule([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02, 0x1a]);

export function supportsSimd(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

export function supportsRelaxedSimd(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** Best build this runtime can run, or null without SIMD. */
export function bestVariant(): WasmVariant | null {
  if (!supportsSimd()) return null;
  return supportsRelaxedSimd() ? 'relaxed' : 'simd';
}

/**
 * Folders searched for kernels-*.wasm: $HYPERLAB_WASM_DIR, this file's folder (in the engine
 * bundle that is dist/, where the build writes them), and the repository's dist/ (sources run
 * directly by Node).
 */
export function kernelSearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = import.meta.dirname;
  const dirs = [here, path.resolve(here, '../../../dist')];
  const fromEnv = env['HYPERLAB_WASM_DIR'];
  return fromEnv ? [path.resolve(fromEnv), ...dirs] : dirs;
}

export function readKernelModule(variant: WasmVariant, dirs: readonly string[] = kernelSearchDirs()): Uint8Array<ArrayBuffer> {
  const name = `kernels-${variant}.wasm`;
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return new Uint8Array(fs.readFileSync(file));
  }
  throw new HyperlabError('KERNELS_UNAVAILABLE', `${name} not found in ${dirs.join(', ')}`,
    'Run `npm run build` (or `node scripts/build-wasm.mjs`), set HYPERLAB_WASM_DIR to the folder holding it, or use HYPERLAB_KERNELS=js.');
}

/** Compiles and instantiates the module over `memory` (synchronous: Node allows it for any size). */
export function instantiateKernels(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): KernelExports {
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: (): never => { throw new HyperlabError('KERNELS_UNAVAILABLE', 'a WebAssembly kernel aborted', 'Report it; HYPERLAB_KERNELS=js avoids the WebAssembly kernels.'); },
    },
  });
  return instance.exports as unknown as KernelExports;
}
