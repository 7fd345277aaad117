// INT8 per-channel quantization against PyTorch (Debian's python3-torch): the scale and zero
// point our min-max rule gives must equal PyTorch's PerChannelMinMaxObserver (affine −128..127,
// and symmetric with the restricted −127..127 range), and quantize/dequantize with those
// parameters must give the same integers and floats as torch.quantize_per_channel.
// Needs /usr/bin/python3 with torch, or HYPERLAB_PYTHON; fails with a clear message otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { dequantize } from '../../../src/core/compress/dequantize.ts';
import { quantizeLinear } from '../../../src/core/compress/linear.ts';
import type { LinearQuantized, WeightTensor } from '../../../src/core/compress/types.ts';

const PYTHON = process.env.HYPERLAB_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.resolve(import.meta.dirname, '../../reference/quantize_per_channel.py');

function gaussianTensor(name: string, shape: number[], seed: number, spread: (i: number) => number): WeightTensor {
  let s = seed >>> 0;
  const uniform = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) * spread(i) + (i % 7 === 0 ? 0.05 : 0);
  return { name, shape, data };
}

interface TorchResult {
  q: number[];
  dq: number[];
  affine: { scales: number[]; zeroPoints: number[] };
  symmetric: { scales: number[]; zeroPoints: number[] };
}

function runTorch(cases: Array<{ name: string; tensor: WeightTensor; axis: number; q: LinearQuantized }>): Record<string, TorchResult> {
  const input = JSON.stringify({
    cases: cases.map((c) => ({ name: c.name, shape: c.tensor.shape, axis: c.axis, data: Array.from(c.tensor.data), scales: Array.from(c.q.scale), zeroPoints: Array.from(c.q.zeroPoint) })),
  });
  const run = spawnSync(PYTHON, [SCRIPT], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) {
    const missing = run.status === 3 || /TORCH_MISSING/.test(run.stderr ?? '');
    assert.fail(
      missing || run.error
        ? `The INT8 cross-check needs PyTorch: "${PYTHON}" could not import torch (${(run.error?.message ?? run.stderr).trim()}). ` +
          "Install Debian's python3-torch (apt-get install python3-torch) or point HYPERLAB_PYTHON at a Python with torch."
        : `quantize_per_channel.py failed (exit ${run.status}):\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as Record<string, TorchResult>;
}

test('INT8 per-channel (axis 0 and 1, affine and symmetric) equals torch.quantize_per_channel and its observers', () => {
  const tensors = [
    { tensor: gaussianTensor('dense.weight', [16, 37], 1, (i) => 0.02 + 0.01 * Math.floor(i / 37)), axis: 0 },
    { tensor: gaussianTensor('conv.weight', [8, 3, 3, 3], 2, (i) => 0.3 / (1 + Math.floor(i / 27))), axis: 0 },
    { tensor: gaussianTensor('dense2.weight', [5, 12], 3, (i) => 1 + (i % 12)), axis: 1 },
    // one channel entirely positive and one entirely negative: the range must be widened to 0
    { tensor: { name: 'skewed.weight', shape: [2, 4], data: new Float32Array([0.5, 0.75, 1.25, 2, -3, -0.25, -1, -2.5]) }, axis: 0 },
  ];
  const cases = tensors.flatMap(({ tensor, axis }) => (['affine', 'symmetric'] as const).map((scheme) => ({
    name: `${tensor.name}/${scheme}`, tensor, axis, scheme,
    q: quantizeLinear(tensor, { type: 'int8', scheme, granularity: { kind: 'channel', axis } }),
  })));
  const torch = runTorch(cases);
  for (const c of cases) {
    const t = torch[c.name]!;
    const observer = c.scheme === 'affine' ? t.affine : t.symmetric;
    assert.deepEqual(Array.from(c.q.scale), observer.scales, `${c.name}: scales equal PyTorch's observer`);
    assert.deepEqual(Array.from(c.q.zeroPoint), observer.zeroPoints, `${c.name}: zero points equal PyTorch's observer`);
    const ours = Array.from(c.q.data);
    const mismatches = ours.filter((v, i) => v !== t.q[i]).length;
    assert.equal(mismatches, 0, `${c.name}: ${mismatches} of ${ours.length} integers differ from torch.quantize_per_channel`);
    assert.deepEqual(Array.from(dequantize(c.q)), t.dq, `${c.name}: dequantized values equal torch's`);
    // the test would be weak if nothing were clamped or rounded: the extremes reach the range ends
    assert.ok(ours.includes(127) || ours.includes(c.scheme === 'affine' ? -128 : -127), `${c.name} reaches the end of the range`);
  }
});
