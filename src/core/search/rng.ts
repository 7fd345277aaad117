// The search's seeded PRNG: mulberry32, as the engine's Rng, with its one-word state readable and
// settable so a sampler's state() can carry it and a resumed sweep draws exactly the numbers it
// would have drawn.
import { mulberry32Advance, mulberry32Output } from '../random/mulberry32.ts';

export class SearchRng {
  private word: number;

  constructor(seed: number) {
    // Spread small seeds (0, 1, 2...) apart so neighbouring seeds give unrelated streams.
    this.word = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  static restore(word: number): SearchRng {
    const rng = new SearchRng(0);
    rng.word = word >>> 0;
    return rng;
  }

  /** The whole state: one uint32. */
  get state(): number {
    return this.word;
  }

  nextUint32(): number {
    return mulberry32Output((this.word = mulberry32Advance(this.word)));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }

  /** Standard normal (Box–Muller; no cached spare, so the state stays one word). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
