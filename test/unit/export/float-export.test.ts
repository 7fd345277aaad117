// BF16, FP8 E5M2 and FP4 E2M1 exports. The weights in the ONNX file are the bit patterns
// float-formats.ts's scalar encoder gives (scales recomputed here from their definitions), ONNX
// Runtime's logits equal the engine's on the simulated weights; FP4, which ONNX Runtime 1.30
// cannot run (ort-float-probe.test.ts), is reported with the simulated figures and no file.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { runCli } from '../../../src/cli/cli.ts';
import type { HyperlabError } from '../../../src/core/errors.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { decodeFloat, encodeFloat } from '../../../src/core/compress/float-formats.ts';
import { quantizeTensor } from '../../../src/core/compress/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { emitOnnx, packNibbles } from '../../../src/export/emit-onnx.ts';
import { storedFromQuantized } from '../../../src/export/from-compress.ts';
import { dequantize, type StoredWeight } from '../../../src/export/stored-weight.ts';
import { quantizeSpec } from '../../../src/export/variant-quantizer.ts';
import { decodeModel, DataType } from '../../../src/export/onnx-proto.ts';
import type { ExportReport } from '../../../src/export/report.ts';
import { engineLogits, engineModel, loadExportData, loadSourceRun } from '../../../src/export/source.ts';
import { argmax } from '../../../src/engine/train/evaluate.ts';
import { makeVariant, parseVariant } from '../../../src/export/variants.ts';
import { smallMlpSpec, tmpDir, trainRun, type TrainedRun } from './helpers.ts';

/** The expected initializer bytes of each format, from the scalar encoder and the scale definitions. */
function expectedBf16(w: Float32Array): Uint8Array {
  return new Uint8Array(Uint16Array.from(w, (v) => encodeFloat('bfloat16', v)).buffer);
}

function expectedE5m2(w: Float32Array): { codes: Uint8Array; scale: number } {
  let amax = 0;
  for (const v of w) amax = Math.max(amax, Math.abs(v));
  const scale = Math.fround(amax / 57344); // max |w| → E5M2's largest finite value
  return { codes: Uint8Array.from(w, (v) => encodeFloat('float8e5m2', Math.fround(v / scale))), scale };
}

/** MXFP4 over [rows, fanIn]: per block of 32 inputs, scale 2^(floor(log2 max|w|) − 2) (2 = the exponent of E2M1's 6). */
function expectedFp4(w: Float32Array, rows: number, fanIn: number, block = 32): { packed: Uint8Array; scale: Float32Array; codes: number[] } {
  const blocks = Math.ceil(fanIn / block);
  const scale = new Float32Array(rows * blocks);
  const codes: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < blocks; b++) {
      let amax = 0;
      for (let c = b * block; c < Math.min(fanIn, (b + 1) * block); c++) amax = Math.max(amax, Math.abs(w[r * fanIn + c]!));
      scale[r * blocks + b] = amax === 0 ? 1 : 2 ** (Math.floor(Math.log2(amax)) - 2);
    }
    for (let c = 0; c < fanIn; c++) codes.push(encodeFloat('float4e2m1', Math.fround(w[r * fanIn + c]! / scale[r * blocks + Math.floor(c / block)]!)));
  }
  return { packed: packNibbles(codes), scale, codes };
}

const raw = (t: { raw_data: Uint8Array }): number[] => [...Uint8Array.from(t.raw_data)];
const floats = (t: { raw_data: Uint8Array }): Float32Array => new Float32Array(Uint8Array.from(t.raw_data).buffer);

