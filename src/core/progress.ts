// Live progress of a run from the producer's plan and its latest metrics: where it is (step,
// epoch x/N, fraction), how fast it goes (samples/s) and when it will end (ETA). Pure: the Run
// Explorer, the status bar and the CLI all show these same numbers.
import type { TrainingPlan } from './protocol/messages.ts';

export interface RunProgress {
  step: number;
  totalSteps: number;
  /** 0–1 of the planned steps. */
  fraction: number;
  /** The epoch being trained, 1-based, at most `epochs`. */
  epoch: number;
  epochs: number;
  stepsPerSecond: number | null;
  samplesPerSecond: number | null;
  /** Seconds left at the rate measured since the plan arrived; null before the rate is known. */
  etaSeconds: number | null;
}

/**
 * `planTime` and `latestTime` are ms since the epoch: the plan's arrival is the reference, so
 * the data loading before it does not count as training time, and a resumed run measures only
 * the steps it made itself.
 */
export function computeProgress(plan: TrainingPlan, planTime: number, latestStep: number, latestTime: number): RunProgress {
  const totalSteps = Math.max(plan.totalSteps, 0);
  const step = Math.min(Math.max(latestStep, 0), totalSteps);
  const startStep = plan.startStep ?? 0;
  const epochs = plan.epochs;
  const epoch = Math.min(epochs, Math.max(1, Math.ceil(step / plan.stepsPerEpoch), (plan.startEpoch ?? 0) + 1));
  const done = step - startStep;
  const seconds = (latestTime - planTime) / 1000;
  const stepsPerSecond = done > 0 && seconds > 0 ? done / seconds : null;
  return {
    step, totalSteps, epoch, epochs,
    fraction: totalSteps === 0 ? 1 : step / totalSteps,
    stepsPerSecond,
    samplesPerSecond: stepsPerSecond !== null && plan.batchSize !== undefined ? stepsPerSecond * plan.batchSize : null,
    etaSeconds: stepsPerSecond !== null ? (totalSteps - step) / stepsPerSecond : null,
  };
}

/** 45s, 1m 20s, 2h 05m. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `epoch 3/8 · 37% · ETA 1m 20s` (the ETA once a rate is known). */
export function formatProgress(p: RunProgress): string {
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `${Math.floor(p.fraction * 100)}%`];
  if (p.etaSeconds !== null) parts.push(`ETA ${formatSeconds(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** The CLI's line: `step 420/1000 · epoch 3/8 · 42% · 1,850 samples/s · ETA 1m 20s`. */
export function formatProgressLine(p: RunProgress): string {
  const parts = [`step ${p.step}/${p.totalSteps}`, `epoch ${p.epoch}/${p.epochs}`, `${Math.floor(p.fraction * 100)}%`];
  if (p.samplesPerSecond !== null) parts.push(`${Math.round(p.samplesPerSecond).toLocaleString('en-US')} samples/s`);
  else if (p.stepsPerSecond !== null) parts.push(`${p.stepsPerSecond.toFixed(1)} steps/s`);
  if (p.etaSeconds !== null) parts.push(`ETA ${formatSeconds(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** A running run's progress from its stored plan and latest values, or null without a plan. */
export function liveProgress(plan: TrainingPlan | null, planTime: number | null, latest: readonly { step: number; time: number }[]): RunProgress | null {
  if (plan === null || planTime === null) return null;
  let step = plan.startStep ?? 0;
  let time = planTime;
  for (const value of latest) {
    if (value.step > step) step = value.step;
    if (value.time > time) time = value.time;
  }
  return computeProgress(plan, planTime, step, time);
}
