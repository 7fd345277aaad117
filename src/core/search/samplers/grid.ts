// Grid search: every cell of the product of the parameters' grid values, each exactly once, in
// order. Conditional parameters multiply only the cells where they are active, so a grid over
// {sgd, adam} × momentum-when-sgd has |momentum| + 1 cells, not 2·|momentum|. A cell is taken once
// any trial (running, finished, pruned or failed) holds it, which is what makes a resumed or
// parallel grid skip it.
import { HyperlabError } from '../../errors.ts';
import { gridValues, isActive, pointKey } from '../space.ts';
import type { JsonValue, Params, Sampler, SearchSpace, TrialRecord } from '../types.ts';

export function gridCells(space: SearchSpace, points: number): Params[] {
  let cells: Params[] = [{}];
  for (const def of space) {
    const values = gridValues(def.dist, points);
    const next: Params[] = [];
    for (const cell of cells) {
      if (!isActive(def, cell)) next.push(cell);
      else for (const value of values) next.push({ ...cell, [def.path]: value });
    }
    cells = next;
  }
  return cells;
}

export class GridSampler implements Sampler {
  readonly method = 'grid' as const;
  private readonly cells: Params[];

  private readonly space: SearchSpace;

  constructor(space: SearchSpace, points: number) {
    this.space = space;
    this.cells = gridCells(space, points);
  }

  get size(): number {
    return this.cells.length;
  }

  ask(history: readonly TrialRecord[]): Params {
    const taken = new Set(history.map((t) => pointKey(this.space, t.params)));
    const cell = this.cells.find((c) => !taken.has(pointKey(this.space, c)));
    if (cell === undefined) {
      throw new HyperlabError('SEARCH_EXHAUSTED', `the grid's ${this.cells.length} cells have all been tried`,
        'The grid is complete: look at the best trial, or widen the space to search further.');
    }
    return { ...cell };
  }

  /** The grid needs no state: the history says which cells are taken. */
  state(): JsonValue {
    return { method: 'grid' };
  }
}
