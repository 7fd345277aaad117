// The wire contract between a producer (the engine, or a user's script) and the host.
// Newline-delimited JSON on a dedicated channel: file descriptor HYPERLAB_CHANNEL_FD (3) of the
// producer, a duplex pipe. stdout and stderr stay the run's log.

export const PROTOCOL_VERSION = 1;
export const CHANNEL_FD_ENV = 'HYPERLAB_CHANNEL_FD';
export const CHANNEL_FD = 3;
/** A folder of the run's own, beside the store, for checkpoints and exports (set by the runner). */
export const RUN_DIR_ENV = 'HYPERLAB_RUN_DIR';

export type RunEndStatus = 'finished' | 'failed' | 'killed' | 'diverged';
export type DoneStatus = 'finished' | 'diverged' | 'failed' | 'killed';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

export interface LayerStat {
  name: string;
  gradNorm: number;
  weightNorm: number;
  updateRatio: number;
  activationMean?: number;
  activationStd?: number;
  deadFraction?: number;
}

/**
 * What a script names about its own run in its hello (the Python client's init(experiment=,
 * name=, tags=)): where the host files the run unless told otherwise.
 */
export interface RunIdentity {
  experiment?: string;
  name?: string;
  tags?: string[];
}

/** What a producer plans to do (protocol 1, optional: a producer that never sends it gets no progress bar). */
export interface TrainingPlan {
  /** Epochs in all (train.epochs). */
  epochs: number;
  stepsPerEpoch: number;
  /** The step the last metrics will carry: epochs × stepsPerEpoch. */
  totalSteps: number;
  /** Samples per step, for samples/s. */
  batchSize?: number;
  /** Where training begins: 0, or the checkpoint's step and epoch when resuming. */
  startStep?: number;
  startEpoch?: number;
}

/** Producer → host. */
export type ProducerMessage =
  /** `time` (seconds since the epoch): when the script started, for a run ingested later from the inbox. */
  | { type: 'hello'; protocol: number; producer: string; pid?: number; run?: RunIdentity; time?: number }
  | { type: 'params'; params: Params }
  /** Optional, before the first step: the work planned, so the host can show x/N, % and an ETA. */
  | ({ type: 'plan' } & TrainingPlan)
  /** `time`: wall clock in seconds since the Unix epoch (Python's time.time(), Date.now() / 1000). */
  | { type: 'metrics'; step: number; epoch?: number; time: number; values: { [key: string]: number } }
  | { type: 'layerStats'; step: number; layers: LayerStat[] }
  /** size and sha256: the writer's, taken when it logged the file (the inbox is read later, when the file may be gone). */
  | { type: 'artifact'; kind: string; path: string; meta?: Params; size?: number; sha256?: string }
  | { type: 'log'; level: LogLevel; message: string }
  /**
   * The producer's own verdict; `status` defaults to finished ('diverged' for a NaN loss,
   * 'failed' for an uncaught exception, 'killed' for an interrupt).
   */
  | { type: 'done'; summary: Params; status?: DoneStatus; reason?: string; time?: number }
  | { type: 'error'; message: string };

/** Host → producer. */
export type HostMessage =
  | { type: 'start'; spec: Params; overrides: Params; seed: number }
  | { type: 'stop'; reason?: string };

export type ProducerMessageType = ProducerMessage['type'];
