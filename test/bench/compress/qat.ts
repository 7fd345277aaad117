// The README's quantization-aware fine-tuning figures: trains the FashionMNIST MLP template in
// full (or takes --db/--run), then for INT4 per tensor and INT8 per channel measures in ONNX
// Runtime on the 10,000 test images: FP32, plain PTQ, PTQ after the same epochs of FP32
// fine-tuning (the control: what the extra epochs alone buy), and QAT (--qat EPOCHS).
// node test/bench/compress/qat.ts [--db PATH --run ID] [--epochs E] [--write]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../src/core/store/index.ts';
import { fineTune } from '../../../src/export/finetune.ts';
import { exportRun, type ExportReport } from '../../../src/export/pipeline.ts';
import { loadExportData, loadSourceRun } from '../../../src/export/source.ts';
import { makeVariant, parseVariant } from '../../../src/export/variants.ts';
import { benchRun } from './source-run.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, run: { type: 'string' }, epochs: { type: 'string' }, write: { type: 'boolean' } } });
const epochs = Number(values.epochs ?? 2);
const template = 'fashion-mnist-mlp';
const { work, dbPath, runId, trainSeconds } = await benchRun(template, values, 'hyperlab-qat-');
const log = (m: string): void => { process.stderr.write(`${m}\n`); };
const store = openStore(dbPath);
const schemes = ['quantize=int4,per-tensor', 'quantize=int8,per-channel'];
const progress = (p: { message: string; fraction: number }): void => log(`[${Math.round(p.fraction * 100)}%] ${p.message}`);

const t1 = performance.now();
const qat = await exportRun({ store, dbPath, runId, out: path.join(work, 'qat'), variants: schemes.map((s) => parseVariant(`${s},qat=${epochs}`)), formats: ['onnx'], latencyRepeats: 3, onProgress: progress });
const qatSeconds = (performance.now() - t1) / 1000;

// the control: the same epochs of FP32 fine-tuning from the same weights (a run of its own), then PTQ
log(`control: ${epochs} epochs of plain fine-tuning`);
const source = loadSourceRun(store, runId);
const data = await loadExportData(source.spec, source.specDir);
const plain = makeVariant({});
const tuned = await fineTune({ store, dbPath, signal: undefined }, source, data, source.spec.model, new Map(source.tensors), new Map(), { ...plain, label: `finetune${epochs}`, finetune: epochs });
const control = await exportRun({ store, dbPath, runId: tuned.runId, out: path.join(work, 'control'), variants: schemes.map(parseVariant), formats: ['onnx'], latencyRepeats: 3, onProgress: progress });
/** Median training throughput of a fine-tuning run's epochs (samples/s). */
const throughput = (run: number): number => {
  const values = store.points(run, 'epoch.samples_per_s').map((p) => p.value).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
};
const speeds = { plain: throughput(tuned.runId), ...Object.fromEntries(qat.variants.filter((v) => v.qat).map((v) => [v.label, throughput(v.qat!.fineTuneRun)])) } as Record<string, number>;
store.close();

const acc = (r: ExportReport, label: string): number => r.variants.find((v) => v.label === label)!.testAcc;
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const rows = [
  '| Scheme | FP32 | PTQ | FP32 fine-tune ' + epochs + ' epochs + PTQ | QAT ' + epochs + ' epochs | QAT − PTQ |',
  '|---|---:|---:|---:|---:|---:|',
  ...['int4-tensor', 'int8-channel'].map((label) => {
    const v = qat.variants.find((r) => r.label === `${label}-qat${epochs}`)!;
    return `| ${label === 'int4-tensor' ? 'INT4 per tensor (weights)' : 'INT8 per channel (weights + calibrated activations)'} | ${pct(acc(qat, 'fp32'))} | ${pct(v.qat!.ptqAcc)} | ${pct(acc(control, label))} | ${pct(v.testAcc)} | ${v.testAcc >= v.qat!.ptqAcc ? '+' : ''}${(100 * (v.testAcc - v.qat!.ptqAcc)).toFixed(2)} |`;
  }),
];
const text = [
  `${template}, trained${values.run ? ' earlier' : ` here in ${trainSeconds.toFixed(0)} s`} (checkpoint ${path.basename(qat.checkpoint)}, epoch ${qat.epoch}); ${qat.testSamples.toLocaleString('en-US')} test images, every figure from ONNX Runtime (1 thread, CPU); QAT export ${qatSeconds.toFixed(0)} s for both schemes. Measured by \`node test/bench/compress/qat.ts --epochs ${epochs}\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  ...rows,
  '',
  `Training throughput (median epoch, samples/s, engine on WebAssembly kernels): FP32 fine-tuning ${speeds['plain']!.toFixed(0)}, ${Object.entries(speeds).filter(([k]) => k !== 'plain').map(([k, v]) => `QAT ${k.replace(`-qat${epochs}`, '')} ${v.toFixed(0)} (${(speeds['plain']! / v).toFixed(1)}× slower)`).join(', ')}: each step fake-quantizes every weight (and, for INT8, each layer's input).`,
].join('\n');
process.stdout.write(text + '\n');
if (values.write) {
  const readme = path.resolve(import.meta.dirname, '../../../README.md');
  const start = '<!-- bench:qat-mlp:start -->', end = '<!-- bench:qat-mlp:end -->';
  const current = fs.readFileSync(readme, 'utf8');
  const a = current.indexOf(start), b = current.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  fs.writeFileSync(readme, current.slice(0, a + start.length) + '\n' + text + '\n' + current.slice(b));
  log('README.md updated');
}
