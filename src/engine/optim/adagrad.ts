// Adagrad as PyTorch: s ← s + g²; θ ← θ − α_t g/(√s + ε), α_t = α/(1 + (t − 1)·lrDecay).
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState, stepFromState, stepToState } from './param-state.ts';

export interface AdagradOptions {
  /** Default 1e-10 (PyTorch). */
  eps?: number;
  lrDecay?: number;
  initialAccumulator?: number;
}

export class Adagrad implements Optimizer {
  readonly kind = 'adagrad';
  readonly eps: number;
  readonly lrDecay: number;
  readonly initialAccumulator: number;
  private t = 0;
  private readonly slots = new ParamState(['sum']);

  constructor(options?: AdagradOptions) {
    this.eps = options?.eps ?? 1e-10;
    this.lrDecay = options?.lrDecay ?? 0;
    this.initialAccumulator = options?.initialAccumulator ?? 0;
  }

  step(params: readonly Param[], lr: number): void {
    this.t++;
    const clr = lr / (1 + (this.t - 1) * this.lrDecay);
    for (const p of params) {
      const fresh = !this.slots.has(p, 'sum');
      const s = this.slots.get(p, 'sum');
      if (fresh && this.initialAccumulator !== 0) s.fill(this.initialAccumulator);
      const w = p.value;
      const g = p.grad;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const si = s[i]! + gi * gi;
        s[i] = si;
        w[i] = w[i]! - (clr * gi) / (Math.sqrt(si) + this.eps);
      }
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
