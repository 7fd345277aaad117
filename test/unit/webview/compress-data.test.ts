// The Compress & Export panel's rules: labels, the checks made before an export starts, the
// Pareto front of a report and the "smallest within 1 point" pick.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPRESS_PRESETS, DEFAULT_VARIANT, paretoFront, smallestWithin, variantArgument, variantLabel, variantProblem } from '../../../src/core/webview/compress-data.ts';
import { QUANTIZE_CHOICES, type CompressReportRow } from '../../../src/core/webview/contract.ts';
import { checkPanelMessage } from '../../../src/core/webview/inbound-rules.ts';
import { parseVariant } from '../../../src/export/variants.ts';

const row = (label: string, fileBytes: number, accuracy: number | null, baseline = false): CompressReportRow => ({
  label, baseline, fileBytes, accuracy, ptqAccuracy: null, sparsity: 0, parameters: 0, agreement: null, perClassDelta: [], latencyMs: { batch1: null, batch64: null }, verified: 'onnxruntime', note: null, files: [],
});

test('labels name pruning, fine-tuning and quantization in the order they are applied', () => {
  assert.equal(variantLabel(DEFAULT_VARIANT), 'fp32');
  assert.equal(variantLabel({ ...DEFAULT_VARIANT, prune: 0.9, finetune: 2, quantize: 'int8' }), 'prune 90% + fine-tune 2 · int8/channel');
  assert.equal(variantLabel({ ...DEFAULT_VARIANT, pruneKind: 'nm', prune: 0.5, quantize: 'fp16' }), '2:4 sparse · fp16');
  assert.equal(variantLabel({ ...DEFAULT_VARIANT, quantize: 'int4', granularity: 'block', block: 32 }), 'int4/block 32');
});

test('2:4 on a layer whose width is not a multiple of 4 is refused before anything starts, naming the layer', () => {
  const widths = [{ name: 'dense1', inputs: 784 }, { name: 'dense2', inputs: 30 }];
  assert.match(variantProblem({ ...DEFAULT_VARIANT, pruneKind: 'nm', prune: 0.5 }, widths)!, /dense2 has 30 inputs/);
  assert.equal(variantProblem({ ...DEFAULT_VARIANT, pruneKind: 'nm', prune: 0.5 }, [{ name: 'dense1', inputs: 784 }]), null);
  assert.match(variantProblem({ ...DEFAULT_VARIANT, finetune: 2 }, widths)!, /fine-tuning follows pruning/);
  assert.match(variantProblem({ ...DEFAULT_VARIANT, quantize: 'int4', granularity: 'tensor' }, widths)!, /INT4 per tensor/);
  assert.match(variantProblem({ ...DEFAULT_VARIANT, quantize: 'int4', granularity: 'block', block: 12 }, widths)!, /multiple of 8/);
  for (const preset of COMPRESS_PRESETS) for (const v of preset.variants) assert.equal(variantProblem(v, [{ name: 'd', inputs: 784 }]), null, `${preset.id}: ${variantLabel(v)}`);
});

test('the Pareto front keeps rows no other row beats on both size and accuracy, smallest first', () => {
  const rows = [row('fp32', 1000, 0.89, true), row('int8', 260, 0.888), row('int4', 140, 0.87), row('ternary', 90, 0.80), row('worse', 300, 0.86), row('unknown', 50, null)];
  assert.deepEqual(paretoFront(rows), [3, 2, 1, 0]);
  // An equal row does not knock out its twin; a strictly better one does.
  assert.deepEqual(paretoFront([row('a', 100, 0.9), row('b', 100, 0.9), row('c', 100, 0.91)]), [2]);
});

test('smallest within 1 point: the smallest row no more than 1 point below the baseline', () => {
  const rows = [row('fp32', 1000, 0.895, true), row('int8', 260, 0.893), row('int4', 140, 0.886), row('ternary', 90, 0.80)];
  assert.equal(smallestWithin(rows, 1), 2);
  assert.equal(smallestWithin(rows, 0.5), 1);
  assert.equal(smallestWithin([row('x', 1, null, true)], 1), -1);
});

