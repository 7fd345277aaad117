// Bias broadcasts, their gradient reductions, ReLU-family activations and float64 reductions.
// Vector loops with scalar tails; pointers are byte addresses, lengths are element counts.
import { madd } from './simd';

export function addRowBias(y: usize, bias: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = y + (<usize>(r * cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const o = <usize>c << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(bias + o)));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(row + o, load<f32>(row + o) + load<f32>(bias + o));
    }
  }
}

function addConstant(p: usize, length: i32, value: f32): void {
  const v = f32x4.splat(value);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) { const o = p + (<usize>i << 2); v128.store(o, f32x4.add(v128.load(o), v)); }
  for (; i < length; i++) { const o = p + (<usize>i << 2); store<f32>(o, load<f32>(o) + value); }
}

export function addChannelBias(y: usize, bias: usize, batch: i32, channels: i32, plane: i32): void {
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      addConstant(y + (<usize>((n * channels + c) * plane) << 2), plane, load<f32>(bias + (<usize>c << 2)));
    }
  }
}

/** dBias[c] += Σ_r dy[r·cols + c]; four columns at a time, rows summed in float32. */
export function accumulateRowSums(dy: usize, rows: i32, cols: i32, dBias: usize): void {
  const c4 = cols & ~3;
  const ld = <usize>cols << 2;
  let c = 0;
  for (; c < c4; c += 4) {
    let s = f32x4.splat(0);
    let p = dy + (<usize>c << 2);
    for (let r = 0; r < rows; r++) { s = f32x4.add(s, v128.load(p)); p += ld; }
    const o = dBias + (<usize>c << 2);
    v128.store(o, f32x4.add(v128.load(o), s));
  }
  for (; c < cols; c++) {
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(dy + (<usize>(r * cols + c) << 2));
    const o = dBias + (<usize>c << 2);
    store<f32>(o, load<f32>(o) + s);
  }
}

/** Σ of `length` floats at p, accumulated in float64 lanes. */
export function sum(p: usize, length: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  const both = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < length; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}

/** Σ x² of `length` floats at p, squares and sums in float64. */
export function sumSquares(p: usize, length: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const both = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < length; i++) { const v = <f64>load<f32>(p + (<usize>i << 2)); s += v * v; }
  return s;
}

export function accumulateChannelSums(dy: usize, batch: i32, channels: i32, plane: i32, dBias: usize): void {
  for (let c = 0; c < channels; c++) {
    let s: f64 = 0;
    for (let n = 0; n < batch; n++) s += sum(dy + (<usize>((n * channels + c) * plane) << 2), plane);
    const o = dBias + (<usize>c << 2);
    store<f32>(o, <f32>(<f64>load<f32>(o) + s));
  }
}

/** y = x > 0 ? x : slope·x  (slope 0: ReLU). */
export function leakyReluForward(x: usize, y: usize, length: i32, slope: f32): void {
  const zero = f32x4.splat(0), s = f32x4.splat(slope);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(y + o, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
  }
  for (; i < length; i++) { const o = <usize>i << 2; const v = load<f32>(x + o); store<f32>(y + o, v > 0 ? v : slope * v); }
}

/** dx = x > 0 ? dy : slope·dy. */
export function leakyReluBackward(x: usize, dy: usize, dx: usize, length: i32, slope: f32): void {
  const zero = f32x4.splat(0), s = f32x4.splat(slope);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(dy + o);
    v128.store(dx + o, v128.bitselect(g, f32x4.mul(g, s), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < length; i++) { const o = <usize>i << 2; const g = load<f32>(dy + o); store<f32>(dx + o, load<f32>(x + o) > 0 ? g : slope * g); }
}

/** y[r·cols + c] = f(y[r·cols + c] + bias[c]) with f = LeakyReLU(slope) (slope 0: ReLU, slope 1: identity). */
export function addRowBiasLeakyRelu(y: usize, bias: usize, rows: i32, cols: i32, slope: f32): void {
  const zero = f32x4.splat(0), s = f32x4.splat(slope);
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = y + (<usize>(r * cols) << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const o = <usize>c << 2;
      const v = f32x4.add(v128.load(row + o), v128.load(bias + o));
      v128.store(row + o, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const v = load<f32>(row + o) + load<f32>(bias + o);
      store<f32>(row + o, v > 0 ? v : slope * v);
    }
  }
}

// keeps madd referenced for builds where no other user inlines it here
export function axpy(y: usize, x: usize, length: i32, a: f32): void {
  const av = f32x4.splat(a);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(y + o, madd(av, v128.load(x + o), v128.load(y + o))); }
  for (; i < length; i++) { const o = <usize>i << 2; store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o)); }
}
