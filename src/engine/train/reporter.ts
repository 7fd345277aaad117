// What the training loop emits and how it is controlled; the engine entry maps these onto the
// protocol, tests collect them in memory.
import type { LayerStat, LogLevel, Params, TrainingPlan } from '../../core/protocol/messages.ts';

export interface TrainReporter {
  metrics(step: number, epoch: number | undefined, values: { [key: string]: number }): void;
  layerStats(step: number, layers: LayerStat[]): void;
  log(level: LogLevel, message: string): void;
  artifact(kind: string, path: string, meta?: Params): void;
  /** Once per member before its first step: the work planned (the host's progress and ETA). */
  plan?(plan: TrainingPlan): void;
}

export interface TrainControl {
  /** Checked between steps: true ends the run after the current step. */
  shouldStop(): boolean;
  /** Called between steps so host messages (stop) can arrive; resolve at once in tests. */
  pause(): Promise<void>;
}

export const silentReporter: TrainReporter = { metrics() {}, layerStats() {}, log() {}, artifact() {} };
export const neverStop: TrainControl = { shouldStop: () => false, pause: async () => {} };
