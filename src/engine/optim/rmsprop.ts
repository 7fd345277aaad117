// RMSProp as PyTorch: v ← βv + (1 − β)g²; θ ← θ − α g/(√v + ε) (ε outside the root by default;
// `epsInside` gives the √(v + ε) form some texts use). Optional momentum: b ← μb + g/(√v+ε); θ ← θ − α b.
import { HyperlabError } from '../../core/errors.ts';
import { jsKernels } from '../kernels/js-kernels.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState } from './param-state.ts';

export interface RmsPropOptions {
  /** β (PyTorch's alpha), default 0.99. */
  beta?: number;
  /** Default 1e-8. */
  eps?: number;
  epsInside?: boolean;
  momentum?: number;
  /** Runs the element-wise update (default: the JS reference). */
  kernels?: Kernels;
}

export class RmsProp implements Optimizer {
  readonly kind = 'rmsprop';
  readonly beta: number;
  readonly eps: number;
  readonly epsInside: boolean;
  readonly momentum: number;
  private readonly slots: ParamState;
  private readonly k: Kernels;

  constructor(options?: RmsPropOptions) {
    this.beta = options?.beta ?? 0.99;
    this.eps = options?.eps ?? 1e-8;
    this.epsInside = options?.epsInside ?? false;
    this.momentum = options?.momentum ?? 0;
    const k = options?.kernels ?? jsKernels;
    this.slots = new ParamState(['squareAvg', 'momentum'], (n) => k.alloc(n));
    this.k = k;
    if (!(this.beta >= 0 && this.beta < 1)) throw new HyperlabError('SPEC_INVALID', `rmsprop beta must be in [0, 1), got ${this.beta}`, 'Use e.g. 0.99 (PyTorch) or 0.9.');
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new HyperlabError('SPEC_INVALID', `rmsprop momentum must be in [0, 1), got ${this.momentum}`, 'Use 0 or e.g. 0.9.');
  }

  step(params: readonly Param[], lr: number): void {
    const c = { lr, beta: this.beta, eps: this.eps, epsInside: this.epsInside, momentum: this.momentum };
    for (const p of params) {
      const v = this.slots.get(p, 'squareAvg');
      const buf = this.momentum > 0 ? this.slots.get(p, 'momentum') : null;
      this.k.rmspropStep(p.value, p.grad, v, buf, c);
    }
  }

  state(): Map<string, Float32Array> {
    return this.slots.snapshot();
  }

  loadState(state: Map<string, Float32Array>): void {
    this.slots.load(state, this.kind);
  }
}
