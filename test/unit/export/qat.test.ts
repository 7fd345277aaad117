// Quantization-aware fine-tuning through `hyperlab export --qat` on a real trained run (small MLP
// on a FashionMNIST subset): the exported ONNX model predicts what the engine predicts with the
// QAT masters fake-quantized, QAT recovers accuracy PTQ loses on INT4 per tensor (more than the
// same epochs of plain fine-tuning followed by PTQ), and the QAT run is a linked run of its own.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { fakeQuantizeWeights, quantizeLinear, dequantizeValue, type LinearOptions } from '../../../src/core/compress/index.ts';
import { calibrateActivations } from '../../../src/export/calibrate.ts';
import { decodeModel } from '../../../src/export/onnx-proto.ts';
import { engineModelWithActivations } from '../../../src/export/qat-activations.ts';
import type { ExportReport, VariantReport } from '../../../src/export/pipeline.ts';
import { engineLogits, engineModel, loadExportData, loadSourceRun, type ExportData } from '../../../src/export/source.ts';
import { argmax } from '../../../src/engine/train/evaluate.ts';
import { neverStop, silentReporter } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { smallMlpSpec, tmpDir, trainRun, type TrainedRun } from './helpers.ts';

const INT4_TENSOR = { type: 'int4', scheme: 'symmetric', granularity: { kind: 'tensor' } } as const;
let dir: string;
let trained: TrainedRun;
let report: ExportReport;
let data: ExportData;

function io(out: string[], err: string[]): CliIO {
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env: {}, programDir: dir, onInterrupt: () => () => {}, stderrIsTTY: false };
}

const variant = (label: string): VariantReport => {
  const v = report.variants.find((r) => r.label === label);
  assert.ok(v, `variant ${label} in the report (${report.variants.map((r) => r.label).join(', ')})`);
  return v;
};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function accuracy(logits: Float32Array, labels: Int32Array, k: number): { acc: number; predictions: Int32Array } {
  const predictions = Int32Array.from(labels, (_, i) => argmax(logits, i * k, k));
  return { acc: predictions.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / labels.length, predictions };
}

/** Weights fake-quantized by the compression core (what QAT computes with), the rest as given. */
/** The exported model's accuracy in ONNX Runtime, after checking it predicts every test sample as the engine did. */
async function samePredictionsInOrt(file: string, engine: { predictions: Int32Array }, data: ExportData, classes: number): Promise<{ acc: number; predictions: Int32Array }> {
  const session = await ort.InferenceSession.create(fs.readFileSync(file));
  const n = data.rawTest.count;
  const result = await session.run({ input: new ort.Tensor('float32', data.rawTest.x, [n, ...data.inputShape]) });
  const onnx = accuracy(result['logits']!.data as Float32Array, data.data.test.y, classes);
  let differ = 0;
  for (let i = 0; i < n; i++) if (engine.predictions[i] !== onnx.predictions[i]) differ++;
  assert.equal(differ, 0, `${differ} of ${n} test samples predicted differently`);
  return onnx;
}

function fakeQuantized(tensors: ReadonlyMap<string, Float32Array>, options: LinearOptions = INT4_TENSOR): Map<string, Float32Array> {
  const out = new Map(tensors);
  for (const [name, values] of tensors) {
    if (!/^dense\d+\.weight$/.test(name)) continue;
    const rows = tensors.get(name.replace('weight', 'bias'))!.length;
    out.set(name, fakeQuantizeWeights({ name, shape: [rows, values.length / rows], data: values }, options).y);
  }
  return out;
}

/** The input scale and zero point of every dense layer, as the exported QDQ graph stores them. */
function onnxActivationRanges(file: string): Map<string, { scale: number; zeroPoint: number }> {
  const m = decodeModel(fs.readFileSync(file));
  const raw = (name: string) => m.graph.initializer.find((i) => i.name === name);
  const ranges = new Map<string, { scale: number; zeroPoint: number }>();
  for (const i of m.graph.initializer) {
    const layer = /^(dense\d+)\.input\.scale$/.exec(i.name)?.[1];
    if (!layer) continue;
    const zp = raw(`${layer}.input.zero_point`)!;
    ranges.set(layer, { scale: new Float32Array(Uint8Array.from(i.raw_data).buffer)[0]!, zeroPoint: zp.raw_data[0]! });
  }
  return ranges;
}

