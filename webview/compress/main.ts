// Compress & Export: pick a finished run, choose variants (pruning, fine-tuning, quantization, QAT)
// from presets or by hand, export them with progress and cancel, then read the report: a table
// (size, sparsity, accuracy, agreement with FP32, latency) and accuracy against size with the
// Pareto front. The host runs the pipeline; this page only edits and shows.
import { COMPRESS_PRESETS, DEFAULT_VARIANT, paretoFront, smallestWithin, variantLabel, variantProblem } from '../../src/core/webview/compress-data.ts';
import {
  EXPORT_FORMATS, GRANULARITIES, LIMITS, QUANTIZE_CHOICES,
  type CompressReport, type CompressRun, type CompressState, type CompressToWebview, type CompressVariant, type ExportFormat,
} from '../../src/core/webview/contract.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { sizedCanvas } from '../shared/canvas.ts';
import { button, dropdown, progressRing } from '../shared/controls.ts';
import { formatNumber, h, placeholder } from '../shared/dom.ts';
import '../shared/panel.css';
import './compress.css';
import { drawPareto } from './pareto.ts';

const FORMAT_LABELS: { [K in ExportFormat]: string } = { onnx: 'ONNX', triton: 'Triton model repository (ONNX)', torch: 'PyTorch (safetensors + model.py)' };
const PRUNE_CHOICES = [
  { value: 'none', label: 'no pruning' }, { value: 'global', label: 'magnitude, global' }, { value: 'magnitude', label: 'magnitude, per layer' },
  { value: 'structured', label: 'structured (neurons/channels)' }, { value: 'nm', label: '2:4 (N:M)' },
];

const app = document.getElementById('app')!;
let state: CompressState = { runId: null, variants: COMPRESS_PRESETS[0]!.variants.map((v) => ({ ...v })), format: 'onnx' };
let run: CompressRun | null = null;
let report: CompressReport | null = null;
let busy: { message: string; fraction: number | null } | null = null;
let failure: string | null = null;
let paretoPoints: { label: string; x: number; y: number }[] = [];
let redrawPareto: (() => void) | undefined;

const channel = connectPanel('compress', (message: CompressToWebview) => {
  switch (message.type) {
    case 'run':
      run = message.run;
      report = message.lastReport;
      busy = null;
      failure = null;
      state = { ...state, runId: run?.run.id ?? null };
      save();
      render();
      return;
    case 'progress':
      busy = { message: message.message, fraction: message.fraction };
      renderProgress();
      return;
    case 'report':
      busy = null;
      failure = null;
      report = message.report;
      render();
      return;
    case 'exportFailed':
      busy = null;
      failure = message.message;
      render();
      return;
    case 'changed':
      return;
    case 'notice':
      app.replaceChildren(h('div', { class: 'toolbar' }, pickButton()), placeholder(message.message, message.level));
      return;
  }
});
state = { ...state, ...channel.savedState() };

function save(): void {
  channel.saveState(state);
}

function pickButton(): HTMLElement {
  return button('Run…', () => channel.post({ type: 'pickRun' }), { id: 'pick-run', title: 'Choose the run to compress' });
}

let progressBox: HTMLElement | undefined;

