// The Gradient monitor: per-layer gradient norms over steps (log y), a layer × step heatmap,
// update-to-weight ratios, dead-ReLU fractions, and vanishing/exploding alerts whose remedies
// open the run's spec at the field to change.
import type { GradientAlert, GradientsRun, GradientsState, GradientsToWebview, LayerSeries, Remedy } from '../../src/core/webview/contract.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { LineChart, onChartTheme, type LineDataset } from '../shared/chart.ts';
import { button, checkbox, link } from '../shared/controls.ts';
import { h, placeholder } from '../shared/dom.ts';
import { readTheme } from '../shared/theme.ts';
import '../shared/panel.css';
import { drawHeatmap, formatNorm } from './heatmap.ts';

const MAX_STEPS = 600;
const app = document.getElementById('app')!;
let state: GradientsState = { runId: null, logY: true, hiddenLayers: [] };
let run: GradientsRun | null = null;
let hasSpec = false;
let data: { steps: number[]; layers: LayerSeries[]; alerts: GradientAlert[]; totalSteps: number } | null = null;
let charts: { grad: LineChart; ratio: LineChart; dead: LineChart } | undefined;
let view: ReturnType<typeof buildView> | undefined;

const channel = connectPanel('gradients', (message: GradientsToWebview) => {
  switch (message.type) {
    case 'run':
      run = message.run;
      hasSpec = message.hasSpec;
      state = { ...state, runId: run?.id ?? null };
      channel.saveState(state);
      data = null;
      render();
      if (run) channel.post({ type: 'requestLayerStats', runId: run.id, maxSteps: MAX_STEPS });
      return;
    case 'layerStats':
      if (message.runId !== run?.id) return;
      // The status comes with every refresh: the run may have ended (or failed) since the panel opened.
      run = message.run;
      data = message;
      draw();
      return;
    case 'changed':
      if (run && message.runIds.includes(run.id)) channel.post({ type: 'requestLayerStats', runId: run.id, maxSteps: MAX_STEPS });
      return;
    case 'notice':
      app.replaceChildren(placeholder(message.message, message.level));
      view = undefined;
      return;
  }
});
state = { ...state, ...channel.savedState() };

function buildView() {
  const title = h('h1', {});
  const summary = h('p', { class: 'muted', id: 'summary' });
  const alerts = h('div', { id: 'alerts', 'aria-live': 'polite' });
  const gradCanvas = h('canvas', { id: 'grad-chart', 'aria-label': 'Gradient norm per layer over steps' });
  const heatCanvas = h('canvas', { id: 'heatmap', role: 'img', 'aria-label': 'Heatmap of log10 gradient norm, layers by steps', tabindex: '0' });
  heatCanvas.style.width = '100%';
  const heatLegend = h('p', { class: 'muted', id: 'heat-legend' });
  const ratioCanvas = h('canvas', { id: 'ratio-chart', 'aria-label': 'Update to weight ratio per layer' });
  const deadCanvas = h('canvas', { id: 'dead-chart', 'aria-label': 'Dead ReLU fraction per layer' });
  const legend = h('ul', { class: 'legend', id: 'legend', 'aria-label': 'Layers (click to show or hide)' });
  const deadLegend = h('ul', { class: 'legend static', id: 'dead-legend', 'aria-label': 'ReLU layers' });
  const logY = checkbox('Log y', state.logY, (on) => { state = { ...state, logY: on }; channel.saveState(state); charts?.grad.setLogY(on); charts?.ratio.setLogY(on); }, 'log-y');
  const root = h('div', {},
    h('div', { class: 'toolbar', role: 'toolbar' }, button('Run…', () => channel.post({ type: 'pickRun' }), { id: 'pick-run', title: 'Choose the run' }), logY,
      button('Reset zoom', () => { charts?.grad.resetZoom(); charts?.ratio.resetZoom(); charts?.dead.resetZoom(); }, { id: 'reset-zoom' })),
    title, summary, alerts,
    h('h2', {}, 'Gradient norm per layer'), h('div', { class: 'chart-box' }, gradCanvas), legend,
    h('h2', {}, 'Layer × step heatmap (log₁₀ gradient norm)'), heatCanvas, heatLegend,
    h('div', { class: 'grid2' },
      h('section', {}, h('h2', {}, 'Update-to-weight ratio'), h('p', { class: 'muted' }, '‖Δw‖ / ‖w‖ per step; around 1e-3 is the usual healthy range.'), h('div', { class: 'chart-box small' }, ratioCanvas)),
      h('section', {}, h('h2', {}, 'Dead-ReLU fraction'), h('p', { class: 'muted' }, 'Share of ReLU units that output zero for the whole batch.'), h('div', { class: 'chart-box small' }, deadCanvas), deadLegend)));
  return { root, title, summary, alerts, gradCanvas, heatCanvas, heatLegend, ratioCanvas, deadCanvas, legend, deadLegend };
}

