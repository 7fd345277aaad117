// The Curves panel: the selected runs' metric against step, epoch or time; EMA smoothing with
// the raw curve faint behind; log y; zoom/pan/reset; legend toggles; train vs validation with
// the gap shaded and an over/under-fitting hint. Live: a `changed` push triggers a new request.
import type { CurvesState, CurvesToWebview, RunRef, XAxis } from '../../src/core/webview/contract.ts';
import { bucketsWithinBudget } from '../../src/core/webview/request-budget.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { LineChart, onChartTheme, type LineDataset } from '../shared/chart.ts';
import { button, checkbox, dropdown, slider, textField } from '../shared/controls.ts';
import { h, placeholder } from '../shared/dom.ts';
import { readTheme } from '../shared/theme.ts';
import '../shared/panel.css';
import { unpackSeries, type CurveColumns } from './columns.ts';
import { emptyNote } from './empty-note.ts';
import { colorAt, curveLines } from './lines.ts';
import { pairOf } from './pairs.ts';
import { MIN_POINTS_TO_SMOOTH } from './smoothing.ts';

const X_LABELS: Record<XAxis, string> = { step: 'step', epoch: 'epoch', time: 'seconds since start' };
const PREFERRED_METRICS = ['epoch.train.loss', 'epoch.val.loss', 'loss', 'train.loss', 'train_loss'];

const app = document.getElementById('app')!;
let state: CurvesState = { runIds: [], metric: null, x: 'step', logY: false, smoothing: 0.6, hidden: [] };
let runs: RunRef[] = [];
let keys: string[] = [];
let series: CurveColumns[] = [];
let requestId = 0;
let chart: LineChart | undefined;
let view: ReturnType<typeof buildView> | undefined;

const channel = connectPanel('curves', (message: CurvesToWebview) => {
  switch (message.type) {
    case 'runs':
      runs = message.runs;
      keys = message.keys;
      state = { ...state, runIds: runs.map((r) => r.id), metric: chooseMetric(state.metric, keys, runs.some((r) => r.status === 'running')), hidden: state.hidden.filter((id) => runs.some((r) => r.id === id)) };
      save();
      render();
      request();
      return;
    case 'series':
      if (message.requestId !== requestId) return; // a newer request is on its way
      performance.mark('hyperlab:curves-series');
      view?.tooMuch.replaceChildren();
      series = message.series.map(unpackSeries);
      draw();
      // Marks for the dashboard benchmark: the draw's own cost, and the frame that shows it.
      performance.mark('hyperlab:curves-drawn');
      requestAnimationFrame(() => performance.mark('hyperlab:curves-frame'));
      return;
    case 'changed':
      if (message.runIds.some((id) => state.runIds.includes(id))) request();
      return;
    case 'notice':
      app.replaceChildren(placeholder(message.message, message.level));
      view = undefined;
      return;
    case 'tooMuch':
      if (message.requestId !== requestId) return;
      showTooMuch(message.message);
      return;
  }
});
state = { ...state, ...channel.savedState() };

function save(): void {
  channel.saveState(state);
}

/** Step-level losses first while a run trains (an epoch-level curve has a point per epoch); the epoch pair stays in the picker. */
const LIVE_METRICS = ['loss', 'train.loss', 'train_loss'];

function chooseMetric(current: string | null, available: string[], live: boolean): string | null {
  if (current && available.includes(current)) return current;
  return (live ? LIVE_METRICS.find((k) => available.includes(k)) : undefined) ?? PREFERRED_METRICS.find((k) => available.includes(k)) ?? available[0] ?? null;
}

function request(): void {
  if (!state.metric || state.runIds.length === 0) return;
  const pair = pairOf(state.metric, keys);
  const wanted = pair ? [pair.train, pair.val] : [state.metric];
  requestId++;
  // One bucket per device pixel of the plot: finer detail cannot be seen, and each extra point
  // costs the host's query, the transfer and the draw (20 runs: ~1/3 of the time at 1.5×).
  const perPixel = Math.max(200, Math.min(2000, Math.round((chart?.canvas.clientWidth ?? 1000) * Math.min(2, window.devicePixelRatio || 1))));
  // Within the host's budget for one request (more curves: fewer points each).
  const buckets = bucketsWithinBudget(new Set(state.runIds).size * wanted.length, perPixel);
  performance.mark('hyperlab:curves-request');
  channel.post({ type: 'requestSeries', requestId, runIds: state.runIds, keys: wanted, x: state.x, buckets });
}

