// What each panel's webview may send (see contract.ts), as validation rules. The host checks
// every inbound message against its panel's table with checkInbound() before touching it.
import { EXPORT_FORMATS, GRANULARITIES, LIMITS, PRUNE_KINDS, QUANTIZE_CHOICES, RUN_EDITS, SPEC_FIELD_PATHS, X_AXES, type FromWebview, type PanelKind } from './contract.ts';
import { arrayOf, bool, checkInbound, int, nullable, num, object, oneOf, PRINTABLE, runId, str, type MessageRules, type Verdict } from './validate.ts';

const metricKey = str(LIMITS.keyChars, { minChars: 1, pattern: PRINTABLE, patternHint: 'a metric key without control characters' });
const runIds = arrayOf(runId, LIMITS.runIds);
const ready = {};
const requestId = int(0, Number.MAX_SAFE_INTEGER);

export const CURVES_RULES: MessageRules = {
  ready,
  requestSeries: { requestId, runIds, keys: arrayOf(metricKey, LIMITS.keys), x: oneOf(X_AXES), buckets: int(2, LIMITS.buckets) },
  pickRuns: {},
  setRuns: { runIds },
  filterRuns: { text: str(LIMITS.textChars, { pattern: PRINTABLE, patternHint: 'text without control characters', unsafe: 'strip' }) },
  saveState: {
    state: object({
      runIds, metric: nullable(metricKey), x: oneOf(X_AXES), logY: bool, smoothing: num(0, 0.999), hidden: arrayOf(runId, LIMITS.hiddenItems),
    }),
  },
};

export const GRADIENTS_RULES: MessageRules = {
  ready,
  requestLayerStats: { runId, maxSteps: int(2, LIMITS.maxSteps) },
  openSpecField: { runId, field: oneOf(SPEC_FIELD_PATHS) },
  pickRun: {},
  saveState: { state: object({ runId: nullable(runId), logY: bool, hiddenLayers: arrayOf(metricKey, LIMITS.hiddenItems) }) },
};

export const DETAIL_RULES: MessageRules = {
  ready,
  requestDetail: { runId, logLines: int(0, LIMITS.logLines) },
  pickRun: {},
  openSpec: { runId },
  compressRun: { runId },
  editRun: { runId, edit: oneOf(RUN_EDITS) },
  saveState: { state: object({ runId: nullable(runId) }) },
};

const columnId = str(LIMITS.keyChars + 16, { minChars: 1, pattern: PRINTABLE, patternHint: 'a column id without control characters' });
const experimentName = nullable(str(LIMITS.keyChars, { minChars: 1, pattern: PRINTABLE, patternHint: 'an experiment name without control characters' }));

export const COMPARISON_RULES: MessageRules = {
  ready,
  requestDataset: { experiment: experimentName },
  requestSpecDiff: { left: runId, right: runId },
  saveState: {
    state: object({
      columns: nullable(arrayOf(columnId, LIMITS.columnIds)),
      sort: nullable(object({ column: columnId, direction: oneOf(['asc', 'desc']) })),
      filter: str(LIMITS.filterChars, { pattern: PRINTABLE, patternHint: 'filter text without control characters', unsafe: 'strip' }),
      groupBy: nullable(columnId), objective: nullable(columnId), scatterX: nullable(columnId), scatterY: nullable(columnId),
      experiment: experimentName,
    }),
  },
};

const paramPath = nullable(str(LIMITS.keyChars, { minChars: 1, pattern: PRINTABLE, patternHint: 'a parameter path without control characters' }));

export const SWEEP_RULES: MessageRules = {
  ready,
  requestSweep: { sweepId: runId },
  pickSweep: {},
  runBestAgain: { sweepId: runId },
  openInComparison: { sweepId: runId },
  openRun: { runId },
  saveState: { state: object({ sweepId: nullable(runId), contourX: paramPath, contourY: paramPath, slice: paramPath, logY: bool }) },
};

const variant = object({
  prune: num(0, 0.99), pruneKind: oneOf(PRUNE_KINDS), finetune: int(0, LIMITS.finetuneEpochs), quantize: oneOf(QUANTIZE_CHOICES),
  granularity: oneOf(GRANULARITIES), block: int(1, LIMITS.blockSize), qat: int(0, LIMITS.finetuneEpochs),
});
const variants = arrayOf(variant, LIMITS.variants);
const format = oneOf(EXPORT_FORMATS);

export const COMPRESS_RULES: MessageRules = {
  ready,
  pickRun: {},
  startExport: { runId, variants, format },
  cancelExport: {},
  openFolder: { runId },
  copyCommand: { runId },
  saveState: { state: object({ runId: nullable(runId), variants, format }) },
};

export const INBOUND_RULES: { readonly [K in PanelKind]: MessageRules } = {
  curves: CURVES_RULES,
  gradients: GRADIENTS_RULES,
  detail: DETAIL_RULES,
  comparison: COMPARISON_RULES,
  sweep: SWEEP_RULES,
  compress: COMPRESS_RULES,
};

/** Checks a message a panel's webview sent. */
export function checkPanelMessage<K extends PanelKind>(kind: K, raw: unknown): Verdict<FromWebview<K>> {
  return checkInbound<FromWebview<K>>(raw, INBOUND_RULES[kind]);
}

/** Checks a state the serializer got back after a reload (it came from the webview too). */
export function checkPanelState<K extends PanelKind>(kind: K, raw: unknown): Verdict<{ type: 'saveState'; state: unknown }> {
  const rules = INBOUND_RULES[kind]['saveState'];
  if (!rules) return { ok: false, reason: `the ${kind} panel keeps no state` };
  return checkInbound(raw === undefined || raw === null ? raw : { type: 'saveState', state: raw }, { saveState: rules });
}
