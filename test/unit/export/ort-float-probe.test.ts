// What onnxruntime-node's CPU provider runs of the low-precision float formats, probed with
// one-node models whose only input is a 4-element initializer (exact values chosen so each
// format rounds some of them): the finding behind which --quantize formats are exported
// (src/export/ort-support.ts). If ONNX Runtime starts running FP4 or stops running BF16/E5M2,
// a test here fails and the exporter's choice must be revisited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { decodeFloat, encodeFloat } from '../../../src/core/compress/float-formats.ts';
import type { FloatFormat } from '../../../src/core/compress/types.ts';
import { packNibbles } from '../../../src/export/emit-onnx.ts';
import { OnnxGraph } from '../../../src/export/onnx-graph.ts';
import { DataType, type DataTypeCode } from '../../../src/export/onnx-proto.ts';
import { ORT_CANNOT_RUN } from '../../../src/export/ort-support.ts';

const IR_VERSION: Record<number, number> = { 17: 8, 19: 9, 21: 10, 23: 11, 24: 11, 25: 11 };

/** Loads and runs a model of Cast(w → float) or DequantizeLinear(w, 2) and returns y, or ORT's error. */
async function probe(op: 'Cast' | 'DequantizeLinear', type: DataTypeCode, raw: Uint8Array, opset: number): Promise<{ values: number[] } | { error: string }> {
  const g = new OnnxGraph('probe');
  const w = g.initializerRaw('w', type, [4], raw);
  const x = op === 'Cast' ? g.node('Cast', [w], 'x', { to: DataType.FLOAT }) : g.node('DequantizeLinear', [w, g.scalar('scale', 2)], 'x');
  g.output(g.node('Identity', [x], 'y'), DataType.FLOAT, [4]);
  const bytes = g.encode({ opset, irVersion: IR_VERSION[opset]!, producerVersion: 'probe', docString: '', metadata: {} });
  try {
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const y = (await session.run({}))['y']!.data as Float32Array;
    await session.release();
    return { values: [...y] };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]! };
  }
}

function codesOf(format: FloatFormat, values: number[]): number[] {
  return values.map((v) => encodeFloat(format, v));
}

test('the probe runs against onnxruntime-node 1.30', async () => {
  const { createRequire } = await import('node:module');
  const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  assert.match(version, /^1\.30\./, 'a new ONNX Runtime: run this probe and update src/export/ort-support.ts and the README');
});

test('BFLOAT16: Cast to float runs at opset 17 and returns the bfloat16 values exactly; DequantizeLinear refuses bfloat16 input', async () => {
  const codes = codesOf('bfloat16', [1.5, -0.3, 100, 3e-5]);
  const raw = new Uint8Array(Uint16Array.from(codes).buffer);
  const cast = await probe('Cast', DataType.BFLOAT16, raw, 17);
  assert.deepEqual(cast, { values: [1.5, -0.30078125, 100, 0.000030040740966796875] });
  assert.deepEqual(cast, { values: codes.map((c) => decodeFloat('bfloat16', c)) });
  for (const opset of [21, 23]) {
    const dq = await probe('DequantizeLinear', DataType.BFLOAT16, raw, opset);
    assert.ok('error' in dq, `opset ${opset}: DequantizeLinear ran on bfloat16`);
    assert.match(dq.error, /Type 'tensor\(bfloat16\)' of input parameter \(w\) of operator \(DequantizeLinear\) .* is invalid/);
  }
});

test('FLOAT8E5M2: DequantizeLinear (opset 19 and 21) gives decode(code)·scale and Cast gives decode(code); opset 17 has no float8', async () => {
  const codes = codesOf('float8e5m2', [1.5, -0.3, 100, 3e-5]);
  const raw = Uint8Array.from(codes);
  const exact = codes.map((c) => decodeFloat('float8e5m2', c));
  assert.deepEqual(exact, [1.5, -0.3125, 96, 0.000030517578125]);
  for (const opset of [19, 21]) {
    assert.deepEqual(await probe('DequantizeLinear', DataType.FLOAT8E5M2, raw, opset), { values: exact.map((v) => v * 2) }, `DequantizeLinear opset ${opset}`);
    assert.deepEqual(await probe('Cast', DataType.FLOAT8E5M2, raw, opset), { values: exact }, `Cast opset ${opset}`);
  }
  const old = await probe('DequantizeLinear', DataType.FLOAT8E5M2, raw, 17);
  assert.ok('error' in old && /tensor\(float8e5m2\).* is invalid/.test(old.error), JSON.stringify(old));
});

test('FLOAT4E2M1: a valid type from opset 23, but the CPU provider has no DequantizeLinear or Cast kernel for it (opsets 23-25)', async () => {
  const codes = codesOf('float4e2m1', [0.5, -1.5, 6, 3]);
  assert.deepEqual(codes, [0x1, 0xb, 0x7, 0x5]);
  const raw = packNibbles(codes);
  assert.deepEqual([...raw], [0xb1, 0x57]);
  for (const opset of [23, 24, 25]) {
    for (const op of ['DequantizeLinear', 'Cast'] as const) {
      const r = await probe(op, DataType.FLOAT4E2M1, raw, opset);
      assert.ok('error' in r, `${op} opset ${opset} ran FP4: ${JSON.stringify(r)} — export it (src/export/ort-support.ts)`);
      assert.equal(r.error, `Could not find an implementation for ${op}(${opset}) node with name 'x.${op}'`);
    }
  }
  // before opset 23 the type does not exist for these operators
  const old = await probe('DequantizeLinear', DataType.FLOAT4E2M1, raw, 21);
  assert.ok('error' in old && /tensor\(float4e2m1\).* is invalid/.test(old.error), JSON.stringify(old));
  // the exporter's record of the gap names the format and the missing kernels
  assert.match(ORT_CANNOT_RUN.fp4!, /no float4e2m1 kernel for DequantizeLinear or Cast/);
  assert.deepEqual(Object.keys(ORT_CANNOT_RUN), ['fp4']);
});