test('the panel\'s variants become hyperlab export arguments the CLI parses, and its report rows come from report.json', async () => {
  const { exportArguments, exportCommandLine, compressReport, variantArgument } = await import('../../../src/core/webview/compress-data.ts');
  const variants = COMPRESS_PRESETS.find((p) => p.id === 'smallest')!.variants;
  assert.deepEqual(variants.map(variantArgument), ['quantize=int8,per-channel', 'quantize=int4,block=32', 'quantize=kmeans4', 'quantize=ternary', 'prune=0.9,finetune=2,quantize=int8,per-channel']);
  assert.equal(variantArgument({ ...DEFAULT_VARIANT, prune: 0.5, pruneKind: 'structured' }), 'prune=0.5,structured');
  assert.equal(variantArgument({ ...DEFAULT_VARIANT, prune: 0.9, pruneKind: 'magnitude' }), 'prune=0.9,per-layer');
  assert.equal(variantArgument({ ...DEFAULT_VARIANT, pruneKind: 'nm', prune: 0.5, finetune: 1, quantize: 'fp16' }), 'nm=2:4,finetune=1,quantize=fp16');
  const args = exportArguments(7, variants.slice(0, 2), 'triton', '/tmp/out dir', '/w/.hyperlab/runs.db');
  assert.deepEqual(args, ['export', '7', '--variant', 'quantize=int8,per-channel', '--variant', 'quantize=int4,block=32', '--format', 'triton', '--out', '/tmp/out dir', '--db', '/w/.hyperlab/runs.db']);
  assert.equal(exportCommandLine(args), "hyperlab export 7 --variant quantize=int8,per-channel --variant quantize=int4,block=32 --format triton --out '/tmp/out dir' --db /w/.hyperlab/runs.db");
  const row = (label: string, bytes: number, testAcc: number) => ({ label, files: ['model.onnx'], bytes, parameters: 10, sparsity: 0, runtime: 'onnxruntime' as const, testAcc, agreement: 1,
    perClassDelta: { Shirt: -0.012 }, latencyMs: { batch1: 0.1, batch64: 2 }, note: null });
  const report = compressReport({ runId: 7, runName: 'r', out: '/o', createdAt: '2026-11-29T03:00:00.000Z', formats: ['onnx'], variants: [row('fp32', 1000, 0.9), row('int8-channel', 260, 0.89)] },
    'hyperlab export 7 …', ['int8/channel']);
  assert.deepEqual(report.rows.map((r) => [r.label, r.baseline, r.accuracy]), [['fp32', true, 0.9], ['int8/channel', false, 0.89]]);
  assert.ok(Math.abs(report.rows[1]!.perClassDelta[0]!.delta + 1.2) < 1e-9, 'per-class change in points');
  assert.equal(report.createdAt, Date.UTC(2026, 10, 29, 3));
});

test('the panel offers bf16, fp8e5m2 and fp4; the host accepts them and refuses a format it does not know; each becomes a --variant the CLI parses', () => {
  for (const quantize of ['bf16', 'fp8e5m2', 'fp4'] as const) {
    assert.ok((QUANTIZE_CHOICES as readonly string[]).includes(quantize));
    const v = { ...DEFAULT_VARIANT, quantize };
    const verdict = checkPanelMessage('compress', { type: 'startExport', runId: 3, variants: [v], format: 'onnx' });
    assert.ok(verdict.ok, quantize);
    assert.equal(variantArgument(v), `quantize=${quantize}`);
    assert.equal(parseVariant(variantArgument(v)).label, quantize === 'fp4' ? 'fp4-block32' : quantize);
  }
  assert.equal(variantLabel({ ...DEFAULT_VARIANT, quantize: 'fp4' }), 'fp4/block 32');
  const bad = checkPanelMessage('compress', { type: 'startExport', runId: 3, variants: [{ ...DEFAULT_VARIANT, quantize: 'fp6' }], format: 'onnx' });
  assert.equal(bad.ok, false);
  assert.match((bad as { reason: string }).reason, /quantize/);
});

test('QAT in the panel: labelled, refused where it cannot run, sent to the CLI as qat=E, and the PTQ accuracy of the same scheme read from report.json', async () => {
  const { compressReport, variantArgument } = await import('../../../src/core/webview/compress-data.ts');
  const { parseVariant } = await import('../../../src/export/variants.ts');
  const widths = [{ name: 'dense1', inputs: 784 }];
  const int4Qat = { ...DEFAULT_VARIANT, quantize: 'int4' as const, granularity: 'tensor' as const, qat: 2 };
  assert.equal(variantLabel(int4Qat), 'int4/tensor + QAT 2');
  // INT4 per tensor is refused without QAT and allowed with it
  assert.equal(variantProblem(int4Qat, widths), null);
  assert.match(variantProblem({ ...int4Qat, qat: 0 }, widths)!, /INT4 per tensor .* or add QAT epochs/);
  assert.match(variantProblem({ ...DEFAULT_VARIANT, quantize: 'fp16', qat: 1 }, widths)!, /QAT trains for the INT8\/INT4 grid/);
  assert.match(variantProblem({ ...DEFAULT_VARIANT, prune: 0.5, finetune: 1, quantize: 'int8', qat: 1 }, widths)!, /choose fine-tuning or QAT/);
  // what the panel sends is what the CLI parses: the same variant, labelled as the exporter labels it
  assert.equal(variantArgument(int4Qat), 'quantize=int4,per-tensor,qat=2');
  const parsed = parseVariant(variantArgument({ ...DEFAULT_VARIANT, prune: 0.5, quantize: 'int8', granularity: 'channel', qat: 3 }));
  assert.deepEqual([parsed.label, parsed.qat, parsed.finetune, parsed.prune?.amount], ['prune50-int8-channel-qat3', 3, 0, 0.5]);
  const row = (label: string, testAcc: number, qat: { epochs: number; fineTuneRun: number; ptqAcc: number } | null) => ({ label, files: ['model.onnx'], bytes: 100, parameters: 10, sparsity: 0, runtime: 'onnxruntime' as const, testAcc, agreement: 1,
    perClassDelta: {}, latencyMs: null, note: null, qat });
  const report = compressReport({ runId: 7, runName: 'r', out: '/o', createdAt: '2026-11-29T03:00:00.000Z', formats: ['onnx'], variants: [row('fp32', 0.9, null), row('int4-tensor-qat2', 0.87, { epochs: 2, fineTuneRun: 9, ptqAcc: 0.81 })] }, 'hyperlab export 7 …');
  assert.deepEqual(report.rows.map((r) => r.ptqAccuracy), [null, 0.81]);
});