test('variants: --quantize bf16, fp8e5m2 and fp4 (MX blocks of 32, or --block B) are parsed and labelled; fp4 refuses per-channel/per-tensor', () => {
  assert.equal(makeVariant({ quantize: 'bf16' }).label, 'bf16');
  assert.equal(makeVariant({ quantize: 'fp8e5m2' }).label, 'fp8e5m2');
  assert.deepEqual(makeVariant({ quantize: 'fp4' }).granularity, { kind: 'block', size: 32 });
  assert.equal(makeVariant({ quantize: 'fp4' }).label, 'fp4-block32');
  assert.equal(parseVariant('quantize=fp4,block=16').label, 'fp4-block16');
  assert.throws(() => makeVariant({ quantize: 'fp4', perChannel: true }), /--per-channel does not apply to --quantize fp4/);
  assert.throws(() => makeVariant({ quantize: 'bf16', block: 32 }), /--block applies to --quantize int8, int4 or fp4/);
  assert.throws(() => makeVariant({ quantize: 'fp5' }), (e: HyperlabError) => /--quantize fp5 is not a known method/.test(e.message) && /bf16, fp8, fp8e5m2, fp4/.test(e.hint!));
});

test('a one-layer model: the BF16, E5M2 and FP4 initializers are the scalar encoder\'s codes, edge values included (ties, subnormals, a partial last block)', () => {
  const rows = 2, fan = 37; // 37 inputs: FP4 blocks of 32 and 5
  // ties to even in bf16 (1 + 2^-8 is halfway), bf16 subnormals, tiny values that e5m2 flushes, negative zero
  const specials = [1 + 2 ** -8, 1 + 3 * 2 ** -8, 2 ** -130, -(2 ** -140), 1e-9, -0, 3.0000001, -5.9];
  const w = Float32Array.from({ length: rows * fan }, (_, i) => (i < specials.length ? specials[i]! : Math.sin(i * 1.3) * (1 + (i % 7))));
  const emit = (quantize: string) => {
    const v = parseVariant(`quantize=${quantize}`);
    // the pipeline's quantizer for the variant, through the exporter's public path
    return decodeModel(exportOneLayer(w, rows, fan, v.quantize!));
  };
  const bf = emit('bf16');
  const bfInit = bf.graph.initializer.find((t) => t.name === 'd.weight.bf16')!;
  assert.equal(bfInit.data_type, DataType.BFLOAT16);
  assert.deepEqual(raw(bfInit), [...expectedBf16(w)]);
  assert.equal(bf.opset_import[0]!.version, 17);
  assert.deepEqual(bf.graph.node.map((n) => n.op_type), ['Cast', 'Gemm', 'Identity']);

  const e5 = emit('fp8e5m2');
  const e5Init = e5.graph.initializer.find((t) => t.name === 'd.weight.fp8')!;
  const e5Want = expectedE5m2(w);
  assert.equal(e5Init.data_type, DataType.FLOAT8E5M2);
  assert.deepEqual(raw(e5Init), [...e5Want.codes]);
  assert.deepEqual([...floats(e5.graph.initializer.find((t) => t.name === 'd.weight.scale')!)], [e5Want.scale]);
  assert.equal(e5.opset_import[0]!.version, 21);

  const f4 = emit('fp4');
  const f4Init = f4.graph.initializer.find((t) => t.name === 'd.weight.fp4')!;
  const f4Want = expectedFp4(w, rows, fan);
  assert.equal(f4Init.data_type, DataType.FLOAT4E2M1);
  assert.deepEqual(f4Init.dims, [rows, fan]);
  assert.equal(f4Init.raw_data.length, Math.ceil(rows * fan / 2));
  assert.deepEqual(raw(f4Init), [...f4Want.packed]);
  assert.deepEqual([...floats(f4.graph.initializer.find((t) => t.name === 'd.weight.scale')!)], [...f4Want.scale]);
  const dq = f4.graph.node.find((n) => n.op_type === 'DequantizeLinear')!;
  assert.deepEqual(dq.attribute.map((a) => [a.name, a.i]), [['axis', 1], ['block_size', 32]]);
  assert.equal(f4.opset_import[0]!.version, 23);
  assert.equal(f4.ir_version, 11);
  // the codes decode to values within the format: ±{0, 0.5, …, 6}
  assert.ok(f4Want.codes.every((c) => Math.abs(decodeFloat('float4e2m1', c)) <= 6));
});

