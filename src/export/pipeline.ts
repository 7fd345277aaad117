// The export pipeline: for each variant, prune (and fine-tune as a run of its own), store the
// weights, emit ONNX, run it in ONNX Runtime against the engine on the test set, write the
// targets, and report. Everything lands in a folder beside --out that is renamed at the end, so
// a failed or cancelled export leaves nothing half-written.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../core/errors.ts';
import type { ModelSpec } from '../core/spec/types.ts';
import type { Store } from '../core/store/types.ts';
import { argmax } from '../engine/train/evaluate.ts';
import { encodeSafetensors } from '../engine/train/safetensors.ts';
import { calibrateActivations } from './calibrate.ts';
import { fineTune } from './finetune.ts';
import { emitOnnx } from './emit-onnx.ts';
import { quantizeTensor } from '../core/compress/index.ts';
import { quantizeSpec } from './variant-quantizer.ts';
import { storedFromQuantized } from './from-compress.ts';
import { describeLayers, weightedLayers, type ExportLayer } from './model-layers.ts';
import { loadOrtModel } from './ort-runner.ts';
import { unverifiedNote } from './ort-support.ts';
import { applyMask, fanIn, globalMagnitudeMasks, magnitudeMask, nmMask, rowsOf, sparsityOf, structuredPrune } from './prune.ts';
import { recordArtifacts, reportTable, type ExportFormat, type ExportReport, type VariantReport } from './report.ts';
import { engineLogits, engineModel, loadExportData, loadSourceRun, type CheckpointChoice, type ExportData, type SourceRun } from './source.ts';
import { dequantize, dequantizeBias, quantizeBias, type ActivationQuant, type QuantizedBias, type StoredWeight } from './stored-weight.ts';
import type { Sequential } from '../engine/nn/sequential.ts';
import { engineModelWithActivations } from './qat-activations.ts';
import { tritonConfig, torchModule } from './targets.ts';
import type { VariantSpec } from './variants.ts';

export { reportTable, type ExportFormat, type ExportReport, type VariantReport };

export interface ExportProgress {
  /** What is happening, for a progress line. */
  message: string;
  /** 0…1 over the whole export. */
  fraction: number;
}

export interface ExportOptions {
  store: Store;
  /** The store's file: fine-tuning runs get their folders beside it. */
  dbPath: string;
  runId: number;
  out: string;
  variants: readonly VariantSpec[];
  formats: readonly ExportFormat[];
  checkpoint?: CheckpointChoice;
  /** Validation samples for activation calibration (default 1000). */
  calibrationSamples?: number;
  /** Timed runs per latency figure (default 30). */
  latencyRepeats?: number;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
  producerVersion?: string;
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HyperlabError('EXPORT_FAILED', 'export cancelled; nothing was written', 'Run it again when ready.');
}

/**
 * Checks --out before any work: it must not exist and its folder must be writable. Missing
 * folders above it are made (`--out exports/run1-int8` in a fresh project, as the README shows).
 */
