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
  if (Array.isArray(selection)) {
    const many = ids(selection);
    // An empty or unresolvable selection says nothing: fall through to the clicked run, then the tree's.
    if (many.length > 0 && (clicked === undefined || many.includes(clicked))) return many;
  }
  if (clicked !== undefined) return [clicked];
  // No run given: a key binding or the palette passes none, and a context menu opened on a row
  // while the tree was being redrawn (live runs redraw it every second) can pass elements VS Code
  // no longer resolves (the node undefined, the selection empty); seen in the CI dry run as a
  // "Which run?" picker after Stop on two selected running runs. The tree's selection is the run meant.
  return ids(treeSelection());
}