function render(): void {
  if (!run) {
    app.replaceChildren(h('div', { class: 'toolbar' }, button('Run…', () => channel.post({ type: 'pickRun' }), { id: 'pick-run' })),
      placeholder('No run selected. Choose one with "Run…", or right-click a run in the Run Explorer and pick "Show Gradient Monitor".'));
    view = undefined;
    for (const c of Object.values(charts ?? {})) c.destroy();
    charts = undefined;
    return;
  }
  if (!view) {
    view = buildView();
    app.replaceChildren(view.root);
    app.setAttribute('aria-busy', 'false');
    charts = {
      grad: new LineChart(view.gradCanvas, { xLabel: 'step', yLabel: 'gradient norm', logY: state.logY, integerX: true }),
      ratio: new LineChart(view.ratioCanvas, { xLabel: 'step', yLabel: 'update / weight', logY: state.logY, integerX: true }),
      dead: new LineChart(view.deadCanvas, { xLabel: 'step', yLabel: 'fraction', integerX: true, formatY: (v) => `${Math.round(v * 100)}%` }),
    };
  }
  view.title.textContent = `${run.name} #${run.id}`;
  view.summary.textContent = `${runStatus(run)} · waiting for layer statistics…`;
}

/** "experiment · status", then ": reason" when the store says why the run stopped (its text has parentheses of its own). */
function runStatus(shown: GradientsRun): string {
  return `${shown.experimentName} · ${shown.status}${shown.reason ? `: ${shown.reason}` : ''}`;
}

function datasets(pick: (l: LayerSeries) => (number | null)[]): LineDataset[] {
  const palette = readTheme().palette;
  return (data?.layers ?? []).map((layer, i) => ({
    label: layer.name,
    data: data!.steps.flatMap((x, j) => { const y = pick(layer)[j]; return y === null || y === undefined ? [] : [{ x, y }]; }),
    borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], hidden: state.hiddenLayers.includes(layer.name), borderWidth: 1.75,
  }));
}

function draw(): void {
  if (!view || !charts || !data || !run) return;
  const n = data.steps.length;
  view.summary.textContent = n === 0
    ? `${runStatus(run)} · no layer statistics yet (the engine reports them every train.statsEvery steps).`
    : `${runStatus(run)} · ${data.layers.length} layers · ${data.totalSteps} samples (steps ${data.steps[0]}–${data.steps[n - 1]})${data.totalSteps > n ? `, ${n} drawn` : ''}`;
  charts.grad.setDatasets(datasets((l) => l.gradNorm));
  charts.ratio.setDatasets(datasets((l) => l.updateRatio));
  const dead = datasets((l) => l.deadFraction).filter((d) => d.data.length > 0);
  charts.dead.setDatasets(dead);
  view.deadCanvas.parentElement!.parentElement!.hidden = false;
  if (dead.length === 0) view.deadCanvas.setAttribute('data-empty', 'true');
  const range = drawHeatmap(view.heatCanvas, data);
  view.heatLegend.textContent = n ? `Color: gradient norm on a log scale, ${formatNorm(10 ** range.lo)} (blue) to ${formatNorm(10 ** range.hi)} (red).` : '';
  view.deadLegend.replaceChildren(...dead.map((d) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = String(d.borderColor);
    return h('li', {}, swatch, String(d.label));
  }));
  renderLegend();
  renderAlerts();
}

function renderLegend(): void {
  if (!view || !data) return;
  const palette = readTheme().palette;
  view.legend.replaceChildren(...data.layers.map((layer, i) => {
    const shown = !state.hiddenLayers.includes(layer.name);
    const b = h('button', { type: 'button', 'aria-pressed': String(shown), 'data-layer': layer.name }, h('span', { class: 'swatch' }), layer.name);
    (b.firstChild as HTMLElement).style.background = palette[i % palette.length]!;
    b.addEventListener('click', () => {
      state = { ...state, hiddenLayers: shown ? [...state.hiddenLayers, layer.name] : state.hiddenLayers.filter((n) => n !== layer.name) };
      channel.saveState(state);
      draw();
    });
    return h('li', {}, b);
  }));
}

function renderAlerts(): void {
  if (!view || !data || !run) return;
  const runId = run.id;
  if (data.alerts.length === 0) {
    view.alerts.replaceChildren(data.steps.length ? h('p', { class: 'hint', role: 'status' }, 'No vanishing or exploding gradients in the latest statistics.') : '');
    return;
  }
  view.alerts.replaceChildren(...data.alerts.map((alert) => h('div', { class: `hint ${alert.kind === 'exploding' ? 'error' : 'warn'}`, role: 'alert', 'data-kind': alert.kind },
    h('strong', {}, alert.message),
    h('ul', {}, ...alert.remedies.map((r) => h('li', {}, h('strong', {}, r.title), ` — ${r.detail} `,
      remedyField(runId, r)))),
    h('p', { class: 'muted' }, `Seen at step ${alert.step}${alert.layers.length ? ` in ${alert.layers.length === 1 ? 'layer' : 'layers'} ${alert.layers.join(', ')}` : ''}`))));
}

/** The spec field a remedy changes: a link into the spec when the run has one, else its name; nothing for a script's run. */
function remedyField(runId: number, remedy: Remedy): HTMLElement | string {
  const field = remedy.field;
  if (field === undefined) return '';
  return hasSpec ? link(`Open ${field} in the spec`, () => channel.post({ type: 'openSpecField', runId, field }), `Open the run's spec at ${field}`) : h('span', { class: 'muted' }, `(${field})`);
}

onChartTheme(() => draw());
window.addEventListener('resize', () => { if (view && data) drawHeatmap(view.heatCanvas, data); });

(window as unknown as { hyperlabGradients: unknown }).hyperlabGradients = {
  state: () => state,
  alerts: () => data?.alerts ?? [],
  datasets: () => charts?.grad.chart.data.datasets.map((d) => ({ label: d.label, hidden: !!d.hidden, points: d.data.length })) ?? [],
  logY: () => charts?.grad.isLogY ?? false,
};
