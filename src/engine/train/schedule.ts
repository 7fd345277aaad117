// Learning rate at step t (0-based) from the spec's schedule; warm-up multiplies on top.
// Epoch-based forms (step, exponential) use the epoch of step t; the others use t / T.
import type { ScheduleSpec } from '../../core/spec/types.ts';

export interface ScheduleClock {
  stepsPerEpoch: number;
  totalSteps: number;
}

export function scheduledLr(s: ScheduleSpec, baseLr: number, t: number, clock: ScheduleClock): number {
  const epoch = Math.floor(t / clock.stepsPerEpoch);
  const progress = Math.min(t / Math.max(clock.totalSteps, 1), 1);
  let lr: number;
  switch (s.kind) {
    case 'constant':
      lr = baseLr;
      break;
    case 'step':
      lr = baseLr * Math.pow(s.gamma, Math.floor(epoch / s.stepEpochs));
      break;
    case 'exponential':
      lr = baseLr * Math.pow(s.gamma, epoch);
      break;
    case 'polynomial':
      lr = (baseLr - s.endLr) * Math.pow(1 - progress, s.power) + s.endLr;
      break;
    case 'cosine':
      lr = s.endLr + ((baseLr - s.endLr) * (1 + Math.cos(Math.PI * progress))) / 2;
      break;
    case 'cyclic': {
      // Triangular (Smith 2017, PyTorch CyclicLR): starts at endLr, peaks at baseLr after halfPeriod steps.
      const cycle = Math.floor(1 + t / (2 * s.halfPeriod));
      const x = Math.abs(t / s.halfPeriod - 2 * cycle + 1);
      lr = s.endLr + (baseLr - s.endLr) * Math.max(0, 1 - x);
      break;
    }
  }
  if (s.warmupSteps > 0 && t < s.warmupSteps) lr *= (t + 1) / s.warmupSteps;
  return lr;
}