function buildView() {
  const metric = dropdown('Metric', [], null, (value) => { state = { ...state, metric: value }; save(); request(); }, 'metric');
  const xAxis = dropdown('X axis', (['step', 'epoch', 'time'] as XAxis[]).map((x) => ({ value: x, label: `x: ${X_LABELS[x]}` })), state.x,
    (value) => { state = { ...state, x: value as XAxis }; save(); chart?.resetZoom(); chart?.setXLabel(X_LABELS[state.x]); request(); }, 'x-axis');
  // Redrawn, not just rescaled: the gap's shading is decided in the axis' space (see gap-side.ts).
  const logY = checkbox('Log y', state.logY, (on) => { state = { ...state, logY: on }; save(); chart?.setLogY(on); draw(); }, 'log-y');
  const smoothing = slider('Smoothing', { min: 0, max: 0.99, step: 0.01 }, state.smoothing,
    (value) => { state = { ...state, smoothing: value }; save(); draw(); }, (v) => v.toFixed(2), 'smoothing');
  const reset = button('Reset zoom', () => chart?.resetZoom(), { id: 'reset-zoom', title: 'Reset zoom (double-click the chart, or press 0)' });
  const pick = button('Runs…', () => channel.post({ type: 'pickRuns' }), { id: 'pick-runs', title: 'Choose the runs to show' });
  const filter = textField('Filter runs by name…', '', () => {}, 'filter-runs');
  filter.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') channel.post({ type: 'filterRuns', text: (filter as HTMLInputElement).value ?? '' });
  });
  const legend = h('ul', { class: 'legend', id: 'legend', 'aria-label': 'Runs (click to show or hide)' });
  const hint = h('div', { id: 'fit-hint', 'aria-live': 'polite' });
  const empty = h('div', { id: 'curves-empty', role: 'status' });
  const tooMuch = h('div', { id: 'too-much' });
  const styleKey = h('p', { class: 'muted', id: 'style-key' });
  const canvas = h('canvas', { id: 'curves-chart', 'aria-label': 'Metric curves. Wheel or +/- to zoom, drag or arrows to pan, 0 to reset.' });
  const box = h('div', { class: 'chart-box' }, canvas);
  const root = h('div', {},
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Curves options' },
      h('div', { class: 'group' }, pick, filter), h('div', { class: 'group' }, metric.element, xAxis.element), logY, smoothing.element, reset),
    tooMuch, empty, box, styleKey, legend, hint);
  return { root, metric, legend, hint, empty, tooMuch, styleKey, canvas };
}

function render(): void {
  if (runs.length === 0) {
    app.replaceChildren(h('div', { class: 'toolbar' }, button('Runs…', () => channel.post({ type: 'pickRuns' }), { id: 'pick-runs' })),
      placeholder('No runs selected. Choose runs with "Runs…", or right-click runs in the Run Explorer and pick "Show Curves".'));
    chart?.destroy();
    chart = undefined;
    view = undefined;
    return;
  }
  if (!view) {
    view = buildView();
    app.replaceChildren(view.root);
    app.setAttribute('aria-busy', 'false');
    chart = new LineChart(view.canvas, { xLabel: X_LABELS[state.x], logY: state.logY });
  }
  // A train/val pair is one choice ("epoch.{train,val}.loss"), listed under its train key.
  const choices = keys.filter((k) => pairOf(k, keys)?.val !== k).map((k) => ({ value: k, label: metricLabel(k) }));
  const selected = state.metric ? (pairOf(state.metric, keys)?.train ?? state.metric) : null;
  view.metric.setChoices(choices, selected);
  renderLegend();
  // No metric at all (every run queued, or none reported yet): no request follows, say why.
  if (!state.metric) showEmpty();
}

/** A metric as the picker and the y axis name it: a train/validation pair as "epoch.{train,val}.loss". */
function metricLabel(key: string): string {
  const pair = pairOf(key, keys);
  return pair ? pair.train.replace(/(^|[._\-/])train([._\-/]|$)/i, '$1{train,val}$2') : key;
}

/** Explains the runs that have nothing drawn (queued, not reported yet, never recorded). */
function showEmpty(): void {
  if (!view) return;
  const notes = emptyNote(runs, state.metric ? series : [], state.metric);
  view.empty.replaceChildren(...notes.map((text) => h('p', { class: 'placeholder' }, text)));
}

/**
 * The host refused the request as too much at once: nothing is drawn (the last curves would be
 * of another selection), the toolbar stays so the user can pick fewer runs.
 */
