// Which experiment "Compare Runs" opens on: the tree node it was invoked on (an experiment, or
// a run's experiment), or every run when invoked from the palette.
import type { Store } from '../../core/store/types.ts';

export function experimentOfArgs(store: Store | undefined, args: readonly unknown[]): string | null {
  const node = args[0];
  if (typeof node !== 'object' || node === null) return null;
  const tree = node as { kind?: unknown; experiment?: { name?: unknown }; run?: { experimentName?: unknown; id?: unknown }; sweep?: { experimentName?: unknown } };
  if (tree.kind === 'sweep' && typeof tree.sweep?.experimentName === 'string') return tree.sweep.experimentName;
  if (tree.kind === 'experiment' && typeof tree.experiment?.name === 'string') return tree.experiment.name;
  if (tree.kind === 'run' && typeof tree.run?.experimentName === 'string') return tree.run.experimentName;
  if (tree.kind === 'run' && typeof tree.run?.id === 'number') return store?.getRun(tree.run.id)?.experimentName ?? null;
  return null;
}
