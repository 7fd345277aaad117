// The compress-and-export API, for the CLI (`hyperlab export`) and the Compress & Export panel.
//
//   import { exportRun, parseVariant, makeVariant, PRESETS } from '../export/index.ts';   // from src/cli or src/vscode
//
//   const controller = new AbortController();
//   const report = await exportRun({
//     store,                       // a writable Store (fine-tuning runs and artifacts are recorded in it)
//     dbPath,                      // the store's file: fine-tuning runs get folders beside it
//     runId: 3,                    // a finished, non-diverged single-model run with a checkpoint
//     out: '/abs/exports/run3',    // must not exist; written as out + '.partial-PID' and renamed at the end
//     variants: PRESETS['table']!.map(parseVariant),   // or [makeVariant({ quantize: 'int8', perChannel: true })]
//     formats: ['onnx', 'triton', 'torch'],
//     checkpoint: 'last',          // or 'best'
//     onProgress: ({ message, fraction }) => progress.report({ message, increment: ... }),
//     signal: controller.signal,   // abort → HyperlabError 'export cancelled', nothing left on disk
//   });
//
// The FP32 model is always the first variant (the baseline of agreement and per-class change).
// `report.variants[i]` (VariantReport) holds label, files, bytes, opset, parameters, nonZero,
// sparsity, layerSparsity, runtime ('onnxruntime' | 'simulated'), testAcc, simulatedAcc,
// agreement, maxAbsDiff, perClassDelta, latencyMs {batch1, batch64}, fineTuneRun, note, and
// qat {epochs, fineTuneRun, ptqAcc, ptqRuntime} for a variant with quantization-aware fine-tuning
// (makeVariant({ quantize: 'int4', perTensor: true, qat: 2 }) or parseVariant('quantize=int4,per-tensor,qat=2')).
// The same report is written to out/report.json and out/report.md (reportTable) and recorded
// as artifacts of the run: kind 'export' per model (its row as meta) and 'export-report'.
//
// Errors are HyperlabError: USAGE (an impossible combination, --out exists or is not writable),
// RUN_NOT_FOUND (no run, no checkpoint), EXPORT_FAILED (a diverged run, cancelled, an exporter bug).
// Calls are long (seconds to minutes: fine-tuning trains), and ONNX Runtime is loaded on first use.
export { exportRun, checkOutput, reportTable, type ExportFormat, type ExportOptions, type ExportProgress, type ExportReport, type VariantReport } from './pipeline.ts';
export { makeVariant, parseVariant, PRESETS, QUANTIZERS, type Quantizer, type VariantFields, type VariantSpec } from './variants.ts';
export { decodeModel } from './onnx-proto.ts';
