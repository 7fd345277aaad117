// Simulated asynchronous training for any optimizer: the chosen optimizer is stepped with the
// gradient computed τ steps earlier, as a parameter server applies a stale worker's gradient
// with its own update rule (TECHNIQUES.md, asynchronous SGD: x_{t+1} = x_t − η ∇f(x_{t−τ}) is
// this with plain SGD). During the first τ steps no gradient is old enough, so nothing moves
// and the inner optimizer does not count a step (Adam's bias corrections start at its first).
import { HyperlabError } from '../../core/errors.ts';
import type { Optimizer, Param } from '../nn/types.ts';

/** Keys of the wrapper's own checkpoint state; the inner optimizer's keys pass through unchanged. */
const PREFIX = '#delayed.';
const STEP_KEY = `${PREFIX}step`;

export class DelayedGradients implements Optimizer {
  readonly kind: string;
  readonly delay: number;
  readonly inner: Optimizer;
  private t = 0;
  /** Per param: a ring of the last τ+1 gradients, slot t mod (τ+1). */
  private readonly rings = new Map<string, Float32Array[]>();

  constructor(inner: Optimizer, delay: number) {
    if (!(Number.isInteger(delay) && delay >= 1)) throw new HyperlabError('SPEC_INVALID', `gradient delay τ must be an integer ≥ 1 here, got ${delay}`, 'Set train.async.delay to 1, 2, … (0 trains synchronously).');
    this.inner = inner;
    this.delay = delay;
    this.kind = `${inner.kind}+delay${delay}`;
  }

  private ringOf(p: Param): Float32Array[] {
    let ring = this.rings.get(p.name);
    if (!ring) {
      ring = Array.from({ length: this.delay + 1 }, () => new Float32Array(p.grad.length));
      this.rings.set(p.name, ring);
    }
    return ring;
  }

  step(params: readonly Param[], lr: number): void {
    const size = this.delay + 1;
    const now = this.t % size;
    // after the write below, the slot of step t−τ is (t+1) mod (τ+1)
    const stale = (this.t + 1) % size;
    for (const p of params) this.ringOf(p)[now]!.set(p.grad);
    if (this.t >= this.delay) {
      for (const p of params) p.grad.set(this.rings.get(p.name)![stale]!);
      this.inner.step(params, lr);
      // What reads .grad after the step (statistics, tests) sees this step's gradient again.
      for (const p of params) p.grad.set(this.rings.get(p.name)![now]!);
    }
    this.t++;
  }

  state(): Map<string, Float32Array> {
    const out = this.inner.state();
    for (const [name, ring] of this.rings) ring.forEach((g, i) => out.set(`${PREFIX}${name}.grad${i}`, g.slice()));
    out.set(STEP_KEY, Float32Array.of(this.t));
    return out;
  }

  loadState(state: Map<string, Float32Array>): void {
    const inner = new Map<string, Float32Array>();
    this.rings.clear();
    this.t = 0;
    const size = this.delay + 1;
    for (const [key, value] of state) {
      if (!key.startsWith(PREFIX)) {
        inner.set(key, value);
        continue;
      }
      if (key === STEP_KEY) {
        this.t = value[0] ?? 0;
        continue;
      }
      const match = /^(.*)\.grad(\d+)$/.exec(key.slice(PREFIX.length));
      const index = match ? Number(match[2]) : NaN;
      if (!match || !(index < size)) {
        throw new HyperlabError('SPEC_INVALID', `the checkpoint's delayed-gradient state "${key}" does not fit train.async.delay = ${this.delay}`, 'Resume with the train.async.delay the checkpoint was trained with.');
      }
      let ring = this.rings.get(match[1]!);
      if (!ring) {
        ring = Array.from({ length: size }, () => new Float32Array(value.length));
        this.rings.set(match[1]!, ring);
      }
      ring[index] = value.slice();
    }
    this.inner.loadState(inner);
  }
}