test('ONNX Runtime runs the BF16 and E5M2 one-layer models to the decoded weights exactly, and refuses the FP4 one for want of a kernel', async () => {
  const rows = 3, fan = 40;
  const w = Float32Array.from({ length: rows * fan }, (_, i) => Math.cos(i * 0.7) * (i % 5) / 3);
  const eye = new Float32Array(fan * fan);
  for (let i = 0; i < fan; i++) eye[i * fan + i] = 1;
  const bfValues = Uint16Array.from(w, (v) => encodeFloat('bfloat16', v));
  const e5 = expectedE5m2(w);
  const cases: [string, (i: number) => number][] = [
    ['bf16', (i) => decodeFloat('bfloat16', bfValues[i]!)],
    ['fp8e5m2', (i) => Math.fround(decodeFloat('float8e5m2', e5.codes[i]!) * e5.scale)],
  ];
  for (const [quantize, expected] of cases) {
    const session = await ort.InferenceSession.create(exportOneLayer(w, rows, fan, quantize));
    const y = (await session.run({ input: new ort.Tensor('float32', eye, [fan, fan]) }))['logits']!.data as Float32Array;
    // === (not Object.is): Gemm sums −0 with +0 products into +0
    for (let r = 0; r < rows; r++) for (let c = 0; c < fan; c++) assert.ok(y[c * rows + r] === expected(r * fan + c), `${quantize} [${r}, ${c}]: ${y[c * rows + r]} vs ${expected(r * fan + c)}`);
    await session.release();
  }
  await assert.rejects(ort.InferenceSession.create(exportOneLayer(w, rows, fan, 'fp4')), /Could not find an implementation for DequantizeLinear\(23\)/);
});

test('a conv layer stored as BF16 or E5M2 runs in ONNX Runtime as the same conv with the decoded float32 weights (the graph restores [O, I, kh, kw])', async () => {
  const [o, i, k] = [3, 2, 3];
  const w = Float32Array.from({ length: o * i * k * k }, (_, j) => Math.sin(j * 2.1) / (1 + (j % 4)));
  const bias = Float32Array.of(0.1, -0.2, 0.3);
  const x = Float32Array.from({ length: 2 * i * 5 * 5 }, (_, j) => Math.cos(j * 0.37) * 3);
  const run = async (stored: StoredWeight): Promise<Float32Array> => {
    const bytes = emitOnnx({
      graphName: 'c', layers: [{ kind: 'conv', name: 'c', weight: 'c.weight', bias: 'c.bias', inChannels: i, outChannels: o, kernel: [k, k], stride: [1, 1], padding: [1, 1] }, { kind: 'flatten', name: 'f' }],
      tensors: new Map([['c.weight', w], ['c.bias', bias]]), stored: new Map([['c.weight', stored]]), activations: null, inputShape: [i, 5, 5], classes: o * 25, normalizer: null, metadata: {}, producerVersion: 'test',
    }).bytes;
    const session = await ort.InferenceSession.create(bytes);
    const y = (await session.run({ input: new ort.Tensor('float32', x, [2, i, 5, 5]) }))['logits']!.data as Float32Array;
    await session.release();
    return y;
  };
  for (const quantize of ['bf16', 'fp8e5m2']) {
    const stored = storedFor(w, o, i * k * k, quantize);
    const decoded = dequantize(stored, o, i * k * k);
    assert.ok(decoded.some((v, j) => v !== w[j]), `${quantize} changes the weights`);
    // float tolerance: ORT may pick another conv kernel when the weight comes out of DequantizeLinear
    const got = await run(stored), want = await run({ kind: 'float32', values: decoded, sparse: false });
    assert.equal(got.length, 2 * o * 25);
    let max = 0;
    for (let j = 0; j < got.length; j++) max = Math.max(max, Math.abs(got[j]! - want[j]!));
    assert.ok(max < 1e-5, `${quantize}: max abs diff ${max}`);
  }
});

