// Engine benchmark, Hyperlab vs PyTorch, in ONE invocation:
//
//   node test/bench/engine/run.ts            (after `npm run build`; BENCH_QUICK=1 for a short pass)
//
// Prints the CPU, then samples/s of training steps (zero grad, forward, cross-entropy, backward,
// optimizer step) for Hyperlab (WebAssembly SIMD kernels) and PyTorch (Debian's python3-torch,
// one thread, OpenBLAS one thread) on the same models and batch sizes, alternating repetitions
// so machine noise hits both, best of each; then trials per hour of a small sweep of real
// engine processes through the RunPool at parallelism 1 and 2. The table is written into
// README.md between <!-- bench:engine:start --> and <!-- bench:engine:end --> (appended once if
// absent; nothing else in the README is touched). It asserts nothing about timings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineKernels } from '../../../src/engine/kernels/select.ts';
import { sweepTrialsPerHour } from './sweep.ts';
import { TorchWorker } from './torch-worker.ts';
import { makeTrainer, measure, type Workload } from './workloads.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const quick = process.env['BENCH_QUICK'] === '1';
const REPS = quick ? 2 : 5;

function cpuModel(): string {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

const WORKLOADS: { w: Workload; steps: number; label: string }[] = [
  { w: { model: 'mlp', batch: 32, optimizer: 'sgd' }, steps: 300, label: 'MLP 784-256-128-10, batch 32, SGD+momentum' },
  { w: { model: 'mlp', batch: 64, optimizer: 'sgd' }, steps: 200, label: 'MLP 784-256-128-10, batch 64, SGD+momentum' },
  { w: { model: 'mlp', batch: 64, optimizer: 'adam' }, steps: 200, label: 'MLP 784-256-128-10, batch 64, Adam' },
  { w: { model: 'mlp', batch: 256, optimizer: 'sgd' }, steps: 60, label: 'MLP 784-256-128-10, batch 256, SGD+momentum' },
  { w: { model: 'lenet', batch: 64, optimizer: 'sgd' }, steps: 20, label: 'LeNet-5 CNN (28×28), batch 64, SGD+momentum' },
];

const fmt = (v: number): string => Math.round(v).toLocaleString('en-US');

async function main(): Promise<void> {
  const kernels = engineKernels({ warn: (m) => console.warn(m) });
  const cpu = cpuModel();
  console.log(`CPU: ${cpu} (${os.cpus().length} logical cores); Node ${process.version}; Hyperlab kernels: ${kernels.name}`);
  const torch = new TorchWorker();
  const rows: string[] = [];
  try {
    for (const { w, steps, label } of WORKLOADS) {
      const train = makeTrainer(w, kernels);
      const warm = Math.max(5, Math.round(steps / 5));
      let ours = 0, theirs = 0;
      for (let r = 0; r < REPS; r++) {
        ours = Math.max(ours, measure(train, w, quick ? Math.ceil(steps / 3) : steps, r === 0 ? warm : 2));
        theirs = Math.max(theirs, await torch.samplesPerSecond(w, quick ? Math.ceil(steps / 3) : steps, warm));
      }
      const line = `| ${label} | ${fmt(ours)} | ${fmt(theirs)} | ${(ours / theirs).toFixed(2)} |`;
      console.log(`${label}: Hyperlab ${fmt(ours)} samples/s, PyTorch ${fmt(theirs)} samples/s, ratio ${(ours / theirs).toFixed(2)}`);
      rows.push(line);
    }
  } finally {
    torch.close();
  }

  const trials = quick ? 2 : 4;
  const overrides = { 'data.limit': 12000, 'train.epochs': 2, 'train.statsEvery': 0, 'train.checkpoint.best': false, 'train.checkpoint.last': false };
  let p1 = 0, p2 = 0;
  for (let r = 0; r < (quick ? 1 : 2); r++) {
    const one = await sweepTrialsPerHour({ trials, parallelism: 1, overrides });
    const two = await sweepTrialsPerHour({ trials, parallelism: 2, overrides });
    if (one.finished !== trials || two.finished !== trials) throw new Error(`sweep trials failed: ${one.finished}/${trials} at p1, ${two.finished}/${trials} at p2`);
    p1 = Math.max(p1, one.trialsPerHour);
    p2 = Math.max(p2, two.trialsPerHour);
  }
  const sweepLine = `Sweep of ${trials} trials (FashionMNIST MLP template, 12,000 samples × 2 epochs, one engine process per trial through the RunPool): ${fmt(p1)} trials/hour at parallelism 1, ${fmt(p2)} at parallelism 2, ratio p2/p1 ${(p2 / p1).toFixed(2)}.`;
  console.log(sweepLine);

  const section = [
    '<!-- bench:engine:start -->',
    `Measured by \`node test/bench/engine/run.ts\` on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} logical cores, Node ${process.version}, Hyperlab kernels \`${kernels.name}\`; PyTorch from Debian's python3-torch with OpenBLAS; one thread each. Training steps (forward, backward, optimizer step), best of ${REPS} alternating repetitions.`,
    '',
    '| Work | Hyperlab samples/s | PyTorch samples/s | Hyperlab / PyTorch |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    sweepLine,
    '<!-- bench:engine:end -->',
  ].join('\n');
  writeReadme(section);
  console.log('README.md performance section updated.');
}

function writeReadme(section: string): void {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench:engine:start -->');
  const end = text.indexOf('<!-- bench:engine:end -->');
  const next = start >= 0 && end > start
    ? text.slice(0, start) + section + text.slice(end + '<!-- bench:engine:end -->'.length)
    : `${text.replace(/\n*$/, '\n')}\n## Performance\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

await main();