function showTooMuch(text: string): void {
  if (!view) {
    app.replaceChildren(placeholder(text, 'error'));
    return;
  }
  series = [];
  chart?.setLines([]);
  view.canvas.setAttribute('data-empty', 'true');
  view.hint.replaceChildren();
  view.empty.replaceChildren();
  view.styleKey.textContent = '';
  view.tooMuch.replaceChildren(placeholder(text, 'error'));
}

function renderLegend(): void {
  if (!view) return;
  const palette = readTheme().palette;
  view.legend.replaceChildren(...runs.map((run, index) => {
    const shown = !state.hidden.includes(run.id);
    const toggle = h('button', { type: 'button', 'aria-pressed': String(shown), 'data-run-id': String(run.id), title: `${shown ? 'Hide' : 'Show'} ${run.name}` },
      h('span', { class: 'swatch' }), `${run.name} #${run.id}`, h('span', { class: `status ${run.status}` }, run.status === 'running' ? '● running' : ''));
    (toggle.firstChild as HTMLElement).style.background = colorAt(index, palette);
    toggle.addEventListener('click', () => {
      state = { ...state, hidden: shown ? [...state.hidden, run.id] : state.hidden.filter((id) => id !== run.id) };
      save();
      renderLegend();
      draw();
    });
    return h('li', {}, toggle);
  }));
}

function draw(): void {
  if (!chart || !view || !state.metric) return;
  const pair = pairOf(state.metric, keys);
  const { lines, hints, unsmoothed, faint } = curveLines(runs, series, state, pair, readTheme());
  chart.setLines(lines);
  chart.setYLabel(`${metricLabel(state.metric)}${state.logY ? ' (log scale)' : ''}`);
  const shortNote = unsmoothed ? ` · series under ${MIN_POINTS_TO_SMOOTH} points are drawn unsmoothed` : '';
  view.styleKey.textContent = (pair
    ? `Solid: ${pair.train} · dashed: ${pair.val} · shaded: the gap between them${faint ? ' · faint: raw values' : ''}`
    : faint ? 'Faint: raw values; bold: smoothed (EMA, debiased)' : '') + shortNote;
  view.hint.replaceChildren(...hints.map((text) => h('p', { class: 'hint warn', role: 'note' }, text)));
  const empty = series.length === 0;
  view.canvas.setAttribute('data-empty', String(empty));
  showEmpty();
}

onChartTheme(() => {
  renderLegend();
  draw();
});

/** Read-only view of what is drawn, for component tests and people debugging in devtools. */
(window as unknown as { hyperlabCurves: unknown }).hyperlabCurves = {
  state: () => state,
  datasets: () => [
    ...(chart?.chart.data.datasets.map((d, i) => ({ label: d.label, hidden: !!d.hidden, quiet: !!(d as LineDataset).quiet, points: d.data.length,
      first: d.data[0] ?? null, last: d.data[d.data.length - 1] ?? null, fill: chart!.isFilled(chart!.lineIds[i] ?? '') })) ?? []),
    // The faint raw lines, stroked behind the datasets (see LineSpec.plain).
    ...(chart?.plainLines.map((p) => ({ label: p.label, hidden: false, quiet: true, points: p.xs.length,
      first: p.xs.length ? { x: p.xs[0]!, y: p.ys[0]! } : null, last: p.xs.length ? { x: p.xs[p.xs.length - 1]!, y: p.ys[p.ys.length - 1]! } : null, fill: false })) ?? []),
  ],
  /** Each drawn dataset's stroke color and its points in canvas (CSS) pixels. */
  linePixels: () => chart?.chart.data.datasets.map((d, i) => ({ label: d.label, color: String(d.borderColor),
    points: chart!.chart.getDatasetMeta(i).data.map((e) => ({ x: e.x, y: e.y })) })) ?? [],
  xRange: () => chart?.xRange ?? null,
  scaleX: () => (chart ? { min: chart.chart.scales['x']!.min, max: chart.chart.scales['x']!.max } : null),
  logY: () => chart?.isLogY ?? false,
  yLabel: () => chart?.yLabel ?? '',
  hints: () => [...(view?.hint.querySelectorAll('.hint') ?? [])].map((e) => e.textContent),
  emptyNotes: () => [...(view?.empty.querySelectorAll('p') ?? [])].map((e) => e.textContent),
  tooMuch: () => view?.tooMuch.textContent ?? '',
};