export function checkOutput(out: string): void {
  if (fs.existsSync(out)) throw new HyperlabError('USAGE', `--out ${out} already exists`, 'Choose a new folder (the export creates it), or remove the old one first.');
  const parent = path.dirname(path.resolve(out));
  let existing = parent;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) throw notWritable(out, `${existing} is not a folder`);
  if (existing !== parent) {
    try {
      fs.mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw notWritable(out, `cannot make the folder ${parent} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  try {
    fs.accessSync(parent, fs.constants.W_OK);
  } catch {
    throw notWritable(out, `the folder ${parent} is not writable`);
  }
  // found before the data is loaded and the variants are computed, not at the end
  fs.rmSync(makeTemp(path.resolve(out)), { recursive: true, force: true });
}

function notWritable(out: string, problem: string): HyperlabError {
  return new HyperlabError('USAGE', `--out ${out}: ${problem}`, 'Point --out into a folder you can write to.');
}

/** The working folder beside --out; creating it is the real test of writability (root passes access()). */
function makeTemp(out: string): string {
  const temp = `${out}.partial-${process.pid}`;
  try {
    fs.rmSync(temp, { recursive: true, force: true });
    fs.mkdirSync(temp);
    fs.writeFileSync(path.join(temp, '.probe'), '');
    fs.rmSync(path.join(temp, '.probe'));
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw notWritable(out, `cannot write beside it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return temp;
}

interface Working {
  /** Layers N:M pruning left dense (skip-unfit). */
  skipped: string[];
  modelSpec: ModelSpec;
  tensors: Map<string, Float32Array>;
  layers: ExportLayer[];
  fineTuneRun: number | null;
  /** QAT: the weights before it, for the accuracy of plain PTQ of the same scheme. */
  beforeQat: Map<string, Float32Array> | null;
  /** QAT of an INT8 variant: the activation ranges it trained with (calibrated before it), which the export keeps. */
  qatActivations: Map<string, ActivationQuant> | null;
}

function countParams(layers: readonly ExportLayer[], tensors: ReadonlyMap<string, Float32Array>): { parameters: number; nonZero: number } {
  const names = new Set<string>();
  const walk = (ls: readonly ExportLayer[]): void => {
    for (const l of ls) {
      if (l.kind === 'dense' || l.kind === 'conv') { names.add(l.weight); if (l.bias) names.add(l.bias); }
      else if (l.kind === 'batchnorm' || l.kind === 'layernorm') { names.add(`${l.name}.weight`); names.add(`${l.name}.bias`); }
      else if (l.kind === 'residual') { walk(l.body); if (l.projection) walk([l.projection]); }
    }
  };
  walk(layers);
  let parameters = 0, nonZero = 0;
  for (const n of names) { const t = tensors.get(n)!; parameters += t.length; for (const v of t) if (v !== 0) nonZero++; }
  return { parameters, nonZero };
}

function layerView(spec: ModelSpec, data: ExportData, classes: number, tensors: ReadonlyMap<string, Float32Array>): ExportLayer[] {
  return describeLayers(engineModel(spec, data.inputShape, classes, tensors).layers);
}

async function prunedModel(o: ExportOptions, source: SourceRun, data: ExportData, v: VariantSpec, classes: number, progress: (m: string) => void): Promise<Working> {
  let modelSpec = source.spec.model;
  let tensors = new Map(source.tensors);
  let layers = layerView(modelSpec, data, classes, tensors);
  const masks = new Map<string, Uint8Array>();
  const skipped: string[] = [];
  if (v.prune) {
    if (v.prune.method === 'structured') {
      const r = structuredPrune(modelSpec, [...layers], tensors, v.prune.amount, data.inputShape);
      modelSpec = r.modelSpec;
      tensors = r.tensors;
      layers = layerView(modelSpec, data, classes, tensors);
    } else {
      const weighted = weightedLayers(layers);
      const global = v.prune.method === 'magnitude' && v.prune.scope === 'global' ? globalMagnitudeMasks(new Map(weighted.map((l) => [l.weight, tensors.get(l.weight)!])), v.prune.amount) : null;
      for (const l of weighted) {
        const w = tensors.get(l.weight)!.slice();
        const shape = l.kind === 'dense' ? [l.outFeatures, l.inFeatures] : [l.outChannels, l.inChannels, ...l.kernel];
        const mask = global ? global.get(l.weight)! : v.prune.method === 'nm' ? nmMask(w, shape, v.prune.n, v.prune.m, l.name, v.prune.skipUnfit) : magnitudeMask(w, v.prune.amount, l.weight);
        if (!mask) { skipped.push(`${l.name} (input width ${shape[1]})`); continue; }
        masks.set(l.weight, mask);
        // magnitude pruning with fine-tuning prunes gradually during it (Zhu & Gupta 2017)
        if (v.prune.method === 'nm' || v.finetune === 0) applyMask(w, mask);
        tensors.set(l.weight, w);
      }
    }
  }
  let fineTuneRun: number | null = null;
  let beforeQat: Map<string, Float32Array> | null = null;
  let qatActivations: Map<string, ActivationQuant> | null = null;
  const epochs = v.qat > 0 ? v.qat : v.finetune;
  if (epochs > 0) {
    progress(`${v.label}: ${v.qat > 0 ? 'quantization-aware fine-tuning' : 'fine-tuning'} ${epochs} epoch${epochs === 1 ? '' : 's'}`);
    if (v.qat > 0) {
      beforeQat = tensors;
      // INT8 quantizes activations: calibrated as PTQ calibrates them, then held through QAT and the export
      if (v.quantize === 'int8') qatActivations = quantizedModel(o, data, classes, v, { modelSpec, tensors, layers, fineTuneRun: null, skipped, beforeQat: null, qatActivations: null }, tensors).activations;
    }
    const qatWeights = v.qat > 0 ? weightedLayers(layers).map((l) => ({ name: l.weight, rows: rowsOf(l), fanIn: fanIn(l) })) : [];
    const r = await fineTune({ store: o.store, dbPath: o.dbPath, signal: o.signal }, source, data, modelSpec, new Map(tensors), masks, v, qatWeights, qatActivations);
    tensors = r.tensors;
    fineTuneRun = r.runId;
  }
  return { modelSpec, tensors, layers, fineTuneRun, skipped, beforeQat, qatActivations };
}

function storeWeights(v: VariantSpec, w: Working): Map<string, StoredWeight> {
  const stored = new Map<string, StoredWeight>();
  const spec = quantizeSpec(v);
  for (const l of weightedLayers(w.layers)) {
    const values = w.tensors.get(l.weight)!;
    const rows = rowsOf(l), fan = fanIn(l);
    if (!spec) stored.set(l.weight, { kind: 'float32', values, sparse: v.prune?.method === 'magnitude' && sparsityOf(values) > 0.67 });
    else stored.set(l.weight, storedFromQuantized(quantizeTensor({ name: l.weight, shape: [rows, fan], data: values }, spec), rows, fan));
  }
  return stored;
}

interface QuantizedModel {
  stored: Map<string, StoredWeight>;
  /** Every param and buffer, dense/conv weights (and INT32 biases) as the exported model computes with them. */
  simulated: Map<string, Float32Array>;
  engine: Sequential;
  activations: Map<string, ActivationQuant> | null;
  biases: Map<string, QuantizedBias>;
}

/** The variant's stored weights from `tensors`, activation ranges (INT8) and the engine model computing with them. */
function quantizedModel(o: ExportOptions, data: ExportData, classes: number, v: VariantSpec, w: Working, tensors: Map<string, Float32Array>): QuantizedModel {
  const stored = storeWeights(v, { ...w, tensors });
  const simulated = new Map(tensors);
  for (const l of weightedLayers(w.layers)) simulated.set(l.weight, dequantize(stored.get(l.weight)!, rowsOf(l), fanIn(l)));
  const engine = engineModel(w.modelSpec, data.inputShape, classes, simulated);
  const activations = v.quantize !== 'int8' ? null : tensors === w.tensors && w.qatActivations ? w.qatActivations : calibrateActivations(engine, data.data.validation.count > 0 ? data.data.validation : data.data.train, o.calibrationSamples ?? 1000, v.calibration);
  const biases = new Map<string, QuantizedBias>();
  for (const l of activations ? weightedLayers(w.layers) : []) {
    const sw = stored.get(l.weight)!, a = activations!.get(l.name);
    // conv only: ORT fuses a conv QDQ group (INT32 bias, quantized output) into QLinearConv; its
    // dense groups stay DequantizeLinear + float Gemm, where these would only add bytes
    if (l.kind !== 'conv' || !l.bias || !a || sw.kind !== 'linear' || sw.bits !== 8) continue;
    const b = quantizeBias(tensors.get(l.bias)!, a, sw);
    biases.set(l.bias, b);
    engine.params().find((p) => p.name === l.bias)!.value.set(dequantizeBias(b));
    simulated.set(l.bias, dequantizeBias(b));
  }
  // after QAT the engine computes as QAT trained: weights and activations fake-quantized
  const computing = tensors === w.tensors && w.qatActivations && activations ? engineModelWithActivations(w.modelSpec, data.inputShape, classes, simulated, activations) : engine;
  return { stored, simulated, engine: computing, activations, biases };
}

/**
 * Accuracy of plain post-training quantization of the same scheme (the weights before QAT), in
 * ONNX Runtime as the variant itself is measured, or the engine's simulation where ORT cannot run it.
 */
async function ptqAccuracy(o: ExportOptions, data: ExportData, classes: number, v: VariantSpec, w: Working, tensors: Map<string, Float32Array>): Promise<{ ptqAcc: number; ptqRuntime: 'onnxruntime' | 'simulated' }> {
  const q = quantizedModel(o, data, classes, v, w, tensors);
  const test = data.data.test;
  const emitted = emitOnnx({ graphName: `ptq_${v.label}`, layers: w.layers, tensors, stored: q.stored, activations: q.activations, biases: q.biases, inputShape: data.inputShape, classes, normalizer: data.normalizer, metadata: {}, producerVersion: o.producerVersion ?? '0.1.0' });
  try {
    const ort = await loadOrtModel(emitted.bytes, `the PTQ twin of ${v.label}`);
    try {
      return { ptqAcc: accuracyOf(await ort.run(data.rawTest, classes), test.y, classes).acc, ptqRuntime: 'onnxruntime' };
    } finally {
      await ort.release();
    }
  } catch {
    return { ptqAcc: accuracyOf(engineLogits(q.engine, test, classes), test.y, classes).acc, ptqRuntime: 'simulated' };
  }
}

function accuracyOf(logits: Float32Array, labels: Int32Array, k: number): { acc: number; perClass: number[]; predictions: Int32Array } {
  const predictions = new Int32Array(labels.length);
  const correct = new Array<number>(k).fill(0), total = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    predictions[i] = argmax(logits, i * k, k);
    total[labels[i]!]!++;
    if (predictions[i] === labels[i]) correct[labels[i]!]!++;
  }
  return { acc: correct.reduce((a, b) => a + b, 0) / labels.length, perClass: correct.map((c, i) => (total[i] ? c / total[i]! : NaN)), predictions };
}

function batchNormRanks(layers: readonly ExportLayer[], inputShape: readonly number[]): Map<string, number> {
  const ranks = new Map<string, number>();
  let rank = inputShape.length;
  const walk = (ls: readonly ExportLayer[]): void => {
    for (const l of ls) {
      if (l.kind === 'flatten' || l.kind === 'dense') rank = 1;
      else if (l.kind === 'conv') rank = 3;
      else if (l.kind === 'batchnorm') ranks.set(l.name, rank);
      else if (l.kind === 'residual') { const before = rank; walk(l.body); if (l.projection) { const after = rank; rank = before; walk([l.projection]); rank = after; } }
    }
  };
  walk(layers);
  return ranks;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_');
}

export async function exportRun(o: ExportOptions): Promise<ExportReport> {
  const progressSteps = o.variants.length + 2;
  let done = 0;
  const progress = (message: string): void => o.onProgress?.({ message, fraction: Math.min(1, done / progressSteps) });
  checkOutput(o.out);
  const source = loadSourceRun(o.store, o.runId, o.checkpoint ?? 'last');
  progress('loading data');
  const data = await loadExportData(source.spec, source.specDir);
  cancelled(o.signal);
  const classes = data.data.classNames.length;
  const test = data.data.test;
  const out = path.resolve(o.out);
  const temp = makeTemp(out);
  const variants = o.variants.some((v) => v.label === 'fp32') ? [...o.variants] : [{ label: 'fp32', prune: null, finetune: 0, qat: 0, quantize: null, granularity: { kind: 'tensor' } } as VariantSpec, ...o.variants];
  const reports: VariantReport[] = [];
  let fp32: { predictions: Int32Array; perClass: number[] } | null = null;
  const runName = safeName(source.run.name || `run${source.run.id}`);
  try {
    done = 1;
    for (const v of variants) {
      cancelled(o.signal);
      progress(`${v.label}: compressing`);
      const w = await prunedModel(o, source, data, v, classes, progress);
      const { stored, simulated, engine, activations, biases } = quantizedModel(o, data, classes, v, w, w.tensors);
      const qat = w.beforeQat ? { epochs: v.qat, fineTuneRun: w.fineTuneRun!, ...await ptqAccuracy(o, data, classes, v, w, w.beforeQat) } : null;
      const engineOut = engineLogits(engine, test, classes);
      const sim = accuracyOf(engineOut, test.y, classes);
      const metadata: Record<string, string> = {
        'hyperlab.run': String(source.run.id), 'hyperlab.run_name': source.run.name, 'hyperlab.checkpoint': path.basename(source.checkpointFile), 'hyperlab.epoch': String(source.epoch),
        'hyperlab.compression': JSON.stringify({ label: v.label, prune: v.prune, finetune: v.finetune, qat: v.qat, quantize: v.quantize, granularity: v.quantize ? v.granularity : null, activations: activations ? `uint8 per tensor, ${v.calibration === 'minmax' ? 'min-max' : v.calibration === 'percentile' ? 'percentile (99.99%)' : 'entropy (KL)'} calibration` : null, fineTuneRun: w.fineTuneRun }),
        'hyperlab.spec': JSON.stringify({ ...source.spec, model: w.modelSpec }),
        'hyperlab.classes': JSON.stringify(data.data.classNames),
        'hyperlab.input': 'raw samples (pixel values 0-255 for images); normalization is in the graph',
      };
      const emitted = emitOnnx({ graphName: `${runName}_${v.label}`, layers: w.layers, tensors: w.tensors, stored, activations, biases, inputShape: data.inputShape, classes, normalizer: data.normalizer, metadata, producerVersion: o.producerVersion ?? '0.1.0' });
      let runtime: VariantReport['runtime'] = 'onnxruntime';
      let note: string | null = null;
      let acc = sim, maxAbsDiff: number | null = null, engineAgreement: number | null = null, latencyMs: VariantReport['latencyMs'] = null;
      progress(`${v.label}: running in ONNX Runtime`);
      try {
        const ort = await loadOrtModel(emitted.bytes, `the ${v.label} model`);
        try {
          const got = await ort.run(data.rawTest, classes);
          maxAbsDiff = 0;
          for (let i = 0; i < got.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[i]! - engineOut[i]!));
          acc = accuracyOf(got, test.y, classes);
          let alike = 0;
          for (let i = 0; i < test.count; i++) if (acc.predictions[i] === sim.predictions[i]) alike++;
          engineAgreement = alike / test.count;
          const repeats = o.latencyRepeats ?? 30;
          latencyMs = { batch1: await ort.latency(data.rawTest, 1, repeats), batch64: await ort.latency(data.rawTest, 64, Math.max(3, Math.round(repeats / 3))) };
        } finally {
          await ort.release();
        }
      } catch (error) {
        runtime = 'simulated';
        // a run that failed part-way leaves no ORT figure behind
        acc = sim;
        maxAbsDiff = null;
        engineAgreement = null;
        latencyMs = null;
        note = unverifiedNote(v.quantize, error instanceof Error ? error.message.split('\n')[0]! : String(error));
      }
      const files: string[] = [];
      const write = (rel: string, bytes: Uint8Array | string): void => {
        const file = path.join(temp, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, bytes);
        files.push(rel);
      };
      // an ONNX file ONNX Runtime did not run is not written: a user would deploy it and find out there
      if (runtime === 'onnxruntime' && o.formats.includes('onnx')) write(path.join(v.label, 'model.onnx'), emitted.bytes);
      if (runtime === 'onnxruntime' && o.formats.includes('triton')) {
        const name = `${runName}_${v.label}`.replace(/-/g, '_');
        write(path.join('triton', name, '1', 'model.onnx'), emitted.bytes);
        write(path.join('triton', name, 'config.pbtxt'), tritonConfig(name, data.inputShape, classes));
      }
      if (o.formats.includes('torch')) {
        const names = [...engine.params(), ...engine.buffers()];
        write(path.join(v.label, 'model.safetensors'), encodeSafetensors(names.map((p) => ({ name: p.name, shape: p.shape, data: simulated.get(p.name)! })), { format: 'hyperlab-export-1', variant: v.label }));
        const norm = data.normalizer ? { offset: Array.from(data.normalizer.offset), scale: Array.from(data.normalizer.scale) } : null;
        write(path.join(v.label, 'model.py'), torchModule(w.layers, data.inputShape, norm, batchNormRanks(w.layers, data.inputShape)));
      }
      if (v.quantize === 'int8') note = [note, `accuracy includes activation quantization (ORT); the simulated figure quantizes ${w.qatActivations ? 'weights and activations (the ranges QAT trained with)' : 'weights only'}`].filter(Boolean).join('; ');
      if (w.skipped.length) note = [note, `left dense (input width not a multiple of ${v.prune!.m}): ${w.skipped.join(', ')}`].filter(Boolean).join('; ');
      fp32 ??= { predictions: acc.predictions, perClass: acc.perClass };
      let agree = 0;
      for (let i = 0; i < test.count; i++) if (acc.predictions[i] === fp32.predictions[i]) agree++;
      const layerSparsity: Record<string, number> = {};
      let zeros = 0, total = 0;
      for (const l of weightedLayers(w.layers)) {
        const s = simulated.get(l.weight)!;
        const sp = sparsityOf(s);
        layerSparsity[l.name] = sp;
        zeros += sp * s.length;
        total += s.length;
      }
      const counts = countParams(w.layers, simulated);
      reports.push({
        label: v.label, files, bytes: emitted.bytes.length, opset: emitted.opset, parameters: counts.parameters, nonZero: counts.nonZero,
        sparsity: total ? zeros / total : 0, layerSparsity, runtime, testAcc: acc.acc, simulatedAcc: sim.acc, agreement: agree / test.count, maxAbsDiff, engineAgreement,
        perClassDelta: Object.fromEntries(data.data.classNames.map((c, i) => [c, acc.perClass[i]! - fp32!.perClass[i]!])),
        latencyMs, fineTuneRun: w.fineTuneRun, qat, note,
      });
      done++;
    }
    const report: ExportReport = {
      runId: source.run.id, runName: source.run.name, checkpoint: source.checkpointFile, epoch: source.epoch, testSamples: test.count, classNames: data.data.classNames,
      formats: [...o.formats], out, createdAt: new Date().toISOString(), ortThreads: 1, variants: reports,
    };
    fs.writeFileSync(path.join(temp, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(temp, 'report.md'), reportTable(report) + '\n');
    cancelled(o.signal);
    fs.renameSync(temp, out);
    recordArtifacts(o.store, report);
    done = progressSteps;
    progress('done');
    return report;
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

