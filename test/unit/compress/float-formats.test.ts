// Exact float formats: hand-computed bit patterns at the edges (max normal, min normal,
// subnormals, ties to even, NaN, infinities, saturation), float16 against Node's own
// Math.f16round / Float16Array, bfloat16 against the float32 bit-truncation rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLOAT_FORMATS, decodeFloat, encodeFloat, encodeFloat32Array } from '../../../src/core/compress/float-formats.ts';
import { HyperlabError } from '../../../src/core/errors.ts';

const hex = (n: number): string => `0x${n.toString(16)}`;
function expectCodes(format: Parameters<typeof encodeFloat>[0], cases: Array<[number, number, boolean?]>): void {
  for (const [x, code, saturate] of cases) {
    assert.equal(hex(encodeFloat(format, x, saturate ?? true)), hex(code), `${format} encode ${x} saturate=${saturate ?? true}`);
  }
}

test('float16: hand-computed patterns, ties to even, overflow to inf, subnormals', () => {
  expectCodes('float16', [
    [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519, 0x7bff],
    [65520, 0x7c00], // halfway between 65504 (odd mantissa) and 65536: even is the overflow → inf
    [1e6, 0x7c00], [-Infinity, 0xfc00], [2 ** -14, 0x0400], [2 ** -24, 0x0001],
    [2 ** -25, 0x0000], // halfway between 0 and the smallest subnormal → 0
    [1.5 * 2 ** -24, 0x0002], [0.75 * 2 ** -24, 0x0001], [-0, 0x8000], [NaN, 0x7e00],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 / 3, 0x3555],
  ]);
  assert.equal(FLOAT_FORMATS.float16.maxFinite, 65504);
  assert.equal(decodeFloat('float16', 0x7c00), Infinity);
  assert.ok(Number.isNaN(decodeFloat('float16', 0x7c01)));
  assert.equal(decodeFloat('float16', 0x0001), 2 ** -24);
  assert.ok(Object.is(decodeFloat('float16', 0x8000), -0));
});

test('float16 agrees with Node 24 Math.f16round and Float16Array on every code and 100,000 values', () => {
  assert.equal(typeof Math.f16round, 'function', 'Node 24 has Math.f16round');
  const f16 = new Float16Array(1);
  const bits = new Uint16Array(f16.buffer);
  for (let code = 0; code < 65536; code++) {
    bits[0] = code;
    const mine = decodeFloat('float16', code);
    if (Number.isNaN(f16[0]!)) assert.ok(Number.isNaN(mine), hex(code));
    else assert.ok(Object.is(mine, f16[0]!), `decode ${hex(code)}: ${mine} vs ${f16[0]}`);
  }
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < 100_000; i++) {
    // random float32 bit patterns concentrated on float16's exponent range and beyond
    u32[0] = ((random() * 2 ** 32) >>> 0) & 0x8fffffff | ((0x60 + Math.floor(random() * 0x30)) << 23);
    const x = f32[0]!;
    f16[0] = x;
    assert.equal(encodeFloat('float16', x), bits[0], `encode ${x}`);
    assert.ok(Object.is(decodeFloat('float16', encodeFloat('float16', x)), Math.f16round(x)), `round ${x}`);
  }
});

test('bfloat16: hand-computed patterns and the float32 round-to-nearest-even bit rule', () => {
  expectCodes('bfloat16', [
    [1, 0x3f80], [Math.fround(Math.PI), 0x4049], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82],
    [-1.5, 0xbfc0], [3.4028234663852886e38, 0x7f80], // float32 max is past bfloat16's max + half ulp
    [2 ** -126, 0x0080], [2 ** -133, 0x0001], [NaN, 0x7fc0], [Infinity, 0x7f80],
  ]);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  let seed = 99;
  for (let i = 0; i < 50_000; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    u32[0] = seed;
    const x = f32[0]!;
    if (Number.isNaN(x)) continue;
    const b = u32[0]!;
    const expected = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
    assert.equal(hex(encodeFloat('bfloat16', x)), hex(expected), `bf16 ${x}`);
  }
});

