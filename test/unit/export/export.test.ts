// Export of a real trained run (small MLP on a FashionMNIST subset): the FP32 ONNX model equals
// the engine, every variant runs in ONNX Runtime, the 2:4 pattern is in the written weights,
// the Triton and PyTorch targets load, fine-tuning is a linked run, the report is in the store.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportRun, type ExportReport } from '../../../src/export/pipeline.ts';
import { decodeModel, DataType } from '../../../src/export/onnx-proto.ts';
import { engineLogits, engineModel, loadExportData, loadSourceRun } from '../../../src/export/source.ts';
import { parseVariant } from '../../../src/export/variants.ts';
import { argmax } from '../../../src/engine/train/evaluate.ts';
import { decodeSafetensors } from '../../../src/engine/train/safetensors.ts';
import { smallMlpSpec, tmpDir, trainRun, type TrainedRun } from './helpers.ts';

const python = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
let trained: TrainedRun;
let report: ExportReport;
let out: string;
const VARIANTS = ['quantize=fp16', 'quantize=int8,per-channel', 'quantize=int8,per-channel,calibration=percentile', 'quantize=int8,per-channel,calibration=entropy', 'prune=0.9,finetune=1', 'prune=0.5,per-layer', 'nm=2:4', 'prune=0.5,structured', 'quantize=ternary', 'quantize=int4,block=16', 'quantize=kmeans4', 'quantize=fp8'];

before(async () => {
  const dir = tmpDir();
  trained = await trainRun(smallMlpSpec(), path.join(dir, 'runs.db'));
  out = path.join(dir, 'export');
  report = await exportRun({ store: trained.store, dbPath: trained.dbPath, runId: trained.runId, out, variants: VARIANTS.map(parseVariant), formats: ['onnx', 'triton', 'torch'], latencyRepeats: 3 });
});

const variant = (label: string) => {
  const v = report.variants.find((r) => r.label === label);
  assert.ok(v, `variant ${label} in the report`);
  return v;
};

test('the FP32 ONNX model gives the engine\'s logits on the test subset (max |Δ| < 1e-4, identical predictions)', async () => {
  const source = loadSourceRun(trained.store, trained.runId);
  const data = await loadExportData(source.spec, source.specDir);
  const classes = data.data.classNames.length;
  const engine = engineLogits(engineModel(source.spec.model, data.inputShape, classes, source.tensors), data.data.test, classes);
  const session = await ort.InferenceSession.create(fs.readFileSync(path.join(out, 'fp32', 'model.onnx')));
  const n = data.rawTest.count;
  const result = await session.run({ input: new ort.Tensor('float32', data.rawTest.x, [n, ...data.inputShape]) });
  const logits = result['logits']!.data as Float32Array;
  assert.equal(logits.length, n * classes);
  let max = 0, same = 0;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(logits[i]! - engine[i]!));
  for (let i = 0; i < n; i++) if (argmax(logits, i * classes, classes) === argmax(engine, i * classes, classes)) same++;
  assert.ok(max < 1e-4, `max abs diff ${max}`);
  assert.equal(same, n);
  // the engine's own test accuracy of this run is what the ONNX model scores
  assert.equal(variant('fp32').testAcc, trained.store.getRun(trained.runId)!.summary!['test.acc']);
  assert.equal(variant('fp32').engineAgreement, 1);
});

test('every variant was run in ONNX Runtime and matches the engine simulating the same weights', () => {
  assert.deepEqual(report.variants.map((v) => v.label), ['fp32', 'fp16', 'int8-channel', 'int8-channel-percentile', 'int8-channel-entropy', 'prune90-ft1', 'prune50-layer', 'nm2of4', 'struct50', 'ternary', 'int4-block16', 'kmeans4', 'fp8']);
  for (const v of report.variants) {
    assert.equal(v.runtime, 'onnxruntime', `${v.label}: ${v.note}`);
    assert.ok(v.latencyMs && v.latencyMs.batch1 > 0 && v.latencyMs.batch64 > 0);
    // weight-only variants compute what the engine computes with the dequantized weights
    if (!v.label.startsWith('int8-channel')) assert.ok(v.maxAbsDiff! < 1e-4, `${v.label}: max abs diff ${v.maxAbsDiff}`);
    if (!v.label.startsWith('int8-channel')) assert.equal(v.testAcc, v.simulatedAcc, v.label);
  }
  assert.equal(variant('fp16').agreement > 0.99, true);
  assert.ok(Math.abs(variant('int8-channel').testAcc - variant('fp32').testAcc) < 0.02);
  assert.ok(variant('int8-channel').bytes < 0.3 * variant('fp32').bytes);
  assert.ok(variant('fp16').bytes < 0.52 * variant('fp32').bytes);
  assert.equal(variant('int4-block16').opset, 21);
  assert.equal(variant('fp8').opset, 21);
  assert.equal(variant('fp32').opset, 17);
});

