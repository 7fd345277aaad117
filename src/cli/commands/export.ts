// `hyperlab export RUN`: compress and export a finished run (ONNX, Triton, PyTorch), verify every
// variant in ONNX Runtime against the engine, and print the report. Ctrl-C cancels and leaves
// nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../core/errors.ts';
import { exportRun, makeVariant, parseVariant, PRESETS, reportTable, type ExportFormat, type VariantSpec } from '../../export/index.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { StoreMissingError, openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, parseRunId, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';

const OPTIONS = {
  ...DB_OPTION,
  json: { type: 'boolean' },
  out: { type: 'string' },
  prune: { type: 'string' },
  structured: { type: 'boolean' },
  'per-layer': { type: 'boolean' },
  nm: { type: 'string' },
  'skip-unfit': { type: 'boolean' },
  finetune: { type: 'string' },
  qat: { type: 'string' },
  quantize: { type: 'string' },
  'per-channel': { type: 'boolean' },
  'per-tensor': { type: 'boolean' },
  block: { type: 'string' },
  calibration: { type: 'string' },
  format: { type: 'string', multiple: true },
  variant: { type: 'string', multiple: true },
  preset: { type: 'string' },
  checkpoint: { type: 'string' },
} as const;

const FORMATS: readonly ExportFormat[] = ['onnx', 'triton', 'torch'];

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw usageError(`hyperlab export: --${flag} "${text}" is not a number`, `e.g. --${flag} ${flag === 'prune' ? '0.9' : '2'}`);
  return n;
}

export async function exportCommand(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('export', args, OPTIONS);
  if (positionals.length !== 1) throw usageError(`hyperlab export: expected one run ID, got ${positionals.length}`, 'e.g. hyperlab export 3 --quantize int8 --out exports/run3');
  const runId = parseRunId(positionals[0], 'export');
  if (!values.out) throw usageError('hyperlab export: --out DIR is required', 'Name a folder that does not exist yet; the export creates it.');
  const formats = (values.format ?? ['onnx']).flatMap((f) => f.split(',')) as ExportFormat[];
  for (const f of formats) if (!FORMATS.includes(f)) throw usageError(`hyperlab export: --format ${f} is not a target`, `Use one or more of: ${FORMATS.join(', ')}.`);
  const checkpoint = values.checkpoint ?? 'last';
  if (checkpoint !== 'last' && checkpoint !== 'best') throw usageError(`hyperlab export: --checkpoint ${checkpoint}`, 'Use last (the default) or best.');
  const variants: VariantSpec[] = [];
  const single = [values.prune, values.nm, values.finetune, values.qat, values.quantize, values.block, values.calibration].some((v) => v !== undefined) || values.structured || values['per-layer'] || values['skip-unfit'] || values['per-channel'] || values['per-tensor'];
  if (single) {
    variants.push(makeVariant({
      prune: number('prune', values.prune), structured: values.structured ?? false, perLayer: values['per-layer'] ?? false, nm: values.nm, skipUnfit: values['skip-unfit'] ?? false, finetune: number('finetune', values.finetune), qat: number('qat', values.qat),
      quantize: values.quantize, perChannel: values['per-channel'] ?? false, perTensor: values['per-tensor'] ?? false, block: number('block', values.block),
      ...(values.calibration !== undefined ? { calibration: values.calibration } : {}),
    }));
  }
  for (const text of values.variant ?? []) variants.push(parseVariant(text));
  if (values.preset !== undefined) {
    const preset = PRESETS[values.preset];
    if (!preset) throw usageError(`hyperlab export: no preset "${values.preset}"`, `Presets: ${Object.keys(PRESETS).join(', ')}.`);
    variants.push(...preset.map(parseVariant));
  }
  const out = path.resolve(io.cwd, values.out);
  const dbPath = resolveDb(values.db, io.cwd);
  if (!fs.existsSync(dbPath)) throw new StoreMissingError('STORE_UNAVAILABLE', `no Hyperlab store at ${dbPath}`, 'Run an experiment first (hyperlab run SPEC), or point to a store with --db PATH.');
  const store = openForWriting(dbPath);
  const controller = new AbortController();
  const off = io.onInterrupt(() => controller.abort());
  try {
    const report = await exportRun({
      store, dbPath, runId, out, variants, formats, checkpoint, signal: controller.signal,
      onProgress: (p) => { if (!values.json) io.stderr(`[${Math.round(p.fraction * 100).toString().padStart(3)}%] ${p.message}\n`); },
    });
    if (values.json) io.stdout(toJson(report) + '\n');
    else {
      io.stdout(`Exported run ${report.runId} (${path.basename(report.checkpoint)}, epoch ${report.epoch}) to ${report.out}; test set of ${report.testSamples} samples, ONNX Runtime on ${report.ortThreads} thread\n\n`);
      io.stdout(reportTable(report) + '\n');
      for (const v of report.variants) if (v.note) io.stdout(`  ${v.label}: ${v.note}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof HyperlabError)) throw new HyperlabError('EXPORT_FAILED', 'export cancelled; nothing was written', 'Run it again when ready.');
    throw error;
  } finally {
    off();
    store.close();
  }
}
