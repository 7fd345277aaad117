// What a checkpoint must carry besides weights and optimizer state for a resumed run to go on
// as if never interrupted: the best-checkpoint and early-stopping trackers (else the first epoch
// after a resume always counts as "best" and overwrites best.safetensors, and patience restarts),
// early stopping's best weights, and the SWA sums.
import type { Buffer, Param } from '../nn/types.ts';
import type { EarlyStopper, Snapshot, SwaAverage } from './averaging.ts';
import type { CheckpointExtras, LoadedCheckpoint } from './checkpoint.ts';
import type { NamedTensor } from './safetensors.ts';

const SWA_PREFIX = 'swa.';
const BEST_PREFIX = 'earlyStopping.';

export interface Tracking {
  bestByValLoss: EarlyStopper;
  stopper: EarlyStopper;
  swa: SwaAverage;
  /** Early stopping's best weights, params then buffers (null: none yet, or not restored at the end). */
  bestWeights: Snapshot | null;
}

interface SavedTracking {
  bestByValLoss: ReturnType<EarlyStopper['state']>;
  earlyStopping: ReturnType<EarlyStopper['state']>;
  swaCount: number;
}

export function trackingExtras(t: Tracking, params: readonly Param[], items: readonly (Param | Buffer)[]): CheckpointExtras {
  const saved: SavedTracking = { bestByValLoss: t.bestByValLoss.state(), earlyStopping: t.stopper.state(), swaCount: t.swa.count };
  const tensors: NamedTensor[] = t.swa.sums(params).map((s) => ({ ...s, name: SWA_PREFIX + s.name }));
  if (t.bestWeights) items.forEach((p, k) => tensors.push({ name: BEST_PREFIX + p.name, shape: p.shape, data: t.bestWeights![k]! }));
  return { metadata: { training: JSON.stringify(saved) }, tensors };
}

/** Restores the trackers from a checkpoint written with trackingExtras; returns problems to log. */
export function restoreTracking(loaded: LoadedCheckpoint, t: Tracking, params: readonly Param[], items: readonly (Param | Buffer)[]): string[] {
  const raw = loaded.metadata['training'];
  if (raw === undefined) return ['the checkpoint has no training-state metadata: best checkpoint, early stopping and SWA start afresh'];
  const saved = JSON.parse(raw) as SavedTracking;
  t.bestByValLoss.load(saved.bestByValLoss);
  t.stopper.load(saved.earlyStopping);
  const problems: string[] = [];
  const f64 = (name: string): Float64Array | undefined => {
    const d = loaded.tensors.get(name)?.data;
    return d instanceof Float64Array ? d : undefined;
  };
  if (!t.swa.load(params, saved.swaCount, (name) => f64(SWA_PREFIX + name))) problems.push('the checkpoint lacks SWA sums: the SWA average restarts');
  const best = items.map((p) => loaded.tensors.get(BEST_PREFIX + p.name)?.data);
  if (best.every((d, k) => d instanceof Float32Array && d.length === items[k]!.value.length)) t.bestWeights = best.map((d) => Float32Array.from(d!));
  return problems;
}