/** emitOnnx of dense(fan → rows) with the weight stored as the pipeline stores it for `quantize`. */
function exportOneLayer(w: Float32Array, rows: number, fan: number, quantize: string): Uint8Array {
  const stored = storedFor(w, rows, fan, quantize);
  return emitOnnx({
    graphName: 't', layers: [{ kind: 'dense', name: 'd', weight: 'd.weight', bias: null, inFeatures: fan, outFeatures: rows }], tensors: new Map([['d.weight', w]]),
    stored: new Map([['d.weight', stored]]), activations: null, inputShape: [fan], classes: rows, normalizer: null, metadata: {}, producerVersion: 'test',
  }).bytes;
}

function storedFor(w: Float32Array, rows: number, fan: number, quantize: string): StoredWeight {
  const spec = quantizeSpec(parseVariant(`quantize=${quantize}`))!;
  return storedFromQuantized(quantizeTensor({ name: 'd.weight', shape: [rows, fan], data: w }, spec), rows, fan);
}

// ---------------------------------------------------------------------------------------------
// `hyperlab export --json` of a trained run

let trained: TrainedRun;
let dir: string;
let report: ExportReport;
let stdout: string;

before(async () => {
  dir = tmpDir();
  trained = await trainRun(smallMlpSpec({ 'data.limit': 1500, 'data.testLimit': 500 }), path.join(dir, 'runs.db'));
  trained.store.close();
  const out: string[] = [], err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env: {}, programDir: dir, onInterrupt: () => () => {}, stderrIsTTY: false };
  const code = await runCli(['export', String(trained.runId), '--variant', 'quantize=bf16', '--variant', 'quantize=fp8e5m2', '--variant', 'quantize=fp4', '--format', 'onnx', '--format', 'triton', '--json', '--out', 'exp', '--db', trained.dbPath], io);
  assert.equal(code, 0, err.join(''));
  stdout = out.join('');
  report = JSON.parse(stdout) as ExportReport;
});

const variant = (label: string) => {
  const v = report.variants.find((r) => r.label === label);
  assert.ok(v, `variant ${label} in the report`);
  return v;
};

test('export --json: BF16 and E5M2 ran in ONNX Runtime and give the engine\'s simulated model\'s predictions on the test subset', () => {
  assert.deepEqual(report.variants.map((v) => v.label), ['fp32', 'bf16', 'fp8e5m2', 'fp4-block32']);
  for (const label of ['bf16', 'fp8e5m2']) {
    const v = variant(label);
    assert.equal(v.runtime, 'onnxruntime', `${label}: ${v.note}`);
    assert.ok(v.maxAbsDiff! < 1e-4, `${label}: max abs diff ${v.maxAbsDiff}`);
    assert.equal(v.engineAgreement, 1, label);
    assert.equal(v.testAcc, v.simulatedAcc, label);
    assert.equal(v.note, null);
    assert.ok(fs.existsSync(path.join(dir, 'exp', label, 'model.onnx')));
  }
  assert.equal(variant('bf16').opset, 17);
  assert.equal(variant('fp8e5m2').opset, 21);
  // two bytes a weight, one a weight (+ float biases and the graph)
  assert.ok(variant('bf16').bytes < 0.52 * variant('fp32').bytes, `bf16 ${variant('bf16').bytes} vs ${variant('fp32').bytes}`);
  assert.ok(variant('fp8e5m2').bytes < 0.27 * variant('fp32').bytes);
});

