// What an export starts from: a finished run's stored spec and checkpoint, its data (raw for the
// ONNX graph, normalized as the engine saw it), and an engine model that runs given weights.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../core/errors.ts';
import type { ModelSpec, Spec } from '../core/spec/types.ts';
import { parseSpec } from '../core/spec/index.ts';
import type { Run, Store } from '../core/store/types.ts';
import { loadData, type LoadedData } from '../engine/data/load.ts';
import { applyNormalizer, fitNormalizer, type Normalizer } from '../engine/data/normalize.ts';
import { sampleSize, type Dataset } from '../engine/data/dataset.ts';
import { jsKernels } from '../engine/kernels/js-kernels.ts';
import type { Kernels } from '../engine/kernels/types.ts';
import { buildModel } from '../engine/train/build-model.ts';
import { readSafetensors } from '../engine/train/safetensors.ts';
import type { Sequential } from '../engine/nn/sequential.ts';
import { Rng } from '../engine/rng.ts';

export type CheckpointChoice = 'last' | 'best';

export interface SourceRun {
  run: Run;
  spec: Spec;
  checkpointFile: string;
  which: CheckpointChoice;
  /** Epochs completed when the checkpoint was written. */
  epoch: number;
  /** Every parameter and buffer by name (optimizer slots left out). */
  tensors: Map<string, Float32Array>;
  /** Folder relative data paths resolve against. */
  specDir: string;
}

export function loadSourceRun(store: Store, runId: number, which: CheckpointChoice = 'last'): SourceRun {
  const run = store.getRun(runId);
  if (!run) throw new HyperlabError('RUN_NOT_FOUND', `no run with ID ${runId}`, 'List run ids with: hyperlab runs ls');
  if (run.status === 'diverged') {
    throw new HyperlabError('EXPORT_FAILED', `run ${runId} diverged (${run.reason ?? 'non-finite loss'}); its weights are not a model worth shipping`,
      'Export a run that finished; lower the learning rate or clip gradients and train again.');
  }
  if (run.status === 'queued' || run.status === 'running') {
    throw new HyperlabError('EXPORT_FAILED', `run ${runId} is ${run.status}`, 'Wait until it finishes, then export it.');
  }
  const checkpoints = store.artifacts(runId).filter((a) => a.kind === 'checkpoint');
  const members = new Set(checkpoints.map((a) => Number(a.meta?.['member'] ?? 0)));
  if (members.size > 1) {
    throw new HyperlabError('EXPORT_FAILED', `run ${runId} is an ensemble of ${members.size} members`, 'Export a single model: train it without train.ensemble.members.');
  }
  const artifact = checkpoints.find((a) => a.meta?.['which'] === which) ?? (which === 'last' ? checkpoints[checkpoints.length - 1] : undefined);
  if (!artifact || !fs.existsSync(artifact.path)) {
    const missing = artifact ? `its checkpoint file ${artifact.path} is gone` : `it has no ${which} checkpoint`;
    throw new HyperlabError('RUN_NOT_FOUND', `run ${runId} cannot be exported: ${missing}`,
      `Train with train.checkpoint.${which} true (the default) and a run folder (the CLI and the extension give every run one), then export again.`);
  }
  const file = readSafetensors(artifact.path);
  const specText = file.metadata['spec'];
  if (!specText) throw new HyperlabError('EXPORT_FAILED', `checkpoint ${artifact.path} holds no spec`, 'Export a run trained by Hyperlab.');
  const spec = parseSpec(JSON.parse(specText) as object);
  const tensors = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) if (!name.startsWith('optimizer.') && t.data instanceof Float32Array) tensors.set(name, t.data);
  const specDir = run.specPath ? path.dirname(run.specPath) : process.cwd();
  return { run, spec, checkpointFile: artifact.path, which, epoch: Number(file.metadata['epoch'] ?? 0), tensors, specDir };
}

export interface ExportData {
  /** Normalized as in training (engine inputs, fine-tuning). */
  data: LoadedData;
  /** The test set before normalization (the ONNX model's inputs). */
  rawTest: Dataset;
  /** Raw validation samples (activation calibration runs the graph's own normalization). */
  rawValidation: Dataset;
  normalizer: Normalizer | null;
  /** Per-sample shape the model takes. */
  inputShape: number[];
}

function copyOf(d: Dataset): Dataset {
  return { x: d.x.slice(), y: d.y, count: d.count, shape: [...d.shape] };
}

/** Loads the run's data once, raw, and normalizes copies with the engine's own fit (same splits, same arithmetic). */
export async function loadExportData(spec: Spec, specDir: string): Promise<ExportData> {
  const raw = await loadData({ ...spec.data, normalization: 'none' }, { specDir, seed: spec.train.seed });
  const normalizer = spec.data.normalization === 'none' ? null : fitNormalizer(raw.train, spec.data.normalization, raw.images);
  const inputShape = spec.model.inputShape ?? raw.shape;
  const norm = (d: Dataset): Dataset => {
    const c = copyOf(d);
    if (normalizer) applyNormalizer(c, normalizer);
    c.shape = [...inputShape];
    return c;
  };
  const data: LoadedData = {
    ...raw, train: norm(raw.train), validation: norm(raw.validation), test: norm(raw.test), shape: [...inputShape], images: inputShape.length === 3,
    background: normalizer ? (0 - normalizer.offset[0]!) * normalizer.scale[0]! : 0,
  };
  const reshape = (d: Dataset): Dataset => ({ ...d, shape: [...inputShape] });
  return { data, rawTest: reshape(raw.test), rawValidation: reshape(raw.validation), normalizer, inputShape };
}

/**
 * The engine's JS reference kernels: an export builds one model per variant, and models built on
 * the WebAssembly kernels keep their buffers in its arena for the life of the process (the CNN's
 * eleven variants filled it). The two kernel sets agree to float32 rounding (kernel tests).
 */
function exportKernels(): Kernels {
  return jsKernels;
}

/** An engine model of `modelSpec` holding `tensors` (params and buffers by name). */
export function engineModel(modelSpec: ModelSpec, inputShape: readonly number[], classes: number, tensors: ReadonlyMap<string, Float32Array>): Sequential {
  const model = buildModel(modelSpec, { inputShape: [...inputShape], classes, rng: new Rng(0), kernels: exportKernels() });
  for (const item of [...model.params(), ...model.buffers()]) {
    const t = tensors.get(item.name);
    if (!t || t.length !== item.value.length) {
      throw new HyperlabError('EXPORT_FAILED', `the weights ${t ? `have ${t.length} values for ${item.name}, the model ${item.value.length}` : `lack ${item.name}`}`, 'Export with the spec the checkpoint was trained with.');
    }
    item.value.set(t);
  }
  return model;
}

const BATCH = 500;

/** Logits of the engine model in inference mode, count × classes. */
export function engineLogits(model: Sequential, data: Dataset, classes: number): Float32Array {
  const size = sampleSize(data.shape);
  const out = new Float32Array(data.count * classes);
  const ctx = { training: false, rng: new Rng(0) };
  for (let start = 0; start < data.count; start += BATCH) {
    const n = Math.min(BATCH, data.count - start);
    const y = model.forward({ data: data.x.subarray(start * size, (start + n) * size), shape: [n, ...data.shape] }, ctx);
    out.set(y.data.subarray(0, n * classes), start * classes);
  }
  return out;
}
