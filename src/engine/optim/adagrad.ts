// Adagrad as PyTorch: s ← s + g²; θ ← θ − α_t g/(√s + ε), α_t = α/(1 + (t − 1)·lrDecay).
import { jsKernels } from '../kernels/js-kernels.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState, stepFromState, stepToState } from './param-state.ts';

export interface AdagradOptions {
  /** Default 1e-10 (PyTorch). */
  eps?: number;
  lrDecay?: number;
  initialAccumulator?: number;
  /** Runs the element-wise update (default: the JS reference). */
  kernels?: Kernels;
}

export class Adagrad implements Optimizer {
  readonly kind = 'adagrad';
  readonly eps: number;
  readonly lrDecay: number;
  readonly initialAccumulator: number;
  private t = 0;
  private readonly slots: ParamState;
  private readonly k: Kernels;

  constructor(options?: AdagradOptions) {
    this.eps = options?.eps ?? 1e-10;
    this.lrDecay = options?.lrDecay ?? 0;
    this.initialAccumulator = options?.initialAccumulator ?? 0;
    const k = options?.kernels ?? jsKernels;
    this.slots = new ParamState(['sum'], (n) => k.alloc(n));
    this.k = k;
  }

  step(params: readonly Param[], lr: number): void {
    this.t++;
    const clr = lr / (1 + (this.t - 1) * this.lrDecay);
    for (const p of params) {
      const fresh = !this.slots.has(p, 'sum');
      const s = this.slots.get(p, 'sum');
      if (fresh && this.initialAccumulator !== 0) s.fill(this.initialAccumulator);
      this.k.adagradStep(p.value, p.grad, s, clr, this.eps);
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