test('export: the BF16 and E5M2 files hold the checkpoint\'s weights encoded bit for bit as float-formats.ts encodes them', async () => {
  const store = openStore(trained.dbPath);
  try {
    const source = loadSourceRun(store, trained.runId);
    const bf = decodeModel(fs.readFileSync(path.join(dir, 'exp', 'bf16', 'model.onnx')));
    const e5 = decodeModel(fs.readFileSync(path.join(dir, 'exp', 'fp8e5m2', 'model.onnx')));
    for (const name of ['dense1.weight', 'dense2.weight', 'dense3.weight']) {
      const w = source.tensors.get(name)!;
      assert.deepEqual(raw(bf.graph.initializer.find((t) => t.name === `${name}.bf16`)!), [...expectedBf16(w)], name);
      const want = expectedE5m2(w);
      assert.deepEqual(raw(e5.graph.initializer.find((t) => t.name === `${name}.fp8`)!), [...want.codes], name);
      assert.deepEqual([...floats(e5.graph.initializer.find((t) => t.name === `${name}.scale`)!)], [want.scale], name);
    }
  } finally {
    store.close();
  }
});

test('export: FP4 is reported with the engine\'s simulated accuracy and the would-be size, says ONNX Runtime 1.30 has no float4e2m1 kernel, and writes no ONNX file', async () => {
  const v = variant('fp4-block32');
  assert.equal(v.runtime, 'simulated');
  assert.match(v.note!, /^ONNX Runtime 1\.30 cannot run FP4 E2M1 weights: its CPU provider has no float4e2m1 kernel for DequantizeLinear or Cast \(opset 23\) \(ONNX Runtime cannot load the fp4-block32 model: Could not find an implementation for DequantizeLinear\(23\)/);
  assert.match(v.note!, /no ONNX model was written/);
  assert.deepEqual(v.files, []);
  assert.equal(fs.existsSync(path.join(dir, 'exp', 'fp4-block32')), false);
  const triton = fs.readdirSync(path.join(dir, 'exp', 'triton'));
  assert.equal(triton.length, 3, triton.join(', '));
  assert.ok(!triton.some((n) => n.includes('fp4')), triton.join(', '));
  assert.equal(v.maxAbsDiff, null);
  assert.equal(v.latencyMs, null);
  assert.equal(v.opset, 23);
  // half a byte a weight plus a float32 scale per 32 (5 bits a weight) and the float biases: ~17% of FP32
  assert.ok(v.bytes < 0.19 * variant('fp32').bytes && v.bytes > 0.15 * variant('fp32').bytes, `fp4 ${v.bytes} vs ${variant('fp32').bytes}`);
  // the accuracy is the engine's on the MXFP4 weights, recomputed here from the scalar encoder
  const store = openStore(trained.dbPath);
  try {
    const source = loadSourceRun(store, trained.runId);
    const data = await loadExportData(source.spec, source.specDir);
    const tensors = new Map(source.tensors);
    for (const [name, rows, fan] of [['dense1.weight', 64, 784], ['dense2.weight', 32, 64], ['dense3.weight', 10, 32]] as const) {
      const w = source.tensors.get(name)!;
      const q = expectedFp4(w, rows, fan);
      const blocks = Math.ceil(fan / 32);
      tensors.set(name, Float32Array.from(q.codes, (c, i) => decodeFloat('float4e2m1', c) * q.scale[Math.floor(i / fan) * blocks + Math.floor((i % fan) / 32)]!));
    }
    const classes = data.data.classNames.length;
    const logits = engineLogits(engineModel(source.spec.model, data.inputShape, classes, tensors), data.data.test, classes);
    let correct = 0;
    for (let i = 0; i < data.data.test.count; i++) if (argmax(logits, i * classes, classes) === data.data.test.y[i]) correct++;
    assert.equal(v.testAcc, correct / data.data.test.count);
    assert.equal(v.simulatedAcc, v.testAcc);
    // and it differs from FP32's: the simulation really quantized
    assert.notEqual(logits[0], engineLogits(engineModel(source.spec.model, data.inputShape, classes, source.tensors), data.data.test, classes)[0]);
  } finally {
    store.close();
  }
  // the human table says so too
  const md = fs.readFileSync(path.join(dir, 'exp', 'report.md'), 'utf8');
  assert.match(md, /\| fp4-block32 \|.*\| simulated \(ORT cannot run it; no ONNX written\) \|/);
});