test('each written model file loads and runs in ONNX Runtime on its own (batch 3, dynamic batch)', async () => {
  for (const v of report.variants) {
    const session = await ort.InferenceSession.create(fs.readFileSync(path.join(out, v.label, 'model.onnx')));
    const r = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 784).fill(128), [3, 1, 28, 28]) });
    assert.deepEqual(r['logits']!.dims, [3, 10], v.label);
    assert.ok([...(r['logits']!.data as Float32Array)].every(Number.isFinite), v.label);
  }
});

test('the ONNX file carries names, a symbolic batch dimension and metadata (spec, run, compression)', () => {
  const m = decodeModel(fs.readFileSync(path.join(out, 'int8-channel', 'model.onnx')));
  assert.equal(m.opset_import[0]!.version, 17);
  assert.equal(m.graph.input[0]!.name, 'input');
  assert.deepEqual(m.graph.input[0]!.type.tensor_type.shape.dim.map((d) => d.dim_param || d.dim_value), ['batch', 1, 28, 28]);
  assert.deepEqual(m.graph.output[0]!.type.tensor_type.shape.dim.map((d) => d.dim_param || d.dim_value), ['batch', 10]);
  const meta = Object.fromEntries(m.metadata_props.map((p) => [p.key, p.value]));
  assert.equal(meta['hyperlab.run'], String(trained.runId));
  assert.equal(JSON.parse(meta['hyperlab.spec']!).model.layers[1].units, 64);
  assert.equal(JSON.parse(meta['hyperlab.compression']!).quantize, 'int8');
  // per-channel INT8 weights and calibrated activations: QuantizeLinear/DequantizeLinear pairs
  const weight = m.graph.initializer.find((t) => t.name === 'dense1.weight.q')!;
  assert.equal(weight.data_type, DataType.INT8);
  assert.deepEqual(weight.dims, [64, 784]);
  assert.deepEqual(m.graph.initializer.find((t) => t.name === 'dense1.weight.scale')!.dims, [64]);
  // dense layers: Q→DQ on each input, DQ of each weight; float biases (ORT leaves dense QDQ unfused, so INT32 biases would only add bytes)
  assert.equal(m.graph.node.filter((n) => n.op_type === 'QuantizeLinear').length, 3);
  assert.equal(m.graph.node.filter((n) => n.op_type === 'DequantizeLinear').length, 6);
  assert.equal(m.graph.initializer.find((t) => t.name === 'dense1.bias')!.data_type, DataType.FLOAT);
  assert.ok(!m.graph.node.some((n) => n.op_type === 'Dropout'));
});

