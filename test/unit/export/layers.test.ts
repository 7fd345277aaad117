// Every layer type the engine has, in one model (conv + GELU, batch norm on images and on
// features, max and average pooling, a strided residual block with its 1×1 projection, ELU,
// LeakyReLU, dropout, tanh, layer norm, a dense residual with sigmoid): the FP32 ONNX model and
// the generated PyTorch module compute what the engine computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { exportRun } from '../../../src/export/pipeline.ts';
import { decodeModel } from '../../../src/export/onnx-proto.ts';
import { engineLogits, engineModel, loadExportData, loadSourceRun } from '../../../src/export/source.ts';
import { argmax } from '../../../src/engine/train/evaluate.ts';
import { smallMlpSpec, tmpDir, trainRun } from './helpers.ts';

const LAYERS = [
  { type: 'conv2d', filters: 4, kernel: 3, padding: 1, activation: 'gelu' },
  { type: 'batchnorm' },
  { type: 'maxpool', size: 2 },
  { type: 'residual', layers: [{ type: 'conv2d', filters: 8, kernel: 3, padding: 1, stride: 2, activation: 'elu' }, { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'none' }] },
  { type: 'activation', fn: 'leakyrelu', alpha: 0.2 },
  { type: 'avgpool', size: 2 },
  { type: 'flatten' },
  { type: 'dropout', rate: 0.3 },
  { type: 'dense', units: 16, activation: 'tanh' },
  { type: 'layernorm' },
  { type: 'batchnorm' },
  { type: 'residual', layers: [{ type: 'dense', units: 16, activation: 'sigmoid' }] },
  { type: 'dense', units: 10 },
];

test('all layer types: ONNX logits equal the engine\'s (max |Δ| < 1e-4, same predictions), and the PyTorch module predicts the same', async () => {
  const dir = tmpDir();
  const trained = await trainRun(smallMlpSpec({ 'model.layers': LAYERS, 'data.limit': 1000, 'data.testLimit': 300 }), path.join(dir, 'runs.db'));
  const out = path.join(dir, 'export');
  const report = await exportRun({ store: trained.store, dbPath: trained.dbPath, runId: trained.runId, out, variants: [], formats: ['onnx', 'torch'], latencyRepeats: 2 });
  const fp32 = report.variants[0]!;
  assert.equal(fp32.runtime, 'onnxruntime');
  assert.ok(fp32.maxAbsDiff! < 1e-4, `max abs diff ${fp32.maxAbsDiff}`);
  assert.equal(fp32.testAcc, trained.store.getRun(trained.runId)!.summary!['test.acc']);
  const ops = new Set(decodeModel(fs.readFileSync(path.join(out, 'fp32', 'model.onnx'))).graph.node.map((n) => n.op_type));
  for (const op of ['Conv', 'Erf', 'BatchNormalization', 'MaxPool', 'AveragePool', 'Elu', 'LeakyRelu', 'Add', 'Flatten', 'Gemm', 'Tanh', 'LayerNormalization', 'Sigmoid', 'Sub', 'Mul']) assert.ok(ops.has(op), op);
  assert.ok(!ops.has('Dropout'));

  const source = loadSourceRun(trained.store, trained.runId);
  const data = await loadExportData(source.spec, source.specDir);
  const n = data.rawTest.count;
  const inputs = path.join(dir, 'inputs.f32');
  fs.writeFileSync(inputs, data.rawTest.x);
  const d = path.join(out, 'fp32');
  const script = [
    'import sys, json, torch', `sys.path.insert(0, ${JSON.stringify(d)})`, 'import model as m',
    'net = m.ExportedModel()', `net.load_state_dict(m.load_safetensors(${JSON.stringify(path.join(d, 'model.safetensors'))}), strict=True)`, 'net.eval()',
    `x = torch.frombuffer(bytearray(open(${JSON.stringify(inputs)}, "rb").read()), dtype=torch.float32).reshape(${n}, 1, 28, 28)`,
    'with torch.no_grad(): y = net(x)', 'print(json.dumps(y.flatten().tolist()))',
  ].join('\n');
  const torchLogits = Float32Array.from(JSON.parse(execFileSync(process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3', ['-c', script], { encoding: 'utf8' })) as number[]);
  const engine = engineLogits(engineModel(source.spec.model, data.inputShape, 10, source.tensors), data.data.test, 10);
  let max = 0;
  for (let i = 0; i < engine.length; i++) max = Math.max(max, Math.abs(torchLogits[i]! - engine[i]!));
  assert.ok(max < 1e-4, `PyTorch vs engine max abs diff ${max}`);
  for (let i = 0; i < n; i++) assert.equal(argmax(torchLogits, i * 10, 10), argmax(engine, i * 10, 10));
});