function render(): void {
  if (!run) {
    app.replaceChildren(h('div', { class: 'toolbar' }, pickButton()),
      placeholder('No run selected. Right-click a finished run in the Run Explorer and choose "Compress and Export…", or choose one with "Run…".'));
    return;
  }
  const r = run;
  const format = dropdown('Export format', EXPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] })), state.format, (value) => {
    state = { ...state, format: value as ExportFormat };
    save();
  }, 'format');
  progressBox = h('div', { id: 'progress', 'aria-live': 'polite' });
  const problems = state.variants.map((v) => variantProblem(v, r.layerWidths));
  const canStart = !r.blocked && !busy && state.variants.length > 0 && problems.every((p) => p === null);
  app.replaceChildren(...[
    h('div', { class: 'toolbar', role: 'toolbar' }, pickButton(), h('span', { class: 'muted' }, 'Format'), format.element),
    h('h1', {}, `${r.run.name} #${r.run.id}`),
    h('p', { id: 'run-facts' }, h('span', { class: `status ${r.run.status}` }, r.run.status), ` · ${r.run.experimentName}`,
      r.testAccuracy !== null ? ` · test accuracy ${(r.testAccuracy * 100).toFixed(2)}%` : ''),
    r.blocked ? h('p', { class: 'hint error', id: 'blocked', role: 'alert' }, r.blocked) : null,
    h('h2', {}, 'Variants'),
    h('p', { class: 'muted' }, 'The FP32 model is always exported too, as the baseline every variant is compared with.'),
    h('div', { class: 'presets', role: 'group', 'aria-label': 'Presets' }, h('span', { class: 'muted' }, 'Presets:'),
      ...COMPRESS_PRESETS.map((p) => button(p.title, () => { state = { ...state, variants: p.variants.map((v) => ({ ...v })) }; save(); render(); }, { id: `preset-${p.id}`, title: p.detail }))),
    // the editor's columns outgrow a narrow editor group: it scrolls sideways like the report
    h('div', { class: 'table-scroll' }, variantsTable(problems)),
    h('div', { class: 'toolbar' },
      button('Add Variant', () => { if (state.variants.length < LIMITS.variants) { state = { ...state, variants: [...state.variants, { ...DEFAULT_VARIANT, quantize: 'int8' }] }; save(); render(); } }, { id: 'add-variant' }),
      startButton(canStart), busy ? button('Cancel', () => channel.post({ type: 'cancelExport' }), { id: 'cancel' }) : null),
    progressBox,
    failure ? h('p', { class: 'hint error', id: 'failure', role: 'alert' }, failure) : null,
    report ? reportView(report) : null,
  ].filter((n) => n !== null));
  renderProgress();
}

function startButton(enabled: boolean): HTMLElement {
  const b = button('Export', () => {
    if (!run || !enabled) return;
    busy = { message: 'Starting…', fraction: null };
    failure = null;
    channel.post({ type: 'startExport', runId: run.run.id, variants: state.variants, format: state.format });
    render();
  }, { id: 'start', appearance: 'primary', title: 'Export the FP32 model and every variant, then verify them in ONNX Runtime' });
  if (!enabled) b.setAttribute('disabled', '');
  return b;
}

function renderProgress(): void {
  if (!progressBox) return;
  if (!busy) { progressBox.replaceChildren(); return; }
  const track = h('span', { class: 'track' }, h('span', { class: 'fill' }));
  (track.firstChild as HTMLElement).style.width = `${Math.round((busy.fraction ?? 0) * 100)}%`;
  progressBox.replaceChildren(h('div', { class: 'progress' }, progressRing(), track, h('span', { id: 'progress-text' }, busy.message)));
}

