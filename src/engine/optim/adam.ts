// Adam with bias correction, and AdamW's decoupled weight decay, as PyTorch computes them:
//   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²
//   θ ← θ − (α / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
// AdamW first shrinks θ ← θ(1 − αλ), on the roles in `decayRoles` (weights only by default).
import { HyperlabError } from '../../core/errors.ts';
import { jsKernels } from '../kernels/js-kernels.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer, Param, ParamRole } from '../nn/types.ts';
import { ParamState, stepFromState, stepToState } from './param-state.ts';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay λ (AdamW); 0 is plain Adam. */
  weightDecay?: number;
  decayRoles?: readonly ParamRole[];
  /** Runs the element-wise update (default: the JS reference). */
  kernels?: Kernels;
}

export class Adam implements Optimizer {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decayRoles: readonly ParamRole[];
  private t = 0;
  private readonly slots: ParamState;
  private readonly k: Kernels;

  constructor(options?: AdamOptions) {
    this.beta1 = options?.beta1 ?? 0.9;
    this.beta2 = options?.beta2 ?? 0.999;
    this.eps = options?.eps ?? 1e-8;
    this.weightDecay = options?.weightDecay ?? 0;
    this.decayRoles = options?.decayRoles ?? ['weight'];
    this.kind = this.weightDecay > 0 ? 'adamw' : 'adam';
    const k = options?.kernels ?? jsKernels;
    this.k = k;
    this.slots = new ParamState(['expAvg', 'expAvgSq'], (n) => k.alloc(n));
    for (const [field, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new HyperlabError('SPEC_INVALID', `adam ${field} must be in [0, 1), got ${v}`, 'Use the defaults 0.9 and 0.999 unless you have a reason.');
    }
    if (!(this.weightDecay >= 0)) throw new HyperlabError('SPEC_INVALID', `weight decay must be ≥ 0, got ${this.weightDecay}`, 'Use e.g. 0.01 for AdamW.');
  }

  step(params: readonly Param[], lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const stepSize = lr / (1 - b1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    // Every constant in float64 here: the WebAssembly kernel works in float32 and takes them as given.
    for (const p of params) {
      const m = this.slots.get(p, 'expAvg');
      const v = this.slots.get(p, 'expAvgSq');
      const shrink = this.weightDecay > 0 && this.decayRoles.includes(p.role) ? 1 - lr * this.weightDecay : 1;
      this.k.adamStep(p.value, p.grad, m, v, { stepSize, beta1: b1, oneMinusBeta1: 1 - b1, beta2: b2, oneMinusBeta2: 1 - b2, bc2Sqrt, eps, shrink });
    }
  }

  state(): Map<string, Float32Array> {
    return stepToState(this.slots.snapshot(), this.t);
  }

  loadState(state: Map<string, Float32Array>): void {
    this.slots.load(state, this.kind);
    this.t = stepFromState(state);
  }
}
