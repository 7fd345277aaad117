// The optimizers' element-wise updates, exactly as the optimizers computed them inline (each
// element in float64, rounded once on store), so results stay bit for bit the same.
import type { AdamStepConstants, RmsPropStepConstants } from '../types.ts';

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
  const { stepSize, beta1: b1, oneMinusBeta1: c1, beta2: b2, oneMinusBeta2: c2, bc2Sqrt, eps, shrink } = c;
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = b2 * v[i]! + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! * shrink - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

export function rmspropStep(w: Float32Array, g: Float32Array, v: Float32Array, b: Float32Array | null, c: RmsPropStepConstants): void {
  const { lr, beta, eps, epsInside, momentum } = c;
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    const vi = beta * v[i]! + (1 - beta) * gi * gi;
    v[i] = vi;
    const denom = epsInside ? Math.sqrt(vi + eps) : Math.sqrt(vi) + eps;
    if (b) {
      const bi = momentum * b[i]! + gi / denom;
      b[i] = bi;
      w[i] = w[i]! - lr * bi;
    } else {
      w[i] = w[i]! - (lr * gi) / denom;
    }
  }
}

export function adagradStep(w: Float32Array, g: Float32Array, s: Float32Array, lr: number, eps: number): void {
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    // the step divides by the float64 sum, before it is rounded into the float32 state
    const si = s[i]! + gi * gi;
    s[i] = si;
    w[i] = w[i]! - (lr * gi) / (Math.sqrt(si) + eps);
  }
}

export function adadeltaStep(w: Float32Array, g: Float32Array, v: Float32Array, u: Float32Array, lr: number, rho: number, eps: number): void {
  for (let i = 0, n = w.length; i < n; i++) {
    const gi = g[i]!;
    const vi = rho * v[i]! + (1 - rho) * gi * gi;
    v[i] = vi;
    const delta = (Math.sqrt(u[i]! + eps) / Math.sqrt(vi + eps)) * gi;
    u[i] = rho * u[i]! + (1 - rho) * delta * delta;
    w[i] = w[i]! - lr * delta;
  }
}

export function classicMomentumStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number, nesterov: boolean): void {
  for (let i = 0, n = w.length; i < n; i++) {
    const vOld = v[i]!;
    const vi = mu * vOld - lr * g[i]!;
    v[i] = vi;
    w[i] = nesterov ? w[i]! - mu * vOld + (1 + mu) * vi : w[i]! + vi;
  }
}
