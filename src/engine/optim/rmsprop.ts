// RMSProp as PyTorch: v ← βv + (1 − β)g²; θ ← θ − α g/(√v + ε) (ε outside the root by default;
// `epsInside` gives the √(v + ε) form some texts use). Optional momentum: b ← μb + g/(√v+ε); θ ← θ − α b.
import { HyperlabError } from '../../core/errors.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState } from './param-state.ts';

export interface RmsPropOptions {
  /** β (PyTorch's alpha), default 0.99. */
  beta?: number;
  /** Default 1e-8. */
  eps?: number;
  epsInside?: boolean;
  momentum?: number;
}

export class RmsProp implements Optimizer {
  readonly kind = 'rmsprop';
  readonly beta: number;
  readonly eps: number;
  readonly epsInside: boolean;
  readonly momentum: number;
  private readonly slots = new ParamState(['squareAvg', 'momentum']);

  constructor(options?: RmsPropOptions) {
    this.beta = options?.beta ?? 0.99;
    this.eps = options?.eps ?? 1e-8;
    this.epsInside = options?.epsInside ?? false;
    this.momentum = options?.momentum ?? 0;
    if (!(this.beta >= 0 && this.beta < 1)) throw new HyperlabError('SPEC_INVALID', `rmsprop beta must be in [0, 1), got ${this.beta}`, 'Use e.g. 0.99 (PyTorch) or 0.9.');
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new HyperlabError('SPEC_INVALID', `rmsprop momentum must be in [0, 1), got ${this.momentum}`, 'Use 0 or e.g. 0.9.');
  }

  step(params: readonly Param[], lr: number): void {
    const b = this.beta;
    for (const p of params) {
      const v = this.slots.get(p, 'squareAvg');
      const buf = this.momentum > 0 ? this.slots.get(p, 'momentum') : null;
      const w = p.value;
      const g = p.grad;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const vi = b * v[i]! + (1 - b) * gi * gi;
        v[i] = vi;
        const denom = this.epsInside ? Math.sqrt(vi + this.eps) : Math.sqrt(vi) + this.eps;
        if (buf) {
          const bi = this.momentum * buf[i]! + gi / denom;
          buf[i] = bi;
          w[i] = w[i]! - lr * bi;
        } else {
          w[i] = w[i]! - (lr * gi) / denom;
        }
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
