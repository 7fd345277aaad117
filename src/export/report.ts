// The export report: one row per variant, its Markdown table, and its record in the store.
import fs from 'node:fs';
import path from 'node:path';
import type { Params } from '../core/protocol/messages.ts';
import type { Store } from '../core/store/types.ts';

export type ExportFormat = 'onnx' | 'triton' | 'torch';

export interface VariantReport {
  label: string;
  /** Files written for it, relative to the export folder (no ONNX file where ONNX Runtime could not run it). */
  files: string[];
  /** Size of its model.onnx in bytes (where ONNX Runtime could not run it: of the file, had it been written). */
  bytes: number;
  opset: number;
  /** Parameters in the exported model (structured pruning lowers it) and how many are non-zero. */
  parameters: number;
  nonZero: number;
  /** Zero weights over all dense/conv weights, overall and per layer. */
  sparsity: number;
  layerSparsity: Record<string, number>;
  /** Where its figures come from: ONNX Runtime, or the engine's simulation when ORT cannot run it. */
  runtime: 'onnxruntime' | 'simulated';
  testAcc: number;
  /** Engine with the same (dequantized) weights. */
  simulatedAcc: number;
  /** Share of test samples predicted as the FP32 model predicts them. */
  agreement: number;
  /** Largest |ORT logit − engine logit| over the test set (null when ORT did not run it). */
  maxAbsDiff: number | null;
  /** Share of test samples ORT and the engine (same weights) predict alike (null when ORT did not run it). */
  engineAgreement: number | null;
  /** Per-class accuracy minus the FP32 model's, by class name. */
  perClassDelta: Record<string, number>;
  latencyMs: { batch1: number; batch64: number } | null;
  fineTuneRun: number | null;
  /**
   * Quantization-aware fine-tuning (null when the variant had none): its epochs, its run, and
   * the test accuracy of plain post-training quantization of the same scheme from the weights
   * before it (measured as testAcc is: ONNX Runtime, or the simulation where ORT cannot run it).
   */
  qat: { epochs: number; fineTuneRun: number; ptqAcc: number; ptqRuntime: 'onnxruntime' | 'simulated' } | null;
  note: string | null;
}

export interface ExportReport {
  runId: number;
  runName: string;
  checkpoint: string;
  epoch: number;
  testSamples: number;
  classNames: string[];
  formats: ExportFormat[];
  out: string;
  createdAt: string;
  ortThreads: number;
  variants: VariantReport[];
}

/** The report as artifacts of the run: one per exported model (its row as meta) and the report itself. */
export function recordArtifacts(store: Store, report: ExportReport): void {
  for (const v of report.variants) {
    const main = v.files.find((f) => f.endsWith('.onnx')) ?? v.files[0];
    if (!main) continue;
    const file = path.join(report.out, main);
    const { files: _f, layerSparsity: _l, perClassDelta: _p, ...row } = v;
    store.addArtifact(report.runId, { kind: 'export', path: file, size: fs.statSync(file).size, meta: { ...row, latencyMs: v.latencyMs, out: report.out } as unknown as Params });
  }
  const file = path.join(report.out, 'report.json');
  store.addArtifact(report.runId, { kind: 'export-report', path: file, size: fs.statSync(file).size, meta: { variants: report.variants.map((v) => v.label), testSamples: report.testSamples, out: report.out } });
}

const pct = (x: number): string => (100 * x).toFixed(2);

export function reportTable(r: ExportReport): string {
  const base = r.variants[0]!;
  const lines = [
    `| Variant | Size | vs FP32 | Params (non-zero) | Sparsity | Test acc | Δ acc | Agrees with FP32 | max abs Δ logits vs engine (same predictions) | Latency b1 / b64 (ms) | Runs in |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const v of r.variants) {
    const kb = v.bytes >= 1e6 ? `${(v.bytes / 1e6).toFixed(2)} MB` : `${(v.bytes / 1e3).toFixed(1)} kB`;
    lines.push(`| ${v.label} | ${kb} | ${pct(v.bytes / base.bytes)}% | ${v.parameters.toLocaleString('en-US')} (${v.nonZero.toLocaleString('en-US')}) | ${pct(v.sparsity)}% | ${pct(v.testAcc)}%${v.qat ? ` (PTQ ${pct(v.qat.ptqAcc)}%)` : ''} | ${v.testAcc >= base.testAcc ? '+' : ''}${pct(v.testAcc - base.testAcc)} | ${pct(v.agreement)}% | ${v.maxAbsDiff === null ? '–' : `${v.maxAbsDiff.toExponential(1)} (${pct(v.engineAgreement!)}%)`} | ${v.latencyMs ? `${v.latencyMs.batch1.toFixed(3)} / ${v.latencyMs.batch64.toFixed(2)}` : '–'} | ${v.runtime === 'onnxruntime' ? `ORT, opset ${v.opset}` : 'simulated (ORT cannot run it; no ONNX written)'}${v.qat ? `, QAT ${v.qat.epochs} epoch${v.qat.epochs === 1 ? '' : 's'}: run ${v.qat.fineTuneRun}` : v.fineTuneRun ? `, fine-tune run ${v.fineTuneRun}` : ''} |`);
  }
  return lines.join('\n');
}
