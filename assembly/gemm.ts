// Packed, register-blocked GEMM: C = alpha·op(A)·op(B) + beta·C, every transpose combination.
// op(A) (m×k) is packed into slivers of MR rows and op(B) (k×n) into slivers of NR columns,
// both laid out k-major, so one micro-kernel serves all four transpose cases and reads its
// operands contiguously. Blocking (KC × NC of B, MC × KC of A) keeps a B sliver in L1 and
// the A block in L2. Pointers are byte addresses in linear memory, all matrices row-major.
import { imin, madd } from './simd';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;
const NC = 512;

let packA: usize = 0;
let packB: usize = 0;
let tile: usize = 0;

/** Bytes of scratch the GEMM needs: packed A block, packed B block, one edge tile. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

export function gemmSetScratch(base: usize): void {
  packA = base;
  packB = packA + <usize>(MC * KC * 4);
  tile = packB + <usize>(KC * NC * 4);
}

// 4×4 transpose of four rows r0..r3 into four columns, stored at d, d+16, d+32, d+48.
// @ts-ignore: decorator
@inline function storeTransposed(d: usize, step: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + step, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * step, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * step, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** op(A)[i0 .. i0+mc, p0 .. p0+kc] → MR-row slivers, each kc × MR, zero-padded. */
function packABlock(transA: i32, A: usize, m: i32, k: i32, i0: i32, mc: i32, p0: i32, kc: i32): void {
  let d = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = imin(MR, mc - ir);
    const i = i0 + ir;
    if (transA) {
      // stored k×m: the MR values of one p are contiguous
      let s = A + ((<usize>p0 * <usize>m + <usize>i) << 2);
      const ld = <usize>m << 2;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) { v128.store(d, v128.load(s)); d += 16; s += ld; }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>r << 2)) : 0);
          d += 16; s += ld;
        }
      }
    } else {
      // stored m×k: rows contiguous in p; transpose 4×4 blocks
      const ld = <usize>k << 2;
      const s0 = A + ((<usize>i * <usize>k + <usize>p0) << 2);
      if (rows == MR) {
        const kc4 = kc & ~3;
        let p = 0;
        for (; p < kc4; p += 4) {
          const o = s0 + (<usize>p << 2);
          storeTransposed(d, 16, v128.load(o), v128.load(o + ld), v128.load(o + 2 * ld), v128.load(o + 3 * ld));
          d += 64;
        }
        for (; p < kc; p++) {
          const o = s0 + (<usize>p << 2);
          store<f32>(d, load<f32>(o)); store<f32>(d, load<f32>(o + ld), 4);
          store<f32>(d, load<f32>(o + 2 * ld), 8); store<f32>(d, load<f32>(o + 3 * ld), 12);
          d += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = s0 + (<usize>p << 2);
          for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(o + <usize>r * ld) : 0);
          d += 16;
        }
      }
    }
  }
}

/** op(B)[p0 .. p0+kc, j0 .. j0+nc] → NR-column slivers, each kc × NR, zero-padded. */
function packBBlock(transB: i32, B: usize, n: i32, k: i32, j0: i32, nc: i32, p0: i32, kc: i32): void {
  let d = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = imin(NR, nc - jr);
    const j = j0 + jr;
    if (!transB) {
      // stored k×n: the NR values of one p are contiguous
      let s = B + ((<usize>p0 * <usize>n + <usize>j) << 2);
      const ld = <usize>n << 2;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) { v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16); d += 32; s += ld; }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>c << 2)) : 0);
          d += 32; s += ld;
        }
      }
    } else {
      // stored n×k: each column j is a contiguous row of B; transpose 4×4 blocks
      const ld = <usize>k << 2;
      const s0 = B + ((<usize>j * <usize>k + <usize>p0) << 2);
      if (cols == NR) {
        const kc4 = kc & ~3;
        let p = 0;
        for (; p < kc4; p += 4) {
          const o = s0 + (<usize>p << 2);
          storeTransposed(d, 32, v128.load(o), v128.load(o + ld), v128.load(o + 2 * ld), v128.load(o + 3 * ld));
          const o4 = o + 4 * ld;
          storeTransposed(d + 16, 32, v128.load(o4), v128.load(o4 + ld), v128.load(o4 + 2 * ld), v128.load(o4 + 3 * ld));
          d += 128;
        }
        for (; p < kc; p++) {
          const o = s0 + (<usize>p << 2);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(o + <usize>c * ld));
          d += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = s0 + (<usize>p << 2);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(o + <usize>c * ld) : 0);
          d += 32;
        }
      }
    }
  }
}

// One output row of the tile: C = alpha·acc + beta·C (beta == 0 never reads C, so NaNs in C
// do not leak through, as the interface promises).
// @ts-ignore: decorator
@inline function writeRow(c: usize, lo: v128, hi: v128, alpha: v128, beta: v128, readC: bool): void {
  if (readC) {
    v128.store(c, madd(v128.load(c), beta, f32x4.mul(lo, alpha)));
    v128.store(c, madd(v128.load(c, 16), beta, f32x4.mul(hi, alpha)), 16);
  } else {
    v128.store(c, f32x4.mul(lo, alpha));
    v128.store(c, f32x4.mul(hi, alpha), 16);
  }
}

/** The MR×NR register tile over kc packed steps, written to c (row stride ldc bytes). */
function microKernel(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16; pb += 32;
  }
  const av = f32x4.splat(alpha), bv = f32x4.splat(beta);
  const readC = beta != 0;
  writeRow(c, c00, c01, av, bv, readC);
  writeRow(c + ldc, c10, c11, av, bv, readC);
  writeRow(c + 2 * ldc, c20, c21, av, bv, readC);
  writeRow(c + 3 * ldc, c30, c31, av, bv, readC);
}

function scaleC(C: usize, count: i32, beta: f32): void {
  for (let i = 0; i < count; i++) {
    const p = C + (<usize>i << 2);
    store<f32>(p, beta == 0 ? <f32>0 : beta * load<f32>(p));
  }
}

export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, A: usize, B: usize, beta: f32, C: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) { scaleC(C, m * n, beta); return; }
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = imin(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = imin(KC, k - pc);
      packBBlock(transB, B, n, k, jc, nc, pc, kc);
      const betaHere: f32 = pc == 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = imin(MC, m - ic);
        packABlock(transA, A, m, k, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packB + (<usize>(jr * kc) << 2);
          const cols = imin(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packA + (<usize>(ir * kc) << 2);
            const rows = imin(MR, mc - ir);
            const c = C + ((<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) << 2);
            if (rows == MR && cols == NR) {
              microKernel(pa, pb, kc, c, ldc, alpha, betaHere);
            } else {
              microKernel(pa, pb, kc, tile, NR * 4, 1, 0);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  const pc2 = c + <usize>r * ldc + (<usize>q << 2);
                  const v = alpha * load<f32>(tile + (<usize>(r * NR + q) << 2));
                  store<f32>(pc2, betaHere == 0 ? v : v + betaHere * load<f32>(pc2));
                }
              }
            }
          }
        }
      }
    }
  }
}
