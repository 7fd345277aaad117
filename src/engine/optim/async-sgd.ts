// Simulated asynchronous SGD: each update applies the gradient computed τ steps earlier, as a
// parameter server does with stale workers. Variants:
//   plain:             x_{t+1} = x_t − η g_{t−τ}
//   momentum:          v_{t+1} = m v_t − η(1 − m) g_{t−τ};        x_{t+1} = x_t + v_{t+1}
//   velocityExchange:  v_{t+1} = m v_{t−τ} − η(1 − m) g_{t−τ};    x_{t+1} = x_t + v_{t+1}
// During the first τ steps no gradient is old enough yet, so the parameters stay put.
// On f(x) = a x²/2 the plain variant is stable iff aη < 2 sin(π/(4τ + 2)).
import { HyperlabError } from '../../core/errors.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { stepFromState, stepToState } from './param-state.ts';

export type AsyncVariant = 'plain' | 'momentum' | 'velocityExchange';

export interface AsyncSgdOptions {
  /** Gradient delay τ in steps (0 = ordinary SGD). */
  delay: number;
  variant?: AsyncVariant;
  /** m, for the momentum and velocity-exchange variants (default 0.9). */
  momentum?: number;
}

interface History {
  /** Ring of the last τ+1 gradients (slot t mod (τ+1)). */
  grads: Float32Array[];
  /** Ring of the last τ+1 velocities v_{t}, v_{t−1}, … */
  velocities: Float32Array[];
}

export class AsyncSgd implements Optimizer {
  readonly kind = 'asyncSgd';
  readonly delay: number;
  readonly variant: AsyncVariant;
  readonly momentum: number;
  private t = 0;
  private readonly history = new Map<string, History>();

  constructor(options: AsyncSgdOptions) {
    this.delay = options.delay;
    this.variant = options.variant ?? 'plain';
    this.momentum = this.variant === 'plain' ? 0 : (options.momentum ?? 0.9);
    if (!(Number.isInteger(this.delay) && this.delay >= 0)) throw new HyperlabError('SPEC_INVALID', `gradient delay τ must be an integer ≥ 0, got ${this.delay}`, 'Set train.async.delay to 0, 1, 2, …');
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new HyperlabError('SPEC_INVALID', `async momentum must be in [0, 1), got ${this.momentum}`, 'Use e.g. 0.9.');
  }

  private historyOf(p: Param): History {
    let h = this.history.get(p.name);
    if (!h) {
      const ring = () => Array.from({ length: this.delay + 1 }, () => new Float32Array(p.value.length));
      h = { grads: ring(), velocities: ring() };
      this.history.set(p.name, h);
    }
    return h;
  }

  step(params: readonly Param[], lr: number): void {
    const size = this.delay + 1;
    const now = this.t % size;
    // after the write below, the slot of step t−τ is (t+1) mod (τ+1)
    const stale = (this.t + 1) % size;
    const ready = this.t >= this.delay;
    const m = this.momentum;
    for (const p of params) {
      const h = this.historyOf(p);
      h.grads[now]!.set(p.grad);
      const g = h.grads[stale]!;
      const w = p.value;
      if (this.variant === 'plain') {
        if (ready) for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
        continue;
      }
      // v_s is stored in slot (s − 1) mod (τ+1), v_0 = 0. v_{t+1} overwrites the slot of v_{t−τ}
      // only after that element was read (same index), so the ring of τ+1 suffices.
      const vPrev = h.velocities[(this.t - 1 + size) % size]!;
      const vBase = this.variant === 'momentum' ? vPrev : h.velocities[(this.t - 1 - this.delay + 2 * size) % size]!;
      const vNew = h.velocities[this.t % size]!;
      const usable = this.variant === 'momentum' || this.t - 1 - this.delay >= 0;
      for (let i = 0; i < w.length; i++) {
        const base = this.t === 0 || !usable ? 0 : vBase[i]!;
        const v = m * base - (ready ? lr * (1 - m) * g[i]! : 0);
        vNew[i] = v;
        w[i] = w[i]! + v;
      }
    }
    this.t++;
  }

  state(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, h] of this.history) {
      h.grads.forEach((g, i) => out.set(`${name}.grad${i}`, g.slice()));
      h.velocities.forEach((v, i) => out.set(`${name}.velocity${i}`, v.slice()));
    }
    return stepToState(out, this.t);
  }

  loadState(state: Map<string, Float32Array>): void {
    this.history.clear();
    this.t = stepFromState(state);
    const size = this.delay + 1;
    for (const [key, value] of state) {
      const match = /^(.*)\.(grad|velocity)(\d+)$/.exec(key);
      if (!match) continue;
      const [, name, kind, index] = match as unknown as [string, string, string, string];
      let h = this.history.get(name);
      if (!h) {
        h = { grads: Array.from({ length: size }, () => new Float32Array(value.length)), velocities: Array.from({ length: size }, () => new Float32Array(value.length)) };
        this.history.set(name, h);
      }
      const i = Number(index);
      if (i >= size) throw new HyperlabError('SPEC_INVALID', `async SGD state "${key}" does not fit delay τ = ${this.delay}`, 'Resume with the delay the checkpoint was trained with.');
      (kind === 'grad' ? h.grads : h.velocities)[i] = value.slice();
    }
  }
}