before(async () => {
  dir = tmpDir('hyperlab-qat-');
  // 2 epochs on 3,000 images, seed fixed: deterministic
  trained = await trainRun(smallMlpSpec({ 'train.epochs': 2, 'train.seed': 3 }), path.join(dir, 'runs.db'));
  const out: string[] = [], err: string[] = [];
  const code = await runCli(['export', String(trained.runId), '--quantize', 'int4', '--per-tensor', '--qat', '1', '--variant', 'quantize=int4,per-tensor', '--variant', 'quantize=int8,per-channel,qat=1', '--variant', 'nm=2:4,quantize=int4,block=16,qat=1', '--out', 'qat', '--json', '--db', trained.dbPath], io(out, err));
  assert.equal(code, 0, err.join(''));
  report = JSON.parse(out.join('')) as ExportReport;
  const source = loadSourceRun(trained.store, trained.runId);
  data = await loadExportData(source.spec, source.specDir);
});

test('--qat 1 with int4 per tensor: labelled, reported with its run and the PTQ accuracy of the same scheme (--json)', () => {
  assert.deepEqual(report.variants.map((v) => v.label), ['fp32', 'int4-tensor-qat1', 'int4-tensor', 'int8-channel-qat1', 'nm2of4-int4-block16-qat1']);
  const qat = variant('int4-tensor-qat1');
  assert.ok(qat.qat, 'qat block in the JSON report');
  assert.equal(qat.qat.epochs, 1);
  assert.equal(qat.qat.fineTuneRun, qat.fineTuneRun);
  assert.equal(qat.qat.ptqRuntime, 'onnxruntime');
  // the PTQ figure is what exporting the same scheme without QAT measures
  assert.equal(qat.qat.ptqAcc, variant('int4-tensor').testAcc);
  assert.equal(variant('int4-tensor').qat, null);
  assert.equal(qat.runtime, 'onnxruntime');
  const md = fs.readFileSync(path.join(dir, 'qat', 'report.md'), 'utf8');
  assert.match(md, new RegExp(`\\| int4-tensor-qat1 \\|.*\\| ${(100 * qat.testAcc).toFixed(2)}% \\(PTQ ${(100 * qat.qat.ptqAcc).toFixed(2)}%\\) \\|.*QAT 1 epoch: run ${qat.fineTuneRun} \\|`));
});

test('after QAT, the engine with the masters fake-quantized predicts every test sample as the exported ONNX model does in ONNX Runtime', async () => {
  const qat = variant('int4-tensor-qat1');
  const run = loadSourceRun(trained.store, qat.fineTuneRun!);
  const classes = data.data.classNames.length;
  const fq = fakeQuantized(run.tensors);
  // the masters are FP32, off the grid: the fake quantization is what makes the two agree
  assert.notDeepEqual(fq.get('dense1.weight'), run.tensors.get('dense1.weight'));
  const engine = accuracy(engineLogits(engineModel(run.spec.model, data.inputShape, classes, fq), data.data.test, classes), data.data.test.y, classes);
  const onnx = await samePredictionsInOrt(path.join(dir, 'qat', qat.label, 'model.onnx'), engine, data, classes);
  assert.equal(engine.acc, onnx.acc);
  assert.equal(onnx.acc, qat.testAcc);
  // the stored INT4 codes are the masters' quantization (no second rounding on the way)
  const w = run.tensors.get('dense2.weight')!;
  const q = quantizeLinear({ name: 'dense2.weight', shape: [32, 64], data: w }, INT4_TENSOR);
  assert.deepEqual(Float32Array.from(q.data, (c) => dequantizeValue(c, q.scale[0]!, 0)), fq.get('dense2.weight'));
});

