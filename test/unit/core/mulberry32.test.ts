// One mulberry32 for the engine and the search: the published algorithm's stream (the reference
// implementation's first outputs for seed 1), drawn alike by both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SearchRng } from '../../../src/core/search/rng.ts';
import { mulberry32Advance, mulberry32Output } from '../../../src/core/random/mulberry32.ts';
import { Rng } from '../../../src/engine/rng.ts';

test('mulberry32 from state 1 gives the reference stream, in the engine\'s Rng and the search\'s SearchRng alike', () => {
  // mulberry32(1) as its author published it: t = a += 0x6D2B79F5; ... (t ^ t >>> 14) >>> 0
  const reference = [2693262067, 11749833, 2265367787];
  let state = 1;
  assert.deepEqual(reference.map(() => mulberry32Output((state = mulberry32Advance(state)))), reference);
  const engine = new Rng(1);
  assert.deepEqual(reference.map(() => engine.nextUint32()), reference);
  const search = SearchRng.restore(1);
  assert.deepEqual(reference.map(() => search.nextUint32()), reference);
  assert.equal(search.state, (1 + 3 * 0x6d2b79f5) >>> 0, 'the state a resumed sweep saves');
});