test('INT8 activation calibration: percentile and entropy clip the ranges min-max keeps whole (smaller scales), and each runs in ONNX Runtime near FP32', () => {
  const scaleOf = (label: string, name: string): number => {
    const m = decodeModel(fs.readFileSync(path.join(out, label, 'model.onnx')));
    const t = m.graph.initializer.find((i) => i.name === name)!;
    return new Float32Array(Uint8Array.from(t.raw_data).buffer)[0]!;
  };
  const inputScales = (label: string) => {
    const m = decodeModel(fs.readFileSync(path.join(out, label, 'model.onnx')));
    return m.graph.initializer.filter((i) => /input.*scale|act.*scale|\.in\.scale/.test(i.name)).map((i) => i.name);
  };
  const names = inputScales('int8-channel');
  assert.ok(names.length > 0, 'activation scales are stored');
  for (const name of names) {
    assert.ok(scaleOf('int8-channel-percentile', name) <= scaleOf('int8-channel', name) + 1e-12, `${name}: percentile ≤ min-max`);
    assert.ok(scaleOf('int8-channel-entropy', name) <= scaleOf('int8-channel', name) + 1e-12, `${name}: entropy ≤ min-max`);
  }
  assert.ok(names.some((name) => scaleOf('int8-channel-percentile', name) < scaleOf('int8-channel', name)), 'percentile clips at least one range');
  for (const label of ['int8-channel-percentile', 'int8-channel-entropy']) {
    assert.ok(Math.abs(variant(label).testAcc - variant('fp32').testAcc) < 0.03, `${label}: ${variant(label).testAcc}`);
    const meta = Object.fromEntries(decodeModel(fs.readFileSync(path.join(out, label, 'model.onnx'))).metadata_props.map((p) => [p.key, p.value]));
    assert.match(JSON.parse(meta['hyperlab.compression']!).activations, label.endsWith('percentile') ? /percentile \(99\.99%\)/ : /entropy \(KL\)/);
  }
});

test('2:4: every group of 4 consecutive inputs of every exported weight row holds at least 2 zeros', () => {
  const m = decodeModel(fs.readFileSync(path.join(out, 'nm2of4', 'model.onnx')));
  const weights = m.graph.initializer.filter((t) => t.name.endsWith('.weight'));
  assert.equal(weights.length, 3);
  for (const t of weights) {
    const values = new Float32Array(new Uint8Array(t.raw_data).buffer);
    const fan = t.dims[1]!;
    assert.equal(values.length, t.dims[0]! * fan);
    for (let g = 0; g < values.length; g += 4) {
      let zeros = 0;
      for (let k = 0; k < 4; k++) if (values[g + k] === 0) zeros++;
      assert.ok(zeros >= 2, `${t.name}: group at ${g} has ${zeros} zeros`);
    }
  }
  assert.equal(variant('nm2of4').sparsity, 0.5);
});

test('structured pruning shrinks the layers (and the next layer\'s inputs); 90% magnitude pruning survives fine-tuning exactly', () => {
  const m = decodeModel(fs.readFileSync(path.join(out, 'struct50', 'model.onnx')));
  const dims = (name: string) => m.graph.initializer.find((t) => t.name === name)!.dims;
  assert.deepEqual(dims('dense1.weight'), [32, 784]);
  assert.deepEqual(dims('dense2.weight'), [16, 32]);
  assert.deepEqual(dims('dense3.weight'), [10, 16]);
  assert.ok(variant('struct50').parameters < variant('fp32').parameters / 2);
  // global: 90% over all weights (one threshold), the small output layer keeps more of its own
  const pruned = variant('prune90-ft1');
  assert.ok(Math.abs(pruned.sparsity - 0.9) < 1e-4, `sparsity ${pruned.sparsity}`);
  assert.ok(pruned.layerSparsity['dense3']! < pruned.layerSparsity['dense1']!);
  for (const s of Object.values(variant('prune50-layer').layerSparsity)) assert.ok(Math.abs(s - 0.5) < 1e-3, `layer sparsity ${s}`);
  // stored sparse (COO): the file is far smaller than the dense one
  assert.ok(pruned.bytes < 0.4 * variant('fp32').bytes);
});

test('fine-tuning is a run of its own, with curves, linked to its parent', () => {
  const id = variant('prune90-ft1').fineTuneRun!;
  const run = trained.store.getRun(id)!;
  assert.equal(run.status, 'finished');
  assert.equal(run.params['parent.run'], trained.runId);
  assert.equal(run.params['compress.variant'], 'prune90-ft1');
  assert.equal(run.params['train.epochs'], 1);
  assert.ok(trained.store.metricKeys(id).includes('loss'));
  assert.ok(trained.store.points(id, 'loss').length > 10);
});

