// Bias broadcasts, their gradient reductions, activations and plain reductions.
import { erf } from '../erf.ts';
import type { ActivationKind } from '../types.ts';

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function addRowBias(y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) y[o + c]! += bias[c]!;
  }
}

export function addChannelBias(y: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number): void {
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const b = bias[c]!;
      const o = (n * channels + c) * plane;
      for (let p = 0; p < plane; p++) y[o + p]! += b;
    }
  }
}

export function accumulateRowSums(dy: Float32Array, rows: number, cols: number, dBias: Float32Array): void {
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += dy[r * cols + c]!;
    dBias[c]! += s;
  }
}

export function accumulateChannelSums(dy: Float32Array, batch: number, channels: number, plane: number, dBias: Float32Array): void {
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let n = 0; n < batch; n++) {
      const o = (n * channels + c) * plane;
      for (let p = 0; p < plane; p++) s += dy[o + p]!;
    }
    dBias[c]! += s;
  }
}

function sigmoid(v: number): number {
  // Stable on both tails: never exponentiates a large positive number.
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export function activationForward(kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array, length: number): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < length; i++) { const v = x[i]!; y[i] = v > 0 ? v : 0; }
      return;
    case 'leakyRelu':
      for (let i = 0; i < length; i++) { const v = x[i]!; y[i] = v > 0 ? v : alpha * v; }
      return;
    case 'elu':
      for (let i = 0; i < length; i++) { const v = x[i]!; y[i] = v > 0 ? v : alpha * Math.expm1(v); }
      return;
    case 'gelu':
      for (let i = 0; i < length; i++) { const v = x[i]!; y[i] = 0.5 * v * (1 + erf(v * INV_SQRT2)); }
      return;
    case 'sigmoid':
      for (let i = 0; i < length; i++) y[i] = sigmoid(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < length; i++) y[i] = Math.tanh(x[i]!);
      return;
  }
}

export function activationBackward(
  kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array,
  dy: Float32Array, dx: Float32Array, length: number,
): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < length; i++) dx[i] = x[i]! > 0 ? dy[i]! : alpha * dy[i]!;
      return;
    case 'elu':
      // f'(x) = α·eˣ = f(x) + α for x ≤ 0
      for (let i = 0; i < length; i++) dx[i] = x[i]! > 0 ? dy[i]! : (y[i]! + alpha) * dy[i]!;
      return;
    case 'gelu':
      // d/dx [x·Φ(x)] = Φ(x) + x·φ(x)
      for (let i = 0; i < length; i++) {
        const v = x[i]!;
        const cdf = 0.5 * (1 + erf(v * INV_SQRT2));
        dx[i] = (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)) * dy[i]!;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < length; i++) { const s = y[i]!; dx[i] = s * (1 - s) * dy[i]!; }
      return;
    case 'tanh':
      for (let i = 0; i < length; i++) { const t = y[i]!; dx[i] = (1 - t * t) * dy[i]!; }
      return;
  }
}

export function sum(x: Float32Array, offset: number, length: number): number {
  let s = 0;
  for (let i = offset, end = offset + length; i < end; i++) s += x[i]!;
  return s;
}

export function sumSquares(x: Float32Array, offset: number, length: number): number {
  let s = 0;
  for (let i = offset, end = offset + length; i < end; i++) { const v = x[i]!; s += v * v; }
  return s;
}