function variantsTable(problems: (string | null)[]): HTMLElement {
  const rows = state.variants.map((v, i) => {
    const update = (patch: Partial<CompressVariant>) => {
      const next = [...state.variants];
      next[i] = { ...v, ...patch };
      state = { ...state, variants: next };
      save();
      render();
    };
    const pruneKind = select(PRUNE_CHOICES, v.prune === 0 && v.pruneKind !== 'nm' ? 'none' : v.pruneKind, `Pruning of variant ${i + 1}`, (value) =>
      update(value === 'none' ? { prune: 0, pruneKind: 'global', finetune: 0 } : value === 'nm' ? { pruneKind: 'nm', prune: 0.5 } : { pruneKind: value as CompressVariant['pruneKind'], prune: v.prune || 0.9 }));
    const sparsity = numberInput(Math.round(v.prune * 100), 0, 99, `Sparsity of variant ${i + 1} (%)`, (n) => update({ prune: n / 100 }));
    if (v.pruneKind === 'nm' || v.prune === 0) sparsity.disabled = true;
    const finetune = numberInput(v.finetune, 0, LIMITS.finetuneEpochs, `Fine-tuning epochs of variant ${i + 1}`, (n) => update({ finetune: n }));
    const quantize = select(QUANTIZE_CHOICES.map((q) => ({ value: q, label: q === 'none' ? 'fp32 (none)' : q })), v.quantize, `Quantization of variant ${i + 1}`, (value) => update({ quantize: value as CompressVariant['quantize'] }));
    const granularity = select(GRANULARITIES.map((g) => ({ value: g, label: g === 'tensor' ? 'per tensor' : g === 'channel' ? 'per channel' : 'per block' })), v.granularity,
      `Quantization granularity of variant ${i + 1}`, (value) => update({ granularity: value as CompressVariant['granularity'] }));
    granularity.disabled = v.quantize !== 'int8' && v.quantize !== 'int4';
    const block = numberInput(v.block, 8, LIMITS.blockSize, `Block size of variant ${i + 1}`, (n) => update({ block: n }));
    block.disabled = granularity.disabled || v.granularity !== 'block';
    const qat = numberInput(v.qat, 0, LIMITS.finetuneEpochs, `Quantization-aware fine-tuning epochs of variant ${i + 1}`, (n) => update({ qat: n }));
    qat.disabled = granularity.disabled && v.qat === 0;
    const remove = button('Remove', () => { state = { ...state, variants: state.variants.filter((_, j) => j !== i) }; save(); render(); }, { title: `Remove variant ${i + 1}` });
    return [
      h('tr', { 'data-variant': String(i) }, h('td', {}, pruneKind), h('td', {}, sparsity), h('td', {}, finetune), h('td', {}, quantize), h('td', {}, granularity), h('td', {}, block), h('td', {}, qat),
        h('td', { class: 'label' }, variantLabel(v)), h('td', {}, remove)),
      problems[i] ? h('tr', {}, h('td', { class: 'problem', colspan: '9', role: 'alert' }, problems[i]!)) : null,
    ];
  });
  return h('table', { class: 'variants', id: 'variants' },
    h('thead', {}, h('tr', {}, ...['pruning', 'sparsity %', 'fine-tune epochs', 'quantization', 'granularity', 'block', 'QAT epochs', 'variant', ''].map((t) => h('th', { ...(t === 'QAT epochs' ? { title: 'Quantization-aware fine-tuning (int8/int4): trains with the weights fake-quantized as exported' } : {}) }, t)))),
    h('tbody', {}, ...rows.flat().filter((r): r is HTMLTableRowElement => r !== null)));
}

