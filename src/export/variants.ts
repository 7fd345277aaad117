// What one exported variant is: pruning (magnitude, N:M or structured), optional fine-tuning
// or quantization-aware fine-tuning, and a storage format for the weights. Parsed from the CLI's flags or a "key=value,..." string.
import { HyperlabError } from '../core/errors.ts';

/**
 * fp8 is E4M3FN; fp8e5m2, bf16 and fp4 (E2M1, MX: power-of-two scale per block of 32) were
 * added with an ONNX Runtime probe (test/unit/export/ort-float-probe.test.ts): ORT 1.30 runs
 * bf16 and fp8e5m2, not fp4, whose variant keeps the engine's simulated figures and writes no
 * ONNX file (pipeline.ts).
 */
export const QUANTIZERS = ['int8', 'int4', 'kmeans4', 'ternary', 'fp16', 'bf16', 'fp8', 'fp8e5m2', 'fp4'] as const;
export type Quantizer = (typeof QUANTIZERS)[number];

/** Which weights share a scale: the whole tensor, each output channel, or blocks along the fan-in. */
export type Granularity = { kind: 'tensor' } | { kind: 'channel' } | { kind: 'block'; size: number };

export interface PruneSpec {
  amount: number;
  method: 'magnitude' | 'structured' | 'nm';
  /** Magnitude pruning: one threshold over all layers (default) or the same fraction of each layer. */
  scope: 'global' | 'layer';
  /** N:M: leave layers whose input width is not a multiple of M dense instead of failing. */
  skipUnfit: boolean;
  n: number;
  m: number;
}

export interface VariantSpec {
  label: string;
  prune: PruneSpec | null;
  /** Fine-tuning epochs after pruning (0: none). */
  finetune: number;
  /**
   * Quantization-aware fine-tuning epochs before the INT8/INT4 quantization (0: none): a run of
   * its own whose forward passes use the weights fake-quantized as the export will store them.
   */
  qat: number;
  quantize: Quantizer | null;
  granularity: Granularity;
  /** INT8 activations: how the calibration set's ranges are cut (min-max keeps every value). */
  calibration: ActivationCalibration;
}

export const ACTIVATION_CALIBRATIONS = ['minmax', 'percentile', 'entropy'] as const;
export type ActivationCalibration = (typeof ACTIVATION_CALIBRATIONS)[number];

function usage(message: string, hint: string): HyperlabError {
  return new HyperlabError('USAGE', message, hint);
}

export interface VariantFields {
  prune?: number;
  structured?: boolean;
  /** Magnitude pruning per layer instead of one global threshold. */
  perLayer?: boolean;
  nm?: string;
  /** With nm: keep layers that cannot carry the pattern dense. */
  skipUnfit?: boolean;
  finetune?: number;
  qat?: number;
  quantize?: string;
  perChannel?: boolean;
  perTensor?: boolean;
  block?: number;
  calibration?: string;
}

function defaultGranularity(q: Quantizer | null): Granularity {
  return q === 'int4' || q === 'fp4' ? { kind: 'block', size: 32 } : q === 'int8' ? { kind: 'channel' } : { kind: 'tensor' };
}

