// The INT8 QDQ export of a CNN is in the form ONNX Runtime turns into integer kernels: after its
// graph optimizations the convolutions run as QLinearConv (int8 weights, uint8 activations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportRun } from '../../../src/export/pipeline.ts';
import { decodeModel } from '../../../src/export/onnx-proto.ts';
import { parseVariant } from '../../../src/export/variants.ts';
import { smallMlpSpec, tmpDir, trainRun } from './helpers.ts';

test('INT8 per-channel CNN: ORT rewrites both conv QDQ groups to QLinearConv; accuracy stays near FP32', async () => {
  const dir = tmpDir();
  const layers = [
    { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' }, { type: 'maxpool', size: 2 },
    { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' }, { type: 'maxpool', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10 },
  ];
  const trained = await trainRun(smallMlpSpec({ 'model.layers': layers, 'data.limit': 2000, 'data.testLimit': 500 }), path.join(dir, 'runs.db'));
  const out = path.join(dir, 'export');
  const report = await exportRun({ store: trained.store, dbPath: trained.dbPath, runId: trained.runId, out, variants: [parseVariant('quantize=int8,per-channel')], formats: ['onnx'], latencyRepeats: 2 });
  const [fp32, int8] = report.variants as [typeof report.variants[0], typeof report.variants[0]];
  assert.equal(int8.runtime, 'onnxruntime');
  assert.ok(Math.abs(int8.testAcc - fp32.testAcc) < 0.03, `${int8.testAcc} vs ${fp32.testAcc}`);
  const optimized = path.join(dir, 'optimized.onnx');
  await ort.InferenceSession.create(fs.readFileSync(path.join(out, int8.label, 'model.onnx')), { graphOptimizationLevel: 'all', optimizedModelFilePath: optimized, logSeverityLevel: 3 });
  const ops = decodeModel(fs.readFileSync(optimized)).graph.node.map((n) => n.op_type);
  assert.equal(ops.filter((op) => op === 'QLinearConv').length, 2, ops.join(' '));
  assert.ok(!ops.includes('Conv') && !ops.includes('FusedConv'), ops.join(' '));
  // the conv biases are INT32 with scale = input scale × weight scale, as the fused kernel needs
  const m = decodeModel(fs.readFileSync(path.join(out, int8.label, 'model.onnx')));
  const floats = (name: string) => new Float32Array(new Uint8Array(m.graph.initializer.find((t) => t.name === name)!.raw_data).buffer);
  assert.equal(m.graph.initializer.find((t) => t.name === 'conv2d2.bias.q')!.data_type, 6);
  assert.deepEqual([...floats('conv2d2.bias.scale')], [...floats('conv2d2.weight.scale')].map((s) => Math.fround(floats('conv2d2.input.scale')[0]! * s)));
});
