// The Compress & Export panel's rules, shared by the webview (presets, labels, checks before
// starting) and the host (the same checks again on what arrives, the Pareto front of a report).
import type { CompressReportRow, CompressVariant } from './contract.ts';

export const DEFAULT_VARIANT: CompressVariant = { prune: 0, pruneKind: 'magnitude', finetune: 0, quantize: 'none', granularity: 'channel', block: 32 };

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

/** A short name for a variant: "prune 90% + fine-tune 2 · int8/channel". */
export function variantLabel(v: CompressVariant): string {
  const parts: string[] = [];
  if (v.pruneKind === 'nm') parts.push('2:4 sparse');
  else if (v.prune > 0) parts.push(`${v.pruneKind === 'structured' ? 'structured ' : v.pruneKind === 'global' ? 'global ' : ''}prune ${Math.round(v.prune * 100)}%`);
  if (v.finetune > 0 && parts.length) parts[parts.length - 1] += ` + fine-tune ${v.finetune}`;
  if (v.quantize !== 'none') {
    const detail = v.quantize === 'int8' || v.quantize === 'int4' ? `/${v.granularity === 'block' ? `block ${v.block}` : v.granularity}` : '';
    parts.push(`${v.quantize}${detail}`);
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
  if (v.quantize === 'int4' && v.granularity === 'tensor') return 'INT4 per tensor loses too much (one scale for a whole layer): use per channel or per block.';
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