export function makeVariant(f: VariantFields): VariantSpec {
  let prune: PruneSpec | null = null;
  if (f.nm !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(f.nm);
    if (!m || Number(m[1]) < 1 || Number(m[1]) >= Number(m[2])) throw usage(`--nm "${f.nm}" is not an N:M pattern`, 'Write it as N:M with N < M, e.g. --nm 2:4.');
    const n = Number(m[1]), mm = Number(m[2]);
    prune = { amount: 1 - n / mm, method: 'nm', n, m: mm, scope: 'layer', skipUnfit: f.skipUnfit ?? false };
    if (f.structured) throw usage('--nm and --structured cannot be combined', 'Choose one: N:M keeps the shapes, --structured removes whole neurons and filters.');
  }
  if (f.prune !== undefined) {
    if (!(f.prune > 0 && f.prune < 1)) throw usage(`--prune ${f.prune} is not a fraction in (0, 1)`, 'Give the fraction of weights to remove, e.g. --prune 0.9.');
    if (prune) throw usage('--prune and --nm cannot be combined', 'N:M sets its own sparsity (2:4 is 50%); leave out --prune.');
    prune = { amount: f.prune, method: f.structured ? 'structured' : 'magnitude', n: 0, m: 0, scope: f.perLayer || f.structured ? 'layer' : 'global', skipUnfit: false };
    if (f.perLayer && f.structured) throw usage('--per-layer applies to magnitude pruning', 'Structured pruning always removes the same fraction of each layer\'s units; leave out --per-layer.');
  } else if (f.structured || f.perLayer) {
    throw usage(`--${f.structured ? 'structured' : 'per-layer'} needs --prune FRACTION`, 'e.g. --prune 0.5 --structured removes half of each layer\'s neurons or filters.');
  }
  if (f.skipUnfit && f.nm === undefined) throw usage('--skip-unfit applies to --nm', 'Use it as --nm 2:4 --skip-unfit.');
  const finetune = f.finetune ?? 0;
  if (!(Number.isInteger(finetune) && finetune >= 0)) throw usage(`--finetune ${f.finetune} is not a whole number of epochs`, 'e.g. --finetune 2.');
  if (finetune > 0 && !prune) throw usage('--finetune needs pruning', 'Fine-tuning recovers accuracy after --prune or --nm; add one of them.');
  let quantize: Quantizer | null = null;
  if (f.quantize !== undefined) {
    if (!(QUANTIZERS as readonly string[]).includes(f.quantize)) throw usage(`--quantize ${f.quantize} is not a known method`, `Use one of: ${QUANTIZERS.join(', ')}.`);
    quantize = f.quantize as Quantizer;
  }
  let granularity = defaultGranularity(quantize);
  const chosen = [f.perChannel && 'per-channel', f.perTensor && 'per-tensor', f.block !== undefined && 'block'].filter(Boolean);
  if (chosen.length > 1) throw usage(`--${chosen.join(' and --')} cannot be combined`, 'Choose one granularity.');
  if (chosen.length === 1) {
    if (quantize === 'fp4' && f.block === undefined) throw usage(`--${chosen[0]} does not apply to --quantize fp4`, 'FP4 (MX) scales blocks along the inputs: leave it out (blocks of 32) or give --block B.');
    if (quantize !== 'int8' && quantize !== 'int4' && quantize !== 'fp4') throw usage(`--${chosen[0]} applies to --quantize int8, int4 or fp4`, 'Leave it out for the other methods.');
    if (f.block !== undefined) {
      if (!(Number.isInteger(f.block) && f.block >= 2)) throw usage(`--block ${f.block} is not a block size`, 'Use a whole number ≥ 2, e.g. --block 32.');
      if (quantize !== 'int4' && quantize !== 'fp4') throw usage('--block needs --quantize int4', 'ONNX Runtime runs block-wise DequantizeLinear for INT4 weights; INT8 uses --per-channel.');
      granularity = { kind: 'block', size: f.block };
    } else granularity = f.perChannel ? { kind: 'channel' } : { kind: 'tensor' };
  }
  const qat = f.qat ?? 0;
  if (!(Number.isInteger(qat) && qat >= 0)) throw usage(`--qat ${f.qat} is not a whole number of epochs`, 'e.g. --qat 2.');
  if (qat > 0 && quantize !== 'int8' && quantize !== 'int4') throw usage(`--qat needs --quantize int8 or int4${quantize ? `, not ${quantize}` : ''}`, 'Quantization-aware fine-tuning trains for the integer grid the export stores: add --quantize int8 or --quantize int4.');
  if (qat > 0 && finetune > 0) throw usage('--qat and --finetune cannot be combined', 'With pruning, --qat alone fine-tunes with the pruning masks held and the weights fake-quantized; leave out --finetune.');
  const calibration = (f.calibration ?? 'minmax') as ActivationCalibration;
  if (!(ACTIVATION_CALIBRATIONS as readonly string[]).includes(calibration)) throw usage(`calibration=${f.calibration} is not a method`, `Use one of: ${ACTIVATION_CALIBRATIONS.join(', ')}.`);
  if (calibration !== 'minmax' && quantize !== 'int8') throw usage(`calibration=${calibration} applies to --quantize int8`, 'Only INT8 quantizes activations; leave it out for the other methods.');
  const label = labelOf(prune, finetune, quantize, granularity) + (calibration === 'minmax' ? '' : `-${calibration}`) + (qat > 0 ? `-qat${qat}` : '');
  return { label, prune, finetune, qat, quantize, granularity, calibration };
}

function labelOf(prune: PruneSpec | null, finetune: number, q: Quantizer | null, g: Granularity): string {
  const parts: string[] = [];
  if (prune) parts.push(prune.method === 'nm' ? `nm${prune.n}of${prune.m}` : `${prune.method === 'structured' ? 'struct' : 'prune'}${Math.round(prune.amount * 100)}${prune.method === 'magnitude' && prune.scope === 'layer' ? '-layer' : ''}`);
  if (finetune > 0) parts.push(`ft${finetune}`);
  if (q) parts.push(q + (q === 'int8' || q === 'int4' || q === 'fp4' ? (g.kind === 'block' ? `-block${g.size}` : g.kind === 'channel' ? '-channel' : '-tensor') : ''));
  return parts.length ? parts.join('-') : 'fp32';
}

/** "prune=0.9,finetune=2,quantize=int8,per-channel" or "quantize=int4,per-tensor,qat=2" (the --variant form). */
export function parseVariant(text: string): VariantSpec {
  const f: VariantFields = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = part.split('=', 2) as [string, string | undefined];
    const num = (): number => { const n = Number(value); if (value === undefined || !Number.isFinite(n)) throw usage(`--variant "${text}": ${key} needs a number`, `e.g. ${key}=0.9`); return n; };
    switch (key) {
      case 'prune': f.prune = num(); break;
      case 'structured': f.structured = true; break;
      case 'per-layer': f.perLayer = true; break;
      case 'nm': f.nm = value ?? ''; break;
      case 'skip-unfit': f.skipUnfit = true; break;
      case 'finetune': f.finetune = num(); break;
      case 'qat': f.qat = num(); break;
      case 'quantize': f.quantize = value ?? ''; break;
      case 'per-channel': f.perChannel = true; break;
      case 'per-tensor': f.perTensor = true; break;
      case 'block': f.block = num(); break;
      case 'calibration': f.calibration = value ?? ''; break;
      default: throw usage(`--variant "${text}": unknown key "${key}"`, 'Keys: prune=F, structured, per-layer, nm=N:M, skip-unfit, finetune=E, qat=E, quantize=M, per-channel, per-tensor, block=B, calibration=minmax|percentile|entropy.');
    }
  }
  return makeVariant(f);
}

/** Named sets of variants (the panel's presets and --preset). */
export const PRESETS: Record<string, string[]> = {
  'int8-cpu': ['quantize=int8,per-channel'],
  'sparse-2of4-gpu': ['nm=2:4,finetune=1', 'nm=2:4,finetune=1,quantize=int8,per-channel'],
  table: ['quantize=fp16', 'quantize=int8,per-channel', 'prune=0.9,finetune=2', 'nm=2:4,finetune=1', 'quantize=ternary', 'quantize=int4,block=32', 'quantize=kmeans4', 'quantize=fp8'],
};
