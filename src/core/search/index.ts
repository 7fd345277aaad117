// Hyperparameter search, pure: the space and its sampling, the samplers, the pruners, a trial's
// spec. No engine, no store: the sweep runtime drives these.
export type * from './types.ts';
export { VIRTUAL_PARAMS } from './types.ts';
export { searchConfigOf, spaceOf } from './config.ts';
export { materializeTrial, isVirtualParam } from './apply.ts';
export { createSampler, createPbt, createPruner } from './factory.ts';
export { lossOf, orient, bestTrial } from './objective.ts';
export { compoundCandidates, compoundFactors, compoundScale, defaultBlock, repeatBlock } from './architecture.ts';
export { gridCells } from './samplers/grid.ts';
export { SearchRng } from './rng.ts';
