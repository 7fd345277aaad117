// The typed message contract between the panel hosts (src/vscode/panels) and the webview apps
// (webview/*). ONE file for every panel, imported by both sides (the webview imports types only).
//
// Rules every panel follows:
//   - the webview says { type: 'ready' } first; the host answers with the panel's initial data;
//   - the host pushes small { type: 'changed' } events (throttled) and the webview asks again
//     for what it shows: views never keep their own copy of the truth;
//   - everything a webview sends is untrusted input, checked by inbound-rules.ts before use.
import type { LogLine, Artifact, LatestValue, RunStatus } from '../store/types.ts';
import type { Params } from '../protocol/messages.ts';
import type { CompareDataset } from '../compare/types.ts';
import type { SpecDiffRow } from '../compare/spec-diff.ts';

export type PanelKind = 'curves' | 'gradients' | 'detail' | 'comparison' | 'sweep' | 'compress';
export const PANEL_KINDS: readonly PanelKind[] = ['curves', 'gradients', 'detail', 'comparison', 'sweep', 'compress'];

/** The webview panel's viewType (also its serializer's key and activation event). */
export const PANEL_VIEW_TYPES: { readonly [K in PanelKind]: string } = {
  curves: 'hyperlab.curves',
  gradients: 'hyperlab.gradients',
  detail: 'hyperlab.runDetail',
  comparison: 'hyperlab.comparison',
  sweep: 'hyperlab.sweep',
  compress: 'hyperlab.compress',
};

