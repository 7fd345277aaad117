// The Compress & Export panel's rules, shared by the webview (presets, labels, checks before
// starting) and the host (the same checks again on what arrives, the Pareto front of a report).
import type { CompressReport, CompressReportRow, CompressVariant, ExportFormat } from './contract.ts';

/** Magnitude pruning is global by default (one threshold over all layers, as the exporter does). */
export const DEFAULT_VARIANT: CompressVariant = { prune: 0, pruneKind: 'global', finetune: 0, quantize: 'none', granularity: 'channel', block: 32, qat: 0 };

const variant = (overrides: Partial<CompressVariant>): CompressVariant => ({ ...DEFAULT_VARIANT, ...overrides });

export interface CompressPreset { id: string; title: string; detail: string; variants: CompressVariant[] }

/** Presets: the FP32 baseline is always exported and compared against; these add the candidates. */
export const COMPRESS_PRESETS: readonly CompressPreset[] = [
  {
    id: 'int8-cpu', title: 'INT8 for CPU',
    detail: 'INT8 weights per output channel and INT8 activations calibrated on validation data (QDQ): about 4× smaller, runs on ONNX Runtime\'s integer kernels.',
    variants: [variant({ quantize: 'int8', granularity: 'channel' })],
  },
  {
    id: 'sparse-gpu', title: '2:4 sparse for GPU',
    detail: '2 of every 4 weights kept (the pattern sparse tensor cores accelerate), fine-tuned 1 epoch, then FP16.',
    variants: [variant({ pruneKind: 'nm', prune: 0.5, finetune: 1 }), variant({ pruneKind: 'nm', prune: 0.5, finetune: 1, quantize: 'fp16' })],
  },
  {
    id: 'smallest', title: 'Smallest within 1 point',
    detail: 'Several small candidates; the report marks the smallest whose test accuracy is within 1 point of FP32.',
    variants: [
      variant({ quantize: 'int8', granularity: 'channel' }),
      variant({ quantize: 'int4', granularity: 'block', block: 32 }),
      variant({ quantize: 'kmeans4' }),
      variant({ quantize: 'ternary' }),
      variant({ prune: 0.9, finetune: 2, quantize: 'int8', granularity: 'channel' }),
    ],
  },
];

/** A short name for a variant: "prune 90% + fine-tune 2 · int8/channel", "int4/tensor + QAT 2". */
export function variantLabel(v: CompressVariant): string {
  const parts: string[] = [];
  if (v.pruneKind === 'nm') parts.push('2:4 sparse');
  else if (v.prune > 0) parts.push(`${v.pruneKind === 'structured' ? 'structured ' : v.pruneKind === 'magnitude' ? 'per-layer ' : ''}prune ${Math.round(v.prune * 100)}%`);
  if (v.finetune > 0 && parts.length) parts[parts.length - 1] += ` + fine-tune ${v.finetune}`;
  if (v.quantize !== 'none') {
    // fp4 from the panel is MXFP4: blocks of 32 along the inputs, whatever the granularity fields say
    const detail = v.quantize === 'int8' || v.quantize === 'int4' ? `/${v.granularity === 'block' ? `block ${v.block}` : v.granularity}` : v.quantize === 'fp4' ? '/block 32' : '';
    parts.push(`${v.quantize}${detail}${v.qat > 0 ? ` + QAT ${v.qat}` : ''}`);
  }
  return parts.length ? parts.join(' · ') : 'fp32';
}

/** Why a variant cannot run on a model with these dense input widths, or null. */
export function variantProblem(v: CompressVariant, layerWidths: readonly { name: string; inputs: number }[]): string | null {
  if (v.pruneKind === 'nm') {
    const bad = layerWidths.find((l) => l.inputs % 4 !== 0);
    if (bad) return `2:4 sparsity needs every layer's input width to be a multiple of 4; ${bad.name} has ${bad.inputs} inputs.`;
  } else if (v.prune < 0 || v.prune >= 1) {
    return `pruning sparsity must be in [0, 0.99] (got ${v.prune}).`;
  }
  if (v.finetune > 0 && v.prune === 0 && v.pruneKind !== 'nm') return 'fine-tuning follows pruning: set a sparsity, or fine-tune 0 epochs.';
  if (v.qat > 0 && v.quantize !== 'int8' && v.quantize !== 'int4') return 'QAT trains for the INT8/INT4 grid: choose int8 or int4 quantization, or QAT 0 epochs.';
  if (v.qat > 0 && v.finetune > 0) return 'choose fine-tuning or QAT: with pruning, QAT alone fine-tunes with the pruning masks held.';
  if (v.quantize === 'int4' && v.granularity === 'tensor' && v.qat === 0) return 'INT4 per tensor loses too much (one scale for a whole layer) without QAT: use per channel or per block, or add QAT epochs.';
  if (v.granularity === 'block' && (v.block < 8 || v.block % 8 !== 0)) return `block size must be a multiple of 8, at least 8 (got ${v.block}).`;
  return null;
}

