// Adadelta (Zeiler 2012) as PyTorch computes it (whose lr, default 1, scales the update):
//   v ← ρv + (1 − ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − α Δ
import { HyperlabError } from '../../core/errors.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState } from './param-state.ts';

export interface AdadeltaOptions {
  /** Default 0.9. */
  rho?: number;
  /** Default 1e-6. */
  eps?: number;
}

export class Adadelta implements Optimizer {
  readonly kind = 'adadelta';
  readonly rho: number;
  readonly eps: number;
  private readonly slots = new ParamState(['squareAvg', 'accDelta']);

  constructor(options?: AdadeltaOptions) {
    this.rho = options?.rho ?? 0.9;
    this.eps = options?.eps ?? 1e-6;
    if (!(this.rho >= 0 && this.rho < 1)) throw new HyperlabError('SPEC_INVALID', `adadelta rho must be in [0, 1), got ${this.rho}`, 'Use the default 0.9.');
  }

  step(params: readonly Param[], lr: number): void {
    const rho = this.rho;
    for (const p of params) {
      const v = this.slots.get(p, 'squareAvg');
      const u = this.slots.get(p, 'accDelta');
      const w = p.value;
      const g = p.grad;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const vi = rho * v[i]! + (1 - rho) * gi * gi;
        v[i] = vi;
        const delta = (Math.sqrt(u[i]! + this.eps) / Math.sqrt(vi + this.eps)) * gi;
        u[i] = rho * u[i]! + (1 - rho) * delta * delta;
        w[i] = w[i]! - lr * delta;
      }
    }
  }

  state(): Map<string, Float32Array> {
    return this.slots.snapshot();
  }

  loadState(state: Map<string, Float32Array>): void {
    this.slots.load(state, this.kind);
  }
}
