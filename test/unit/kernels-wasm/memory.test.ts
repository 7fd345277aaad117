import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import { engineKernels, kernelChoice } from '../../../src/engine/kernels/select.ts';
import { bestVariant, readKernelModule, supportsSimd } from '../../../src/engine/kernels/wasm-loader.ts';
import { WasmArena } from '../../../src/engine/kernels/wasm-memory.ts';
import { ensureWasmBuilt, wasmFor } from './helpers.ts';

test('arena: arrays handed out before the memory grows stay attached and keep their values', () => {
  const arena = new WasmArena(64 * 1024);
  const early = arena.alloc(100).fill(7);
  const before = arena.memory.buffer.byteLength;
  const big = arena.alloc(4 * 1024 * 1024); // forces memory.grow
  assert.ok(arena.memory.buffer.byteLength > before);
  assert.equal(early.length, 100, 'not detached');
  assert.ok(early.every((v) => v === 7));
  assert.ok(arena.owns(early) && arena.owns(big));
  big[0] = 1;
  assert.ok(!arena.owns(new Float32Array(4)));
});

test('arena: blocks are 64-byte aligned, disjoint and zeroed; past the cap alloc returns an ordinary array', () => {
  const arena = new WasmArena(64 * 1024, 256 * 1024);
  const a = arena.alloc(3), b = arena.alloc(5);
  assert.equal(a.byteOffset % 64, 0);
  assert.equal(b.byteOffset % 64, 0);
  assert.ok(b.byteOffset >= a.byteOffset + 12);
  assert.ok(b.every((v) => v === 0));
  const over = arena.alloc(1024 * 1024);
  assert.equal(over.length, 1024 * 1024);
  assert.ok(!arena.owns(over));
});

test('kernels keep working on arrays allocated before a grow', () => {
  const k = wasmFor();
  const x = k.alloc(33).fill(2);
  k.alloc(8 * 1024 * 1024); // grow
  assert.equal(k.sum(x, 0, 33), 66);
  const y = k.alloc(33);
  k.activationForward('relu', 0, x, y, 33);
  assert.ok(y.every((v) => v === 2));
});

test('this runtime validates WebAssembly SIMD; the probe picks a build that loads', () => {
  assert.ok(supportsSimd());
  const variant = bestVariant();
  assert.ok(variant === 'relaxed' || variant === 'simd');
  assert.equal(wasmFor(variant).name, `wasm-${variant}`);
});

test('HYPERLAB_KERNELS selects the kernels; a bad value is a typed error naming the variable', () => {
  ensureWasmBuilt();
  assert.equal(kernelChoice({}), 'auto');
  assert.equal(kernelChoice({ HYPERLAB_KERNELS: 'JS' }), 'js');
  assert.equal(engineKernels({ env: { HYPERLAB_KERNELS: 'js' } }), jsKernels);
  assert.match(engineKernels({ env: { HYPERLAB_KERNELS: 'wasm' } }).name, /^wasm-/);
  assert.match(engineKernels({ env: {} }).name, /^wasm-/);
  assert.equal(engineKernels({ env: {} }), engineKernels({ env: {} }), 'one instance (one memory) per process');
  assert.throws(() => kernelChoice({ HYPERLAB_KERNELS: 'gpu' }), (e: unknown) => e instanceof HyperlabError && e.code === 'USAGE' && /HYPERLAB_KERNELS/.test(e.message));
});

test('a missing .wasm is a typed error that says how to build it', () => {
  assert.throws(() => readKernelModule('simd', ['/nonexistent']), (e: unknown) => e instanceof HyperlabError && e.code === 'KERNELS_UNAVAILABLE' && /npm run build/.test(e.hint ?? ''));
});