/**
 * Indices of the rows on the accuracy-against-size Pareto front: no other row is at least as
 * small and at least as accurate, and strictly better in one. Rows without accuracy are left out.
 */
export function paretoFront(rows: readonly Pick<CompressReportRow, 'fileBytes' | 'accuracy'>[]): number[] {
  const candidates = rows.map((r, i) => ({ i, size: r.fileBytes, acc: r.accuracy })).filter((r): r is { i: number; size: number; acc: number } => r.acc !== null);
  return candidates.filter((a) => !candidates.some((b) => b.i !== a.i && b.size <= a.size && b.acc >= a.acc && (b.size < a.size || b.acc > a.acc)))
    .sort((a, b) => a.size - b.size).map((r) => r.i);
}

/** The smallest row whose accuracy is within `points` percentage points of the baseline's, or -1. */
export function smallestWithin(rows: readonly CompressReportRow[], points: number): number {
  const baseline = rows.find((r) => r.baseline)?.accuracy;
  if (baseline === null || baseline === undefined) return -1;
  let found = -1;
  rows.forEach((r, i) => {
    if (r.accuracy === null || (baseline - r.accuracy) * 100 > points + 1e-9) return;
    if (found < 0 || r.fileBytes < rows[found]!.fileBytes) found = i;
  });
  return found;
}

/** The `--variant` text of a variant for `hyperlab export` ("prune=0.9,finetune=2,quantize=int8,per-channel"). */
export function variantArgument(v: CompressVariant): string {
  const parts: string[] = [];
  if (v.pruneKind === 'nm') parts.push('nm=2:4');
  else if (v.prune > 0) {
    parts.push(`prune=${Number(v.prune.toFixed(4))}`);
    if (v.pruneKind === 'structured') parts.push('structured');
    if (v.pruneKind === 'magnitude') parts.push('per-layer');
  }
  if (v.finetune > 0) parts.push(`finetune=${v.finetune}`);
  if (v.quantize !== 'none') {
    parts.push(`quantize=${v.quantize}`);
    if (v.quantize === 'int8' || v.quantize === 'int4') {
      if (v.granularity === 'block') parts.push(`block=${v.block}`);
      else parts.push(v.granularity === 'channel' ? 'per-channel' : 'per-tensor');
      if (v.qat > 0) parts.push(`qat=${v.qat}`);
    }
  }
  return parts.join(',');
}

/** The arguments of `hyperlab export` for these variants (the FP32 baseline is always exported). */
export function exportArguments(runId: number, variants: readonly CompressVariant[], format: ExportFormat, out: string, db?: string): string[] {
  return ['export', String(runId), ...variants.flatMap((v) => {
    const text = variantArgument(v);
    return text ? ['--variant', text] : [];
  }), '--format', format, '--out', out, ...(db ? ['--db', db] : [])];
}

/** The same as a command line to paste into a shell. */
export function exportCommandLine(args: readonly string[]): string {
  return ['hyperlab', ...args.map(shellQuote)].join(' ');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The fields of an export's report.json the panel reads (written by src/export's pipeline). */
export interface ExportReportJson {
  runId: number;
  runName: string;
  out: string;
  createdAt: string;
  formats: string[];
  variants: {
    label: string;
    files: string[];
    bytes: number;
    parameters: number;
    sparsity: number;
    runtime: 'onnxruntime' | 'simulated';
    testAcc: number;
    agreement: number;
    perClassDelta: { [className: string]: number };
    latencyMs: { batch1: number; batch64: number } | null;
    note: string | null;
    /** Absent in reports written before QAT existed. */
    qat?: { epochs: number; fineTuneRun: number; ptqAcc: number } | null;
  }[];
}

/**
 * The panel's report from report.json: the first row is the FP32 baseline; the others take the
 * labels the panel showed for its variants when given (same order), else the exporter's own.
 * Per-class changes arrive as accuracy fractions and are shown in points.
 */
export function compressReport(json: ExportReportJson, command: string, labels: readonly string[] = []): CompressReport {
  return {
    runId: json.runId, runName: json.runName, outDir: json.out, command, format: (json.formats[0] ?? 'onnx') as ExportFormat,
    createdAt: Date.parse(json.createdAt) || Date.now(),
    rows: json.variants.map((v, i) => ({
      label: i === 0 ? 'fp32' : labels[i - 1] ?? v.label,
      baseline: i === 0,
      fileBytes: v.bytes, sparsity: v.sparsity, parameters: v.parameters,
      accuracy: Number.isFinite(v.testAcc) ? v.testAcc : null,
      ptqAccuracy: v.qat && Number.isFinite(v.qat.ptqAcc) ? v.qat.ptqAcc : null,
      agreement: Number.isFinite(v.agreement) ? v.agreement : null,
      perClassDelta: Object.entries(v.perClassDelta ?? {}).map(([name, delta]) => ({ name, delta: delta * 100 })),
      latencyMs: { batch1: v.latencyMs?.batch1 ?? null, batch64: v.latencyMs?.batch64 ?? null },
      verified: v.runtime, note: v.note, files: v.files,
    })),
  };
}
