// Weight snapshots for early stopping (best weights) and stochastic weight averaging.
import type { Buffer, Param } from '../nn/types.ts';

export type Snapshot = Float32Array[];

export function snapshot(items: readonly (Param | Buffer)[]): Snapshot {
  return items.map((p) => p.value.slice());
}

export function restore(items: readonly (Param | Buffer)[], saved: Snapshot): void {
  items.forEach((p, i) => p.value.set(saved[i]!));
}

/** Running mean of the weights: after n snapshots, avg = (1/n)Σ θ_i (PyTorch's AveragedModel). */
export class SwaAverage {
  private sum: Float64Array[] | null = null;
  count = 0;

  add(params: readonly Param[]): void {
    if (this.sum === null) this.sum = params.map((p) => new Float64Array(p.value.length));
    params.forEach((p, k) => {
      const s = this.sum![k]!;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! + p.value[i]!;
    });
    this.count++;
  }

  /** The float64 sums by param name (for checkpoints: resume continues the same average). */
  sums(params: readonly Param[]): { name: string; shape: number[]; data: Float64Array }[] {
    if (this.sum === null) return [];
    return params.map((p, k) => ({ name: p.name, shape: [p.value.length], data: this.sum![k]! }));
  }

  /** Restores sums() and the count; false (and nothing restored) when a param's sum is missing. */
  load(params: readonly Param[], count: number, sumOf: (name: string) => Float64Array | undefined): boolean {
    if (count === 0) return true;
    const saved = params.map((p) => sumOf(p.name));
    if (saved.some((s, k) => !s || s.length !== params[k]!.value.length)) return false;
    this.sum = saved.map((s) => Float64Array.from(s!));
    this.count = count;
    return true;
  }

  /** Writes the average into the params. */
  apply(params: readonly Param[]): void {
    if (this.sum === null || this.count === 0) return;
    params.forEach((p, k) => {
      const s = this.sum![k]!;
      for (let i = 0; i < s.length; i++) p.value[i] = s[i]! / this.count;
    });
  }
}

/** Early stopping on one metric: improvement = beating the best by more than minDelta. */
export class EarlyStopper {
  best = Infinity;
  bestEpoch = -1;
  private bad = 0;
  private readonly sign: number;
  private readonly minDelta: number;
  private readonly patience: number;

  constructor(options: { higherIsBetter: boolean; minDelta: number; patience: number }) {
    this.sign = options.higherIsBetter ? -1 : 1;
    this.minDelta = options.minDelta;
    this.patience = options.patience;
  }

  /** Records an epoch's value; returns whether it is the new best. */
  observe(value: number, epoch: number): boolean {
    const v = this.sign * value;
    if (v < this.best - this.minDelta) {
      this.best = v;
      this.bestEpoch = epoch;
      this.bad = 0;
      return true;
    }
    this.bad++;
    return false;
  }

  shouldStop(): boolean {
    return this.bad >= this.patience;
  }

  bestValue(): number {
    return this.sign * this.best;
  }

  /** Where tracking stands (JSON-safe: ±Infinity as null), for checkpoints. */
  state(): { best: number | null; bestEpoch: number; bad: number } {
    return { best: Number.isFinite(this.best) ? this.best : null, bestEpoch: this.bestEpoch, bad: this.bad };
  }

  load(state: { best: number | null; bestEpoch: number; bad: number }): void {
    this.best = state.best ?? Infinity;
    this.bestEpoch = state.bestEpoch;
    this.bad = state.bad;
  }
}