/** A run as the panels list it (no params or summary: those travel only where shown). */
export interface RunRef {
  id: number;
  name: string;
  experimentName: string;
  status: RunStatus;
  sweepId: number | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** Sent by every webview first, once its script runs (again after it was hidden and re-created). */
export interface ReadyMessage { type: 'ready' }

/** The host tells a webview that data it shows may be stale; it then asks again. */
export interface ChangedMessage { type: 'changed'; runIds: number[] }

/** A problem the webview should show in place of its content (store missing, run deleted). */
export interface NoticeMessage { type: 'notice'; level: 'info' | 'error'; message: string }

/**
 * The host's answer to a well-formed request that asks for more work than one message may
 * (LIMITS.seriesPerRequest, LIMITS.bucketsPerRequest): nothing was computed; the panel shows
 * `message` as a notice and keeps what it shows. Built by request-budget.ts.
 */
export interface TooMuchMessage {
  type: 'tooMuch';
  /** The refused message's type ("requestSeries") and its requestId, when it had one. */
  request: string;
  requestId: number | null;
  /** The work asked for and the most one message may ask, in the unit `message` names. */
  asked: number;
  limit: number;
  message: string;
}

// ---------------------------------------------------------------------------------- Curves

export type XAxis = 'step' | 'epoch' | 'time';
export const X_AXES: readonly XAxis[] = ['step', 'epoch', 'time'];

/** One downsampled series, in parallel arrays (compact to post): x in axis units
 *  (step; epoch; seconds since the run started), y = each bucket's last value. */
export interface CurveSeries {
  runId: number;
  key: string;
  xs: number[];
  ys: number[];
  mins: number[];
  maxs: number[];
}

/**
 * A CurveSeries as the host posts it: each column is a tag and base64 of little-endian numbers,
 * "i" for int32 (every value an integer that fits: steps) or "f" for 64-bit floats, so every value
 * arrives exact (NaN and ±Infinity too, which JSON turns into null) in 5 or 11 characters instead
 * of JSON's ~18, and decodes without parsing numbers. 20 runs' curves at ~1,000 buckets: 0.75 MB
 * instead of 1.24 MB. Built by packCurveSeries (core/webview/panel-data.ts).
 */
export interface PackedCurveSeries {
  runId: number;
  key: string;
  /** Buckets in the series: each column decodes to this many numbers. */
  length: number;
  xs: string;
  ys: string;
  mins: string;
  maxs: string;
}

/** What the Curves webview persists with setState (and the serializer restores). */
export interface CurvesState {
  runIds: number[];
  metric: string | null;
  x: XAxis;
  logY: boolean;
  /** EMA weight β in [0, 0.999]; 0 = raw. */
  smoothing: number;
  /** Runs hidden through the legend. */
  hidden: number[];
}

export type CurvesToWebview =
  | { type: 'runs'; runs: RunRef[]; keys: string[] }
  | { type: 'series'; requestId: number; x: XAxis; series: PackedCurveSeries[] }
  | ChangedMessage
  | NoticeMessage
  | TooMuchMessage;

export type CurvesFromWebview =
  | ReadyMessage
  | { type: 'requestSeries'; requestId: number; runIds: number[]; keys: string[]; x: XAxis; buckets: number }
  /** Asks the host to show a run picker (multi-select). */
  | { type: 'pickRuns' }
  /** The runs shown, after the user removed some in the webview. */
  | { type: 'setRuns'; runIds: number[] }
  /** Select the runs whose name or experiment contains `text` (newest first, at most 20). */
  | { type: 'filterRuns'; text: string }
  | { type: 'saveState'; state: CurvesState };

// ------------------------------------------------------------------------- Gradient monitor

/** A spec field a remedy changes, as a dotted JSON path ("train.clip.norm"). */
export type SpecFieldPath =
  | 'train.clip.norm'
  | 'train.optimizer.lr'
  | 'model.init.weight'
  | 'model.layers';
export const SPEC_FIELD_PATHS: readonly SpecFieldPath[] = ['train.clip.norm', 'train.optimizer.lr', 'model.init.weight', 'model.layers'];

/** `field`: the spec field that applies it; none for a script's run (PyTorch code, no spec). */
export interface Remedy { title: string; detail: string; field?: SpecFieldPath }

export interface GradientAlert {
  kind: 'vanishing' | 'exploding';
  /** The step where it was seen (the latest such step). */
  step: number;
  layers: string[];
  message: string;
  remedies: Remedy[];
}

/** One layer's statistics over the sampled steps (aligned with LayerStatsMessage.steps);
 *  null where the engine did not report the value (or it was not finite). */
export interface LayerSeries {
  name: string;
  gradNorm: (number | null)[];
  weightNorm: (number | null)[];
  updateRatio: (number | null)[];
  deadFraction: (number | null)[];
}

export interface GradientsState { runId: number | null; logY: boolean; hiddenLayers: string[] }

/** The monitored run with why it ended (null while it runs, or when it finished normally). */
export type GradientsRun = RunRef & { reason: string | null };

export type GradientsToWebview =
  | { type: 'run'; run: GradientsRun | null; hasSpec: boolean }
  /** `run` is read with the statistics: a run that ended since shows its new status and reason. */
  | { type: 'layerStats'; runId: number; run: GradientsRun; steps: number[]; layers: LayerSeries[]; alerts: GradientAlert[]; totalSteps: number }
  | ChangedMessage
  | NoticeMessage;

export type GradientsFromWebview =
  | ReadyMessage
  | { type: 'requestLayerStats'; runId: number; maxSteps: number }
  | { type: 'openSpecField'; runId: number; field: SpecFieldPath }
  | { type: 'pickRun' }
  | { type: 'saveState'; state: GradientsState };

// ------------------------------------------------------------------------------ Run detail

export interface RunDetail {
  run: RunRef & { reason: string | null; pid: number | null; createdAt: number; specPath: string | null };
  params: Params;
  /** Dotted names of the params that differ from the spec's defaults (what a person chose). */
  nonDefaultParams: string[];
  summary: Params | null;
  latest: LatestValue[];
  logTail: LogLine[];
  artifacts: Artifact[];
  /** confusion[true][predicted], from the run's summary when the engine evaluated a test set. */
  confusion: { classNames: string[]; matrix: number[][] } | null;
  perClassAccuracy: { name: string; accuracy: number | null }[] | null;
  /** The experiment's objective as this run scored it (core/compare/objective.ts), or null. */
  objective?: { label: string; text: string; best: boolean; runs: number } | null;
  /** What the user said about the run (store schema 8). */
  tags?: string[];
  note?: string | null;
  starred?: boolean;
}

/** What Run Detail's buttons edit (the host asks in an input box). */
export const RUN_EDITS = ['name', 'tags', 'note', 'star'] as const;
export type RunEdit = (typeof RUN_EDITS)[number];

export interface DetailState { runId: number | null }

export type DetailToWebview =
  | { type: 'detail'; detail: RunDetail | null }
  | ChangedMessage
  | NoticeMessage;

export type DetailFromWebview =
  | ReadyMessage
  | { type: 'requestDetail'; runId: number; logLines: number }
  | { type: 'pickRun' }
  | { type: 'openSpec'; runId: number }
  /** Opens Compress & Export on the run. */
  | { type: 'compressRun'; runId: number }
  | { type: 'editRun'; runId: number; edit: RunEdit }
  | { type: 'saveState'; state: DetailState };

// ------------------------------------------------------------------------------ Comparison
// Every run of the store (or of one experiment) as one column-wise dataset; the webview sorts,
// filters, groups and plots it in memory, and asks the host only for a spec diff.

/** What the Comparison webview persists: the table's view and the plots' choices. */
export interface ComparisonState {
  /** Shown column ids, in order; null = the default choice. */
  columns: string[] | null;
  sort: { column: string; direction: 'asc' | 'desc' } | null;
  /** The filter line (brushes included, as name:lo..hi terms). */
  filter: string;
  groupBy: string | null;
  objective: string | null;
  scatterX: string | null;
  scatterY: string | null;
  /** The experiment compared, or null for every run. */
  experiment: string | null;
}

export type ComparisonToWebview =
  | { type: 'dataset'; dataset: CompareDataset; experiment: string | null; experiments: string[]; total: number; truncated: boolean }
  | { type: 'specDiff'; left: RunRef; right: RunRef; rows: SpecDiffRow[] }
  | ChangedMessage
  | NoticeMessage;

export type ComparisonFromWebview =
  | ReadyMessage
  /** Asks for the dataset again (after `changed`, or to switch experiment; null = every run). */
  | { type: 'requestDataset'; experiment: string | null }
  | { type: 'requestSpecDiff'; left: number; right: number }
  | { type: 'saveState'; state: ComparisonState };

// ----------------------------------------------------------------------------- Sweep
// One sweep: every trial with its parameters, objective, intermediate values and time span.
// The webview draws the history, the intermediate values with the pruner's rungs, slices, a
// contour, the timeline per worker and the importance from this one message.

export type SweepParamValue = number | string | boolean | null;

export interface SweepInfo {
  id: number;
  name: string;
  experimentName: string;
  /** The sampler: grid, random, tpe, evolution, pbt, rl, … */
  method: string;
  /** The early-stopping rule, or null: 'median', 'asha'. */
  pruner: string | null;
  /** running, finished, stopped, interrupted (its driver died: resumable). */
  status: string;
  objective: { metric: string; direction: 'min' | 'max'; value: string };
  budgetTrials: number | null;
  parallelism: number;
  createdAt: number;
  endedAt: number | null;
  /** Pruner rungs in the x unit of the intermediate values (empty without ASHA). */
  rungs: number[];
  /** What the intermediate values' x counts: 'epoch' or 'step'. */
  resource: 'epoch' | 'step';
}

export interface SweepTrial {
  runId: number;
  /** 0-based trial number within the sweep. */
  number: number;
  name: string;
  /** 'pruned': stopped early by the sweep's pruner. */
  status: RunStatus | 'pruned';
  params: { [path: string]: SweepParamValue };
  /** The objective value the sampler was told (null while running, or when it failed). */
  value: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Timeline lane: trials overlapping in time get different lanes (one per worker). */
  worker: number;
  /** The objective metric as reported during training (x in SweepInfo.resource units). */
  intermediate: { xs: number[]; ys: number[] };
}

export interface SweepParam {
  path: string;
  /** Drawn on a log axis (declared log-uniform, or positive over ≥ 2 decades). */
  log: boolean;
  /** Categories (text or boolean values), else numbers. */
  categorical: boolean;
}

export interface SweepView {
  sweep: SweepInfo;
  trials: SweepTrial[];
  params: SweepParam[];
  /** The best finished trial's run id, by the objective's direction. */
  bestRunId: number | null;
  /** The best trial's spec (the sweep's spec with its parameters applied), pretty JSON. */
  bestSpec: string | null;
  importance: { path: string; score: number }[];
  importanceMethod: string;
}

export interface SweepState {
  sweepId: number | null;
  contourX: string | null;
  contourY: string | null;
  slice: string | null;
  logY: boolean;
}

export type SweepToWebview =
  | { type: 'sweep'; view: SweepView | null }
  | ChangedMessage
  | NoticeMessage;

export type SweepFromWebview =
  | ReadyMessage
  | { type: 'requestSweep'; sweepId: number }
  | { type: 'pickSweep' }
  /** Starts a new run of the experiment with the best trial's parameters. */
  | { type: 'runBestAgain'; sweepId: number }
  | { type: 'openInComparison'; sweepId: number }
  | { type: 'openRun'; runId: number }
  | { type: 'saveState'; state: SweepState };

// ------------------------------------------------------------------------ Compress & Export
// One run's model taken to deployable variants: the webview edits a list of variants (pruning,
// fine-tuning, quantization), the host runs the export pipeline with progress and cancel, and
// the report comes back as rows: size, sparsity, accuracy, agreement, latency per variant.

export const QUANTIZE_CHOICES = ['none', 'fp16', 'bf16', 'int8', 'int4', 'kmeans4', 'ternary', 'fp8', 'fp8e5m2', 'fp4'] as const;
export type QuantizeChoice = (typeof QUANTIZE_CHOICES)[number];
export const PRUNE_KINDS = ['magnitude', 'global', 'structured', 'nm'] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];
export const GRANULARITIES = ['tensor', 'channel', 'block'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const EXPORT_FORMATS = ['onnx', 'triton', 'torch'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface CompressVariant {
  /** Target sparsity in [0, 0.99]; 0 = no pruning. For 'nm' the pattern fixes it at 50% (2:4). */
  prune: number;
  pruneKind: PruneKind;
  /** Fine-tuning epochs after pruning (a run of its own, linked to the parent); 0 = none. */
  finetune: number;
  quantize: QuantizeChoice;
  granularity: Granularity;
  /** Weights per block when granularity is 'block'. */
  block: number;
  /**
   * Quantization-aware fine-tuning epochs before INT8/INT4 quantization (a run of its own whose
   * forward passes use the fake-quantized weights, linked to the parent); 0 = none.
   */
  qat: number;
}

export interface CompressReportRow {
  label: string;
  /** The FP32 export every other row is compared with. */
  baseline: boolean;
  fileBytes: number;
  /** Share of weights that are zero, in [0, 1]. */
  sparsity: number;
  parameters: number;
  /** Test accuracy in [0, 1] (null when it could not be evaluated). */
  accuracy: number | null;
  /** QAT variants: the test accuracy of plain post-training quantization of the same scheme; else null. */
  ptqAccuracy: number | null;
  /** Share of test samples where the prediction equals the FP32 model's. */
  agreement: number | null;
  /** Per-class accuracy change against FP32, in points. */
  perClassDelta: { name: string; delta: number }[];
  latencyMs: { batch1: number | null; batch64: number | null };
  /** 'onnxruntime': the exported file was run; 'simulated': ONNX Runtime cannot run it, figures from the engine. */
  verified: 'onnxruntime' | 'simulated';
  note: string | null;
  /** The exported files, relative to the report's folder. */
  files: string[];
}

export interface CompressReport {
  runId: number;
  runName: string;
  outDir: string;
  /** The `hyperlab export` command line that reproduces this report. */
  command: string;
  format: ExportFormat;
  rows: CompressReportRow[];
  createdAt: number;
}

export interface CompressRun {
  run: RunRef & { reason: string | null };
  /** Why this run cannot be exported (no checkpoint, diverged, still running), or null. */
  blocked: string | null;
  testAccuracy: number | null;
  /** The dense layers' widths, to check N:M patterns before starting. */
  layerWidths: { name: string; inputs: number }[];
}

export interface CompressState { runId: number | null; variants: CompressVariant[]; format: ExportFormat }

export type CompressToWebview =
  | { type: 'run'; run: CompressRun | null; lastReport: CompressReport | null }
  | { type: 'progress'; message: string; fraction: number | null }
  | { type: 'report'; report: CompressReport }
  | { type: 'exportFailed'; message: string }
  | ChangedMessage
  | NoticeMessage;

export type CompressFromWebview =
  | ReadyMessage
  | { type: 'pickRun' }
  | { type: 'startExport'; runId: number; variants: CompressVariant[]; format: ExportFormat }
  | { type: 'cancelExport' }
  | { type: 'openFolder'; runId: number }
  | { type: 'copyCommand'; runId: number }
  | { type: 'saveState'; state: CompressState };

// ------------------------------------------------------------------------- Per-panel lookup

export interface PanelMessages {
  curves: { toWebview: CurvesToWebview; fromWebview: CurvesFromWebview; state: CurvesState };
  gradients: { toWebview: GradientsToWebview; fromWebview: GradientsFromWebview; state: GradientsState };
  detail: { toWebview: DetailToWebview; fromWebview: DetailFromWebview; state: DetailState };
  comparison: { toWebview: ComparisonToWebview; fromWebview: ComparisonFromWebview; state: ComparisonState };
  sweep: { toWebview: SweepToWebview; fromWebview: SweepFromWebview; state: SweepState };
  compress: { toWebview: CompressToWebview; fromWebview: CompressFromWebview; state: CompressState };
}

export type ToWebview<K extends PanelKind> = PanelMessages[K]['toWebview'];
export type FromWebview<K extends PanelKind> = PanelMessages[K]['fromWebview'];
export type PanelState<K extends PanelKind> = PanelMessages[K]['state'];

/** Limits the validator enforces (and the webviews respect when they ask). */
export const LIMITS = {
  /** Serialized size of one inbound message. */
  messageChars: 64 * 1024,
  runIds: 200,
  keys: 50,
  keyChars: 256,
  textChars: 200,
  buckets: 4000,
  /**
   * The work one series request may ask for: distinct runs × distinct keys curves, and that times
   * the buckets. Each curve is one downsampling query (a full pass over the key's 64-step
   * rollups), so before this bound a 485-character request of repeated ids and keys cost the
   * host's thread seconds. The Curves panel asks for at most 2,000 buckets a curve.
   */
  seriesPerRequest: 100,
  bucketsPerRequest: 200_000,
  maxSteps: 4000,
  logLines: 2000,
  hiddenItems: 500,
  /** Comparison: shown columns, and the filter line (brush terms make it longer than a search). */
  columnIds: 500,
  filterChars: 2000,
  /** Compress & Export: variants in one export, fine-tuning (and QAT) epochs, block size. */
  variants: 12,
  finetuneEpochs: 100,
  blockSize: 1024,
} as const;
