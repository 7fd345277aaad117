// Which runs a command is about, from what VS Code passes it (a tree node, a number, { runId },
// the tree's multi-selection) and, when that names no run, the tree's selection. Pure: no vscode
// import, so it is unit-tested.

/** A run id from a tree node ({ kind: 'run', run }), a number, or { runId }. */
export function runIdOf(arg: unknown): number | undefined {
  if (typeof arg === 'number' && Number.isInteger(arg)) return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const record = arg as { kind?: unknown; run?: { id?: unknown }; runId?: unknown };
  if (record.kind === 'run' && typeof record.run?.id === 'number') return record.run.id;
  if (typeof record.runId === 'number') return record.runId;
  return undefined;
}

/** The runs a command acts on: the multi-selection when the clicked run is part of it, else the clicked run, else the tree's selection (a key binding passes nothing). */
export function selectedRunIds(arg: unknown, selection: unknown, treeSelection: () => readonly unknown[]): number[] {
  const ids = (items: readonly unknown[]): number[] => items.map(runIdOf).filter((id): id is number => id !== undefined);
  const clicked = runIdOf(arg);
  // Live runs redraw the tree every second, and VS Code passes undefined for any element it dropped
  // in a redraw: the node, or some of the selection (CI: Stop on two selected running runs got
  // [undefined, clicked] and stopped one run without asking). The tree's selection, kept as run ids
  // from VS Code's selection events, fills in what the arguments lost.
  const tree = ids(treeSelection());
  const union = (many: readonly number[]): number[] => [...new Set([...tree, ...many])];
  if (Array.isArray(selection)) {
    const many = ids(selection);
    if (many.length > 0 && (clicked === undefined || many.includes(clicked))) {
      // Part of the selection unresolved: the tree's selection says what it was.
      return many.length < selection.length && (clicked === undefined || tree.includes(clicked)) ? union(many) : many;
    }
  }
  if (clicked !== undefined) {
    // A right-click on a row of the tree's multi-selection acts on all of it, even when VS Code
    // could resolve none of the others.
    return tree.length > 1 && tree.includes(clicked) && Array.isArray(selection) ? union([clicked]) : [clicked];
  }
  // No run given: a key binding or the palette passes none, or the menu's node was dropped.
  return tree;
}

/**
 * Whether the runs a context-menu command got are the tree's selection standing in for a row VS
 * Code could not resolve (it was redrawn as the menu opened): a destructive command then asks
 * first, naming them, even for one run, since the row clicked may not be among them.
 */
export function selectionStoodIn(arg: unknown, selection: unknown): boolean {
  return Array.isArray(selection) && runIdOf(arg) === undefined;
}
