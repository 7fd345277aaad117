// The optimizers' element-wise updates, exactly as the optimizers computed them inline (each
// element in float64, rounded once on store), so results stay bit for bit the same.
import type { AdamStepConstants } from '../types.ts';

export function sgdStep(w: Float32Array, g: Float32Array, lr: number): void {
  for (let i = 0, n = w.length; i < n; i++) w[i] = w[i]! - lr * g[i]!;
}

export function momentumStep(w: Float32Array, g: Float32Array, m: Float32Array, lr: number, mu: number, nesterov: boolean, first: boolean): void {
  for (let i = 0, n = w.length; i < n; i++) {
    // PyTorch's first step sets the buffer to g (same as μ·0 + g).
    const mi = first ? g[i]! : mu * m[i]! + g[i]!;
    m[i] = mi;
    const d = nesterov ? g[i]! + mu * mi : mi;
    w[i] = w[i]! - lr * d;
  }
}

export function adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamStepConstants): void {
  const { stepSize, beta1: b1, beta2: b2, bc2Sqrt, eps, shrink } = c;
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + (1 - b1) * gi;
    const vi = b2 * v[i]! + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! * shrink - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}