test('float8e4m3fn: max 448, tie at 464, saturation vs NaN, subnormals, NaN = S.1111.111', () => {
  expectCodes('float8e4m3fn', [
    [1, 0x38], [448, 0x7e], [-448, 0xfe], [464, 0x7e], [464, 0x7e, false], // 464 ties to even 448
    [465, 0x7e], [465, 0x7f, false], [1e9, 0x7e], [Infinity, 0x7e], [-Infinity, 0xfe],
    [Infinity, 0x7f, false], [-1e9, 0x7f, false], [NaN, 0x7f],
    [2 ** -6, 0x08], [2 ** -9, 0x01], [7 * 2 ** -9, 0x07], [2 ** -10, 0x00], [3 * 2 ** -11, 0x01],
    [15 * 2 ** -10, 0x08], // 7.5 subnormal steps: ties to 8 = the smallest normal
    [240, 0x77], [-0, 0x80],
  ]);
  const f = FLOAT_FORMATS.float8e4m3fn;
  assert.equal(f.maxFinite, 448);
  assert.equal(f.minNormal, 2 ** -6);
  assert.equal(f.minSubnormal, 2 ** -9);
  assert.ok(Number.isNaN(decodeFloat('float8e4m3fn', 0x7f)));
  assert.ok(Number.isNaN(decodeFloat('float8e4m3fn', 0xff)));
  assert.equal(decodeFloat('float8e4m3fn', 0x78), 256); // S.1111.000 is a normal number: no infinity
  assert.equal(decodeFloat('float8e4m3fn', 0x07), 7 * 2 ** -9);
  // every finite code decodes and re-encodes to itself
  for (let c = 0; c < 256; c++) if ((c & 0x7f) !== 0x7f) assert.equal(encodeFloat('float8e4m3fn', decodeFloat('float8e4m3fn', c)), c);
});

test('float8e5m2: max 57344, tie at 61440, inf when not saturating, subnormals', () => {
  expectCodes('float8e5m2', [
    [1, 0x3c], [57344, 0x7b], [61439, 0x7b], [61440, 0x7b], [61440, 0x7c, false], // tie → even is the overflow
    [Infinity, 0x7b], [Infinity, 0x7c, false], [-Infinity, 0xfc, false], [-1e6, 0xfb], [NaN, 0x7f],
    [2 ** -14, 0x04], [2 ** -16, 0x01], [3 * 2 ** -16, 0x03], [2 ** -17, 0x00], [1.5 * 2 ** -16, 0x02],
  ]);
  assert.equal(FLOAT_FORMATS.float8e5m2.maxFinite, 57344);
  assert.equal(decodeFloat('float8e5m2', 0x7c), Infinity);
  assert.equal(decodeFloat('float8e5m2', 0xfc), -Infinity);
  for (const c of [0x7d, 0x7e, 0x7f]) assert.ok(Number.isNaN(decodeFloat('float8e5m2', c)));
});

test('float4e2m1: the 8 magnitudes, ties to even, always saturating to 6, NaN is an error', () => {
  const values = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
  values.forEach((v, code) => {
    assert.equal(decodeFloat('float4e2m1', code), v);
    assert.equal(decodeFloat('float4e2m1', code | 8), code === 0 ? -0 : -v);
  });
  expectCodes('float4e2m1', [
    [0.25, 0x0], [0.75, 0x2], [1.25, 0x2], [1.75, 0x4], [2.5, 0x4], [3.5, 0x6], [5, 0x6], [5.01, 0x7],
    [7, 0x7], [100, 0x7], [100, 0x7, false], [Infinity, 0x7], [-Infinity, 0xf], [-0, 0x8], [-2.9, 0xd],
  ]);
  assert.equal(FLOAT_FORMATS.float4e2m1.maxFinite, 6);
  assert.equal(FLOAT_FORMATS.float4e2m1.minSubnormal, 0.5);
  assert.throws(() => encodeFloat('float4e2m1', NaN), (e: unknown) => e instanceof HyperlabError && e.code === 'COMPRESS_INVALID' && /NaN/.test(e.message));
});

test('the float32 array path equals the general encoder for every format on 205,000 float32 patterns, 5,000 of them exact ties', () => {
  const values = new Float32Array(205_015);
  const u32 = new Uint32Array(values.buffer);
  let seed = 2024;
  for (let i = 0; i < 205_000; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    // half the patterns anywhere, half with exponents near the small formats' ranges
    u32[i] = i % 2 ? seed : (seed & 0x807fffff) | ((100 + (seed % 60)) << 23);
    if (i >= 200_000) {
      // exact ties for each format: the bits below its mantissa are 100…0
      const shift = [13, 16, 20, 21, 22][i % 5]!;
      u32[i] = (u32[i]! & ~((1 << shift) - 1)) | (1 << (shift - 1));
    }
  }
  values.set([448, 464, 465, 480, 57344, 61440, 65504, 65520, 6, 5, 2 ** -6, 2 ** -14, 3.4028234663852886e38, -0, 0], 205_000);
  for (const format of ['float16', 'bfloat16', 'float8e4m3fn', 'float8e5m2', 'float4e2m1'] as const) {
    const input = format === 'float4e2m1' ? values.map((v) => (Number.isNaN(v) ? 0 : v)) : values;
    for (const saturate of [true, false]) {
      const codes = encodeFloat32Array(format, input, saturate);
      for (let i = 0; i < input.length; i++) {
        if (codes[i] !== encodeFloat(format, input[i]!, saturate)) assert.fail(`${format} ${input[i]} saturate=${saturate}: ${codes[i]} vs ${encodeFloat(format, input[i]!, saturate)}`);
      }
    }
  }
});
