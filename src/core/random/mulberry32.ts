// mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by a Weyl step and
// tempered into the output. The engine's Rng and the search's SearchRng both draw from it, so a
// seed means the same stream in both; each keeps its own state so it can save and restore it.

/** The next state: the Weyl step. */
export function mulberry32Advance(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The uint32 a state gives (call it on the advanced state). */
export function mulberry32Output(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