test('the report is stored as artifacts of the run', () => {
  const artifacts = trained.store.artifacts(trained.runId);
  const exports = artifacts.filter((a) => a.kind === 'export');
  assert.equal(exports.length, report.variants.length);
  const int8 = exports.find((a) => a.meta?.['label'] === 'int8-channel')!;
  assert.equal(int8.path, path.join(out, 'int8-channel', 'model.onnx'));
  assert.equal(int8.size, fs.statSync(int8.path).size);
  assert.equal(int8.meta!['testAcc'], variant('int8-channel').testAcc);
  const rep = artifacts.find((a) => a.kind === 'export-report')!;
  assert.deepEqual(JSON.parse(fs.readFileSync(rep.path, 'utf8')).variants.map((v: { label: string }) => v.label), report.variants.map((v) => v.label));
  assert.ok(fs.readFileSync(path.join(out, 'report.md'), 'utf8').includes('| int8-channel |'));
  assert.deepEqual(fs.readdirSync(path.dirname(out)).filter((f) => f.includes('.partial-')), []);
});

test('Triton repository: NAME/1/model.onnx and a config.pbtxt for the onnxruntime backend', () => {
  const repo = path.join(out, 'triton');
  const names = fs.readdirSync(repo).sort();
  assert.equal(names.length, report.variants.length);
  const name = names.find((n) => n.endsWith('_int8_channel'))!;
  assert.deepEqual(fs.readFileSync(path.join(repo, name, '1', 'model.onnx')), fs.readFileSync(path.join(out, 'int8-channel', 'model.onnx')));
  const config = fs.readFileSync(path.join(repo, name, 'config.pbtxt'), 'utf8');
  assert.match(config, new RegExp(`^name: "${name}"$`, 'm'));
  assert.match(config, /^backend: "onnxruntime"$/m);
  assert.match(config, /^max_batch_size: 64$/m);
  assert.match(config, /name: "input"\n\s+data_type: TYPE_FP32\n\s+dims: \[ 1, 28, 28 \]/);
  assert.match(config, /name: "logits"\n\s+data_type: TYPE_FP32\n\s+dims: \[ 10 \]/);
  assert.match(config, /dynamic_batching \{/);
});

test('PyTorch: model.py\'s module loads model.safetensors with load_state_dict and predicts as the engine (python3-torch)', async () => {
  const source = loadSourceRun(trained.store, trained.runId);
  const data = await loadExportData(source.spec, source.specDir);
  const n = 200;
  const inputs = path.join(out, 'inputs.f32');
  fs.writeFileSync(inputs, data.rawTest.x.subarray(0, n * 784));
  const labels = ['fp32', 'struct50', 'int8-channel'];
  // one Python process for all three (importing torch takes seconds)
  const script = [
    'import sys, json, importlib.util, torch', 'out = {}',
    `for label in ${JSON.stringify(labels)}:`,
    `    d = ${JSON.stringify(out)} + "/" + label`,
    '    spec = importlib.util.spec_from_file_location("model_" + label.replace("-", "_"), d + "/model.py")',
    '    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    '    net = m.ExportedModel()',
    '    net.load_state_dict(m.load_safetensors(d + "/model.safetensors"), strict=True)',
    '    net.eval()',
    `    x = torch.frombuffer(bytearray(open(${JSON.stringify(inputs)}, "rb").read()), dtype=torch.float32).reshape(${n}, 1, 28, 28)`,
    '    with torch.no_grad(): out[label] = net(x).argmax(1).tolist()',
    'print(json.dumps(out))',
  ].join('\n');
  const byLabel = JSON.parse(execFileSync(python, ['-c', script], { encoding: 'utf8' })) as Record<string, number[]>;
  for (const label of labels) {
    const dir = path.join(out, label);
    const predicted = byLabel[label]!;
    const v = variant(label);
    const classes = 10;
    // the engine with the variant's own weights (what its safetensors hold)
    const file = fs.readFileSync(path.join(dir, 'model.safetensors'));
    const tensors = new Map([...decodeSafetensors(new Uint8Array(file), 'x').tensors].map(([k, t]) => [k, t.data as Float32Array]));
    const spec = JSON.parse(decodeModel(fs.readFileSync(path.join(dir, 'model.onnx'))).metadata_props.find((p) => p.key === 'hyperlab.spec')!.value);
    const engine = engineLogits(engineModel(spec.model, data.inputShape, classes, tensors), { ...data.data.test, x: data.data.test.x.subarray(0, n * 784), count: n }, classes);
    const expected = Array.from({ length: n }, (_, i) => argmax(engine, i * classes, classes));
    assert.deepEqual(predicted, expected, `${label} (${v.label})`);
  }
});