function select(choices: { value: string; label: string }[], value: string, label: string, onChange: (value: string) => void): HTMLSelectElement {
  const el = h('select', { 'aria-label': label, title: label }, ...choices.map((c) => {
    const option = h('option', { value: c.value }, c.label);
    if (c.value === value) option.selected = true;
    return option;
  }));
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

function numberInput(value: number, min: number, max: number, label: string, onChange: (value: number) => void): HTMLInputElement {
  const el = h('input', { type: 'number', min: String(min), max: String(max), step: '1', value: String(value), 'aria-label': label, title: label });
  el.addEventListener('change', () => {
    const n = Math.round(Number(el.value));
    onChange(Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min);
  });
  return el;
}

function reportView(r: CompressReport): HTMLElement {
  const baseline = r.rows.find((row) => row.baseline);
  const front = new Set(paretoFront(r.rows));
  const pick = smallestWithin(r.rows, 1);
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
  const header = ['variant', 'size', 'of fp32', 'sparsity', 'parameters', 'test accuracy', 'Δ points', 'agrees with fp32', 'worst class Δ', 'latency b1 / b64 (ms)', 'checked in'];
  const rows = r.rows.map((row, i) => {
    const delta = baseline?.accuracy !== null && baseline?.accuracy !== undefined && row.accuracy !== null ? (row.accuracy - baseline.accuracy) * 100 : null;
    const worst = row.perClassDelta.length ? row.perClassDelta.reduce((a, b) => (b.delta < a.delta ? b : a)) : null;
    return h('tr', { class: [front.has(i) ? 'pareto' : '', i === pick ? 'pick' : ''].join(' ').trim(), 'data-row': row.label, title: row.note ?? '' },
      h('td', {}, row.label, i === pick ? ' ★' : ''),
      h('td', { class: 'num' }, formatBytes(row.fileBytes)),
      h('td', { class: 'num' }, baseline ? `${((row.fileBytes / baseline.fileBytes) * 100).toFixed(1)}%` : '—'),
      h('td', { class: 'num' }, `${(row.sparsity * 100).toFixed(1)}%`),
      h('td', { class: 'num' }, row.parameters.toLocaleString('en-US')),
      h('td', { class: 'num' }, pct(row.accuracy), row.ptqAccuracy !== null ? h('span', { class: 'muted', title: 'Plain post-training quantization of the same scheme' }, ` (PTQ ${pct(row.ptqAccuracy)})`) : null),
      h('td', { class: `num ${delta !== null && delta < 0 ? 'delta-neg' : ''}` }, delta === null || row.baseline ? '—' : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)}`),
      h('td', { class: 'num' }, pct(row.agreement)),
      h('td', { class: 'num' }, worst && !row.baseline ? `${worst.name} ${worst.delta >= 0 ? '+' : ''}${worst.delta.toFixed(1)}` : '—'),
      h('td', { class: 'num' }, `${formatNumber(row.latencyMs.batch1, 3)} / ${formatNumber(row.latencyMs.batch64, 3)}`),
      h('td', { class: row.verified === 'simulated' ? 'simulated' : '' }, row.verified === 'onnxruntime' ? 'ONNX Runtime' : 'simulated'));
  });
  const plotBox = h('div', { class: 'plot-box', id: 'pareto' });
  const notes = r.rows.filter((row) => row.note).map((row) => h('li', {}, h('strong', {}, `${row.label}: `), row.note!));
  const view = h('section', { id: 'report' },
    h('h2', {}, `Report · ${new Date(r.createdAt).toLocaleString()}`),
    h('div', { class: 'table-scroll' }, h('table', { class: 'report', id: 'report-table' }, h('thead', {}, h('tr', {}, ...header.map((t, i) => h('th', { class: i > 0 && i < 10 ? 'num' : '' }, t)))), h('tbody', {}, ...rows))),
    h('p', { class: 'muted' }, `◆ on the Pareto front (no variant is both smaller and more accurate)${pick >= 0 ? '; ★ the smallest within 1 point of FP32' : ''}.`),
    notes.length ? h('ul', { id: 'report-notes' }, ...notes) : null,
    h('h2', {}, 'Accuracy against size'), plotBox,
    h('div', { class: 'toolbar' },
      button('Open Folder', () => channel.post({ type: 'openFolder', runId: r.runId }), { id: 'open-folder', title: r.outDir }),
      button('Copy Command', () => channel.post({ type: 'copyCommand', runId: r.runId }), { id: 'copy-command', title: 'Copy the hyperlab export command that reproduces this report' })),
    h('pre', { class: 'command', id: 'command' }, r.command));
  redrawPareto = sizedCanvas(plotBox, 'Test accuracy against file size of every variant, Pareto front joined', (c) => { paretoPoints = drawPareto(c, r); }).redraw;
  return view;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

(window as unknown as { hyperlabCompress: unknown }).hyperlabCompress = {
  state: () => state,
  paretoPoints: () => paretoPoints,
  redraw: () => redrawPareto?.(),
};
