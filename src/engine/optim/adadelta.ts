// Adadelta (Zeiler 2012) as PyTorch computes it (whose lr, default 1, scales the update):
//   v ← ρv + (1 − ρ)g²;  Δ = √(u + ε)/√(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − α Δ
import { HyperlabError } from '../../core/errors.ts';
import { jsKernels } from '../kernels/js-kernels.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState } from './param-state.ts';

export interface AdadeltaOptions {
  /** Default 0.9. */
  rho?: number;
  /** Default 1e-6. */
  eps?: number;
  /** Runs the element-wise update (default: the JS reference). */
  kernels?: Kernels;
}

export class Adadelta implements Optimizer {
  readonly kind = 'adadelta';
  readonly rho: number;
  readonly eps: number;
  private readonly slots: ParamState;
  private readonly k: Kernels;

  constructor(options?: AdadeltaOptions) {
    this.rho = options?.rho ?? 0.9;
    this.eps = options?.eps ?? 1e-6;
    const k = options?.kernels ?? jsKernels;
    this.slots = new ParamState(['squareAvg', 'accDelta'], (n) => k.alloc(n));
    this.k = k;
    if (!(this.rho >= 0 && this.rho < 1)) throw new HyperlabError('SPEC_INVALID', `adadelta rho must be in [0, 1), got ${this.rho}`, 'Use the default 0.9.');
  }

  step(params: readonly Param[], lr: number): void {
    for (const p of params) this.k.adadeltaStep(p.value, p.grad, this.slots.get(p, 'squareAvg'), this.slots.get(p, 'accDelta'), lr, this.rho, this.eps);
  }

  state(): Map<string, Float32Array> {
    return this.slots.snapshot();
  }

  loadState(state: Map<string, Float32Array>): void {
    this.slots.load(state, this.kind);
  }
}
