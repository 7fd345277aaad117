// The validated spec, every field present (defaults filled in). Mirrors definition.ts.
import type {
  ACTIVATIONS, ASYNC_VARIANTS, BIAS_INITS, DATASETS, INIT_SCHEMES, LOSSES, MOMENTUM_FORMS,
  MONITORED_METRICS, NORMALIZATIONS, OPTIMIZERS, SCHEDULES, SMOOTHING_FORMS,
} from './definition.ts';

export type DatasetName = (typeof DATASETS)[number];
export type Normalization = (typeof NORMALIZATIONS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type InitScheme = (typeof INIT_SCHEMES)[number];
export type BiasInit = (typeof BIAS_INITS)[number];
export type OptimizerKind = (typeof OPTIMIZERS)[number];
export type MomentumForm = (typeof MOMENTUM_FORMS)[number];
export type ScheduleKind = (typeof SCHEDULES)[number];
export type LossKind = (typeof LOSSES)[number];
export type SmoothingForm = (typeof SMOOTHING_FORMS)[number];
export type MonitoredMetric = (typeof MONITORED_METRICS)[number];
export type AsyncVariant = (typeof ASYNC_VARIANTS)[number];
export type Column = string | number;

export type LayerSpec =
  | { type: 'dense'; units: number; activation: ActivationName | 'none'; init: InitScheme | null }
  | { type: 'conv2d'; filters: number; kernel: number; stride: number; padding: number; activation: ActivationName | 'none'; init: InitScheme | null }
  | { type: 'maxpool'; size: number; stride: number | null }
  | { type: 'avgpool'; size: number; stride: number | null }
  | { type: 'flatten' }
  | { type: 'residual'; layers: LayerSpec[] }
  | { type: 'dropout'; rate: number }
  | { type: 'batchnorm'; momentum: number; eps: number }
  | { type: 'layernorm'; eps: number }
  | { type: 'activation'; fn: ActivationName; alpha: number | null };

export type LayerType = LayerSpec['type'];

export interface DataSpec {
  dataset: DatasetName;
  path: string | null;
  download: boolean;
  limit: number | null;
  testLimit: number | null;
  validationFraction: number;
  testFraction: number;
  splitSeed: number | null;
  normalization: Normalization;
  csv: { labelColumn: Column; featureColumns: Column[] | null; header: boolean; delimiter: string };
  augmentation: { shift: number; hflip: boolean; noise: number };
}

export interface ModelSpec {
  inputShape: number[] | null;
  init: { weight: InitScheme; std: number; bound: number; bias: BiasInit; biasValue: number };
  layers: LayerSpec[];
}

export interface OptimizerSpec {
  kind: OptimizerKind;
  lr: number;
  momentum: number;
  momentumForm: MomentumForm;
  beta1: number;
  beta2: number;
  rho: number | null;
  eps: number | null;
}

export interface ScheduleSpec {
  kind: ScheduleKind;
  stepEpochs: number;
  gamma: number;
  power: number;
  endLr: number;
  halfPeriod: number;
  warmupSteps: number;
}

export interface TrainSpec {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  loss: { kind: LossKind; labelSmoothing: number; smoothingForm: SmoothingForm };
  l1: number;
  l2: number;
  weightDecay: number;
  clip: { norm: number | null; value: number | null };
  earlyStopping: { enabled: boolean; metric: MonitoredMetric; patience: number; minDelta: number; restoreBest: boolean };
  swa: { enabled: boolean; startEpoch: number; lr: number };
  ensemble: { members: number };
  noise: { weights: number; inputs: number };
  async: { delay: number; variant: AsyncVariant; momentum: number };
  statsEvery: number;
  metricsEvery: number;
  checkpoint: { dir: string | null; best: boolean; last: boolean; resumeFrom: string | null };
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Spec {
  $schema: string | null;
  name: string | null;
  description: string | null;
  data: DataSpec;
  model: ModelSpec;
  train: TrainSpec;
  /** Owned by the search feature; validated there. */
  search?: { [key: string]: JsonValue };
  /** Where it trains: this machine or a SLURM job (execution-definition.ts). Absent = local. */
  execution?: ExecutionSpec;
}

export interface ExecutionSpec {
  backend: 'local' | 'slurm';
  partition: string | null;
  time: string | null;
  cpusPerTask: number | null;
  mem: string | null;
  gpus: string | null;
  account: string | null;
  qos: string | null;
  constraint: string | null;
  sbatch: string[];
  setup: string | null;
  node: string | null;
  requeue: boolean;
  channelTimeout: number;
}
