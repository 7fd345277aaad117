// Which runs a Run Explorer command acts on, from what VS Code passes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runIdOf, selectedRunIds, selectionStoodIn } from '../../../src/vscode/commands/runSelection.ts';

const node = (id: number) => ({ kind: 'run', run: { id } });

test('the multi-selection when the clicked run is in it; else the clicked run alone', () => {
  assert.deepEqual(selectedRunIds(node(2), [node(1), node(2)], () => []), [1, 2]);
  assert.deepEqual(selectedRunIds(node(3), [node(1), node(2)], () => []), [3]);
  assert.deepEqual(selectedRunIds(7, undefined, () => []), [7]);
});

test('a context menu whose node and selection VS Code could not resolve (undefined, []) acts on the tree\'s selection, not on nothing', () => {
  // Live runs redraw the tree; a menu opened in that moment passed (undefined, []), and Stop asked "Which run?".
  assert.deepEqual(selectedRunIds(undefined, [], () => [{ runId: 4 }, { runId: 5 }]), [4, 5]);
  assert.deepEqual(selectedRunIds(undefined, [undefined, undefined], () => [node(4)]), [4]);
  // A key binding passes nothing at all.
  assert.deepEqual(selectedRunIds(undefined, undefined, () => [node(6)]), [6]);
  assert.deepEqual(selectedRunIds(undefined, undefined, () => []), []);
});

test('runIdOf reads a tree node, a number and { runId }; anything else is no run', () => {
  assert.deepEqual([runIdOf(node(1)), runIdOf(2), runIdOf({ runId: 3 }), runIdOf({ kind: 'experiment' }), runIdOf(1.5), runIdOf(null)], [1, 2, 3, undefined, undefined, undefined]);
});

test('a context menu on a two-run selection where VS Code dropped one of them in a redraw still acts on both', () => {
  // CI: Stop on two selected running runs received (node, [undefined, node]) and stopped one run without asking.
  const tree = () => [{ runId: 1 }, { runId: 2 }];
  assert.deepEqual(selectedRunIds(node(2), [undefined, node(2)], tree), [1, 2]);
  assert.deepEqual(selectedRunIds(node(2), [undefined, undefined], tree), [1, 2]);
  assert.deepEqual(selectedRunIds(node(2), [], tree), [1, 2]);
  // Resolved arguments are taken as they are; a run outside the tree's selection acts alone.
  assert.deepEqual(selectedRunIds(node(2), [node(2), node(3)], tree), [2, 3]);
  assert.deepEqual(selectedRunIds(node(5), [undefined, node(5)], tree), [5]);
  assert.deepEqual(selectedRunIds(node(5), undefined, tree), [5]);
});

test('the tree\'s selection stood in for the menu\'s row only when a menu passed a selection but no resolvable run (Stop then asks, even for one run)', () => {
  assert.equal(selectionStoodIn(undefined, []), true);
  assert.equal(selectionStoodIn(undefined, [undefined]), true);
  assert.equal(selectionStoodIn(node(2), [node(2)]), false, 'the row clicked is known');
  assert.equal(selectionStoodIn(undefined, undefined), false, 'a key binding or the palette: the selection is what the person chose');
  assert.equal(selectionStoodIn(7, undefined), false);
});

