// Compression arithmetic on a model-sized set of weights (three dense layers, 2.4 million
// weights), Hyperlab's pure TypeScript against PyTorch (one thread) where PyTorch has the same
// operation, in one process run; ratio = Hyperlab time / PyTorch time (below 1: faster).
// Operations PyTorch 1.13 lacks (2:4 masks, k-means codebooks, FP8/FP4, entropy calibration)
// are timed for Hyperlab alone. Median of REPEATS, in CPU milliseconds. Usage: node test/bench/compress/run.ts
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { addToHistogram, EMPTY_RANGE, emptyHistogram, entropyThreshold, observeMinMax } from '../../../src/core/compress/calibration.ts';
import { quantizeFloat } from '../../../src/core/compress/float-quant.ts';
import { quantizeKMeans } from '../../../src/core/compress/kmeans.ts';
import { quantizeLinear } from '../../../src/core/compress/linear.ts';
import { pruneMagnitudeGlobal } from '../../../src/core/compress/prune-magnitude.ts';
import { pruneNM } from '../../../src/core/compress/prune-nm.ts';
import { selectUnits } from '../../../src/core/compress/prune-structured.ts';
import type { WeightTensor } from '../../../src/core/compress/types.ts';
import { Rng } from '../../../src/engine/rng.ts';

const REPEATS = 5;
const SHAPES: Array<[number, number]> = [[1024, 784], [1024, 1024], [512, 1024]];
const rng = new Rng(1);
const tensors: WeightTensor[] = SHAPES.map(([o, i], k) => ({ name: `fc${k + 1}.weight`, shape: [o, i], data: Float32Array.from({ length: o * i }, () => rng.normal() * 0.05) }));
const total = tensors.reduce((s, t) => s + t.data.length, 0);

/** CPU milliseconds of this process (user + system): the 2-core machine is shared, and CPU
 * time is what a busy neighbour disturbs least (the PyTorch side measures the same). */
function timed(fn: () => unknown): number {
  fn(); // warm-up: JIT
  const runs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

const activations = Float32Array.from({ length: 1_000_000 }, () => Math.max(0, rng.normal()));
const ours: Record<string, number> = {
  global_prune: timed(() => pruneMagnitudeGlobal(tensors, 0.9)),
  int8_channel: timed(() => tensors.map((t) => quantizeLinear(t, { type: 'int8', scheme: 'affine', granularity: { kind: 'channel', axis: 0 } }))),
  fp16: timed(() => tensors.map((t) => quantizeFloat(t, { format: 'float16' }))),
  bf16: timed(() => tensors.map((t) => quantizeFloat(t, { format: 'bfloat16' }))),
  nm_2_4: timed(() => tensors.map((t) => pruneNM(t, 2, 4))),
  structured_l2: timed(() => tensors.map((t) => selectUnits(t, 'l2', 0.5))),
  int4_block32: timed(() => tensors.map((t) => quantizeLinear(t, { type: 'int4', scheme: 'symmetric', granularity: { kind: 'block', axis: 1, blockSize: 32 } }))),
  fp8_e4m3_absmax: timed(() => tensors.map((t) => quantizeFloat(t, { format: 'float8e4m3fn', scaling: 'absmax', granularity: { kind: 'channel', axis: 0 } }))),
  mxfp4_block32: timed(() => tensors.map((t) => quantizeFloat(t, { format: 'float4e2m1', scaling: 'mx', granularity: { kind: 'block', axis: 1, blockSize: 32 } }))),
  kmeans_4bit: timed(() => tensors.map((t) => quantizeKMeans(t, { bits: 4 }))),
  entropy_1M_activations: timed(() => {
    const seen = observeMinMax(EMPTY_RANGE, activations);
    const hist = emptyHistogram(seen.max);
    addToHistogram(hist, activations);
    return entropyThreshold(hist);
  }),
};

const python = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const run = spawnSync(python, [path.resolve(import.meta.dirname, '../../reference/bench_compress.py')], {
  input: JSON.stringify({ shapes: SHAPES, sparsity: 0.9, repeats: REPEATS }), encoding: 'utf8',
  env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
});
const torch = run.status === 0 ? (JSON.parse(run.stdout) as Record<string, number | string>) : null;
if (!torch) process.stderr.write(`PyTorch side unavailable (${run.stderr?.trim() || run.error?.message}); Hyperlab figures only\n`);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`compression benchmark: ${SHAPES.map((s) => s.join('×')).join(' + ')} = ${total.toLocaleString('en-US')} weights, median of ${REPEATS}, Node ${process.versions.node}, ${cpu}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}${torch ? `, PyTorch ${torch['torch']} one thread` : ''}`);
console.log('| Operation | Hyperlab CPU ms | PyTorch CPU ms | Hyperlab / PyTorch |');
console.log('|---|---:|---:|---:|');
for (const [name, ms] of Object.entries(ours)) {
  const peer = typeof torch?.[name] === 'number' ? (torch[name] as number) : null;
  console.log(`| ${name} | ${ms.toFixed(1)} | ${peer === null ? '—' : peer.toFixed(1)} | ${peer === null ? '—' : (ms / peer).toFixed(2)} |`);
}
