// Shared by the WebAssembly kernel tests: builds the .wasm when missing (tests may run before
// `npm run build`), random data, and a float tolerance check against the JS reference.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../../src/engine/rng.ts';
import { bestVariant, supportsRelaxedSimd, type WasmVariant } from '../../../src/engine/kernels/wasm-loader.ts';
import { WasmKernels } from '../../../src/engine/kernels/wasm-kernels.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export function ensureWasmBuilt(): void {
  const missing = ['relaxed', 'simd'].some((v) => !fs.existsSync(path.join(root, 'dist', `kernels-${v}.wasm`)));
  if (missing) execFileSync(process.execPath, [path.join(root, 'scripts/build-wasm.mjs')], { stdio: 'ignore' });
}

/** Every build this runtime can run: plain SIMD always, relaxed when validated. */
export function runnableVariants(): WasmVariant[] {
  return supportsRelaxedSimd() ? ['relaxed', 'simd'] : ['simd'];
}

const instances = new Map<WasmVariant, WasmKernels>();
export function wasmFor(variant: WasmVariant = bestVariant() ?? 'simd'): WasmKernels {
  ensureWasmBuilt();
  let k = instances.get(variant);
  if (!k) {
    k = new WasmKernels({ variant });
    instances.set(variant, k);
  }
  return k;
}

export function fillRandom(a: Float32Array, rng: Rng, scale = 1): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = scale * rng.normal();
  return a;
}

export function randomArray(n: number, rng: Rng, scale = 1): Float32Array {
  return fillRandom(new Float32Array(n), rng, scale);
}

/** max |got − want| ≤ tol · max(1, max |want|), with the worst index in the message. */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol * scale, `${what}: |Δ| = ${worst} at ${at} (got ${got[at]}, want ${want[at]}), allowed ${tol * scale}`);
}