test('QAT recovers accuracy that INT4 per-tensor PTQ loses, beyond what the same epoch of plain fine-tuning then PTQ gives', async (t) => {
  const qat = variant('int4-tensor-qat1');
  const fp32 = variant('fp32').testAcc, ptq = qat.qat!.ptqAcc, after = qat.testAcc;
  // control: one epoch of FP32 fine-tuning from the same weights and spec (no fake quantization), then the same PTQ
  const run = loadSourceRun(trained.store, qat.fineTuneRun!);
  const source = loadSourceRun(trained.store, trained.runId);
  const plain = await runExperiment({ spec: run.spec, specDir: source.specDir, data: data.data, checkpointDir: null, control: neverStop, reporter: silentReporter, start: { tensors: source.tensors } });
  const classes = data.data.classNames.length;
  const tuned = new Map([...plain.members[0]!.model.params(), ...plain.members[0]!.model.buffers()].map((p) => [p.name, p.value.slice()]));
  const control = accuracy(engineLogits(engineModel(run.spec.model, data.inputShape, classes, fakeQuantized(tuned)), data.data.test, classes), data.data.test.y, classes).acc;
  const figures = `FP32 ${pct(fp32)}, INT4 per-tensor PTQ ${pct(ptq)}, fine-tune 1 epoch + PTQ ${pct(control)}, QAT 1 epoch ${pct(after)}`;
  t.diagnostic(figures);
  assert.ok(ptq < fp32 - 0.01, `PTQ must visibly lose accuracy for this test to mean anything: ${figures}`);
  assert.ok(after > ptq, `QAT must beat PTQ: ${figures}`);
  assert.ok(after > control, `QAT must beat plain fine-tuning + PTQ (the gain is the fake quantization, not the extra epoch): ${figures}`);
});

test('the QAT run is a finished run of its own, linked to its parent, whose curves and test accuracy are the quantized model\'s', () => {
  const qat = variant('int4-tensor-qat1');
  const run = trained.store.getRun(qat.fineTuneRun!)!;
  assert.equal(run.status, 'finished');
  assert.equal(run.params['parent.run'], trained.runId);
  assert.equal(run.params['compress.variant'], 'int4-tensor-qat1');
  assert.equal(run.params['compress.qat'], 1);
  assert.equal(run.params['train.epochs'], 1);
  assert.match(run.name, /· int4-tensor-qat1$/);
  assert.ok(trained.store.metricKeys(run.id).includes('epoch.val.acc'));
  // the run's test accuracy is evaluated on the fake-quantized weights: the exported model's accuracy
  assert.equal(run.summary!['test.acc'], qat.testAcc);
});

test('INT8 QAT fake-quantizes the activations too, at the calibrated ranges the export keeps: the engine so computing predicts every test sample as ONNX Runtime does', async () => {
  const qat = variant('int8-channel-qat1');
  assert.ok(qat.qat);
  const file = path.join(dir, 'qat', qat.label, 'model.onnx');
  const ranges = onnxActivationRanges(file);
  assert.deepEqual([...ranges.keys()], ['dense1', 'dense2', 'dense3']);
  // the ranges are the PTQ calibration of the weights before QAT (held through QAT, not recalibrated after it)
  const source = loadSourceRun(trained.store, trained.runId);
  const classes = data.data.classNames.length;
  const int8 = { type: 'int8', scheme: 'symmetric', granularity: { kind: 'channel', axis: 0 } } as const;
  const before = calibrateActivations(engineModel(source.spec.model, data.inputShape, classes, fakeQuantized(source.tensors, int8)), data.data.validation, 1000);
  for (const [layer, r] of ranges) assert.deepEqual(r, { scale: Math.fround(before.get(layer)!.scale), zeroPoint: before.get(layer)!.zeroPoint }, layer);
  const run = loadSourceRun(trained.store, qat.fineTuneRun!);
  const engine = accuracy(engineLogits(engineModelWithActivations(run.spec.model, data.inputShape, classes, fakeQuantized(run.tensors, int8), ranges), data.data.test, classes), data.data.test.y, classes);
  const onnx = await samePredictionsInOrt(file, engine, data, classes);
  assert.equal(onnx.acc, qat.testAcc);
  assert.equal(qat.engineAgreement, 1);
  // and the QAT run itself evaluated the model that way
  assert.equal(trained.store.getRun(qat.fineTuneRun!)!.summary!['test.acc'], qat.testAcc);
});

test('QAT after 2:4 pruning holds the pattern: the QAT run\'s weights keep 2 zeros in every group of 4 inputs, and so does the exported model', () => {
  const qat = variant('nm2of4-int4-block16-qat1');
  assert.ok(qat.qat);
  const run = loadSourceRun(trained.store, qat.fineTuneRun!);
  for (const [name, w] of run.tensors) {
    if (!/^dense\d+\.weight$/.test(name)) continue;
    let bad = 0;
    for (let g = 0; g < w.length; g += 4) if ([0, 1, 2, 3].filter((k) => w[g + k] === 0).length < 2) bad++;
    assert.equal(bad, 0, `${name}: ${bad} groups of 4 with fewer than 2 zeros`);
  }
  assert.ok(qat.sparsity >= 0.5, `exported sparsity ${qat.sparsity}`);
});
