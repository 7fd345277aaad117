// The README's "Compress and export" tables: trains the FashionMNIST template in full (or takes
// --db/--run), exports FP32 and the compressed variants, runs each in ONNX Runtime on the
// 10,000 test images and prints the table; --write puts it into README.md between its markers.
// node test/bench/compress/table.ts [mlp|cnn] [--db PATH --run ID] [--write]
//   [--variant "quantize=bf16" ...]: only these variants (and FP32); prints, never --write
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../src/core/store/index.ts';
import { exportRun, reportTable } from '../../../src/export/pipeline.ts';
import { parseVariant } from '../../../src/export/variants.ts';
import { benchRun } from './source-run.ts';

const { values, positionals } = parseArgs({ options: { db: { type: 'string' }, run: { type: 'string' }, write: { type: 'boolean' }, variant: { type: 'string', multiple: true } }, allowPositionals: true });
const which = (positionals[0] ?? 'mlp') as 'mlp' | 'cnn';
const template = which === 'cnn' ? 'fashion-mnist-cnn' : 'fashion-mnist-mlp';
const { work, dbPath, runId, trainSeconds } = await benchRun(template, values, `hyperlab-compress-${which}-`);
const store = openStore(dbPath);
if (values.variant && values.write) throw new Error('--variant prints a partial table; leave out --write');
const variants = values.variant ?? ['quantize=fp16', 'quantize=bf16', 'quantize=int8,per-channel', 'prune=0.9', 'prune=0.9,finetune=4', 'nm=2:4,skip-unfit', 'nm=2:4,skip-unfit,finetune=1', 'prune=0.5,structured,finetune=2', 'quantize=ternary', 'quantize=int4,block=32', 'quantize=kmeans4', 'quantize=fp8', 'quantize=fp8e5m2', 'quantize=fp4'];
const t1 = performance.now();
const report = await exportRun({
  store, dbPath, runId, out: path.join(work, 'export'), variants: variants.map(parseVariant), formats: ['onnx'],
  onProgress: (p) => process.stderr.write(`[${Math.round(p.fraction * 100)}%] ${p.message}\n`),
});
const exportSeconds = (performance.now() - t1) / 1000;
store.close();
const fp32 = report.variants[0]!;
const int8 = report.variants.find((v) => v.label === 'int8-channel');
const pruned = report.variants.find((v) => v.label === 'prune90-ft4');
const text = [
  `${template}, run trained${values.run ? ' earlier' : ` here in ${trainSeconds.toFixed(0)} s`} (checkpoint ${path.basename(report.checkpoint)}, epoch ${report.epoch}); ${report.testSamples.toLocaleString('en-US')} test images; ONNX Runtime ${report.ortThreads} thread, CPU; export of all variants ${exportSeconds.toFixed(0)} s. Measured by \`node test/bench/compress/table.ts ${which}\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  reportTable(report),
  '',
  `FP32 ONNX in ONNX Runtime vs the engine on the ${report.testSamples.toLocaleString('en-US')} test images: max |Δ logit| ${fp32.maxAbsDiff?.toExponential(2)} (acceptance: < 1e-4), identical predictions on ${(100 * fp32.engineAgreement!).toFixed(2)}% of them.`,
  ...(int8 && pruned ? [`Goals: INT8 per-channel ${(100 * int8.bytes / fp32.bytes).toFixed(1)}% of the FP32 file (goal ≤ 26%: ${int8.bytes / fp32.bytes <= 0.26 ? 'met' : 'missed'}), accuracy ${(100 * (int8.testAcc - fp32.testAcc)).toFixed(2)} points (goal within 0.5: ${Math.abs(int8.testAcc - fp32.testAcc) <= 0.005 ? 'met' : 'missed'}); 90% pruning + 4 epochs fine-tuning ${(100 * (pruned.testAcc - fp32.testAcc)).toFixed(2)} points (goal within 1: ${fp32.testAcc - pruned.testAcc <= 0.01 ? 'met' : 'missed'}).`] : []),
  ...report.variants.filter((v) => v.note).map((v) => `- ${v.label}: ${v.note}`),
].join('\n');
process.stdout.write(text + '\n');
if (values.write) {
  const readme = path.resolve(import.meta.dirname, '../../../README.md');
  const start = `<!-- bench:compress-${which}:start -->`, end = `<!-- bench:compress-${which}:end -->`;
  const current = fs.readFileSync(readme, 'utf8');
  const a = current.indexOf(start), b = current.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  fs.writeFileSync(readme, current.slice(0, a + start.length) + '\n' + text + '\n' + current.slice(b));
  process.stderr.write('README.md updated\n');
}
