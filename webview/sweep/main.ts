// The Sweep dashboard: one sweep's optimization history, the intermediate values with the
// pruner's rungs, a slice plot per parameter, a contour of two chosen parameters, the timeline of
// trials per worker, parameter importance, and the best trial with "Run it again" and "Open in
// Comparison". Live: the host says `changed` while the sweep runs and the panel asks again.
import type { SweepParam, SweepState, SweepToWebview, SweepView } from '../../src/core/webview/contract.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { sizedCanvas } from '../shared/canvas.ts';
import { button, checkbox, dropdown } from '../shared/controls.ts';
import { formatNumber, h, placeholder } from '../shared/dom.ts';
import { readTheme } from '../shared/theme.ts';
import '../shared/panel.css';
import './sweep.css';
import { drawContour, type ContourRange } from './contour.ts';
import { drawHistory, type PlacedPoint } from './history.ts';
import { drawIntermediate } from './intermediate.ts';
import { LEGEND_STATUSES, trialLook } from './marks.ts';
import { drawSlice } from './slice.ts';
import { drawTimeline } from './timeline.ts';

const app = document.getElementById('app')!;
let state: SweepState = { sweepId: null, contourX: null, contourY: null, slice: null, logY: false };
let data: SweepView | null = null;
let view: ReturnType<typeof buildView> | undefined;
let historyPoints: PlacedPoint[] = [];
let contourRange: ContourRange | null = null;

const channel = connectPanel('sweep', (message: SweepToWebview) => {
  switch (message.type) {
    case 'sweep':
      data = message.view;
      if (data) state = { ...state, sweepId: data.sweep.id };
      channel.saveState(state);
      render();
      return;
    case 'changed':
      if (state.sweepId !== null) channel.post({ type: 'requestSweep', sweepId: state.sweepId });
      return;
    case 'notice':
      app.replaceChildren(h('div', { class: 'toolbar' }, pickButton()), placeholder(message.message, message.level));
      view = undefined;
      return;
  }
});
state = { ...state, ...channel.savedState() };

function pickButton(): HTMLElement {
  return button('Sweep…', () => channel.post({ type: 'pickSweep' }), { id: 'pick-sweep', title: 'Choose the sweep to show' });
}

function buildView() {
  const title = h('h1', { id: 'title' });
  const facts = h('div', { class: 'facts', id: 'facts', role: 'status' });
  const historyBox = h('div', { class: 'plot-box', id: 'history' });
  const tip = h('div', { class: 'plot-tip', hidden: '' });
  historyBox.append(tip);
  const intermediateBox = h('div', { class: 'plot-box', id: 'intermediate' });
  const intermediateNote = h('p', { class: 'muted', id: 'intermediate-note' });
  const slices = h('div', { class: 'slices', id: 'slices' });
  const contourBox = h('div', { class: 'plot-box', id: 'contour' });
  const contourLegend = h('p', { class: 'muted contour-legend', id: 'contour-legend' });
  const timelineBox = h('div', { class: 'plot-box short', id: 'timeline' });
  const importance = h('div', { id: 'importance' });
  const best = h('div', { id: 'best' });
  const contourX = dropdown('Contour x parameter', [], null, (v) => { state = { ...state, contourX: v }; channel.saveState(state); redrawAll(); }, 'contour-x');
  const contourY = dropdown('Contour y parameter', [], null, (v) => { state = { ...state, contourY: v }; channel.saveState(state); redrawAll(); }, 'contour-y');
  const logY = checkbox('Log y', state.logY, (on) => { state = { ...state, logY: on }; channel.saveState(state); redrawAll(); }, 'log-y');
  const root = h('div', {},
    h('div', { class: 'toolbar', role: 'toolbar' }, pickButton(), logY,
      button('Open in Comparison', () => data && channel.post({ type: 'openInComparison', sweepId: data.sweep.id }), { id: 'open-comparison' })),
    title, facts,
    h('h2', {}, 'Optimization history'), historyBox, statusLegend(),
    h('h2', {}, 'Intermediate values'), intermediateNote, intermediateBox,
    h('h2', {}, 'Slices: the objective against each parameter'), slices,
    h('h2', {}, 'Contour'), h('div', { class: 'toolbar' }, h('span', {}, 'x'), contourX.element, h('span', {}, 'y'), contourY.element), contourBox, contourLegend,
    h('h2', {}, 'Timeline of trials per worker'), timelineBox,
    h('h2', {}, 'Parameter importance'), importance,
    h('h2', {}, 'Best trial'), best);
  return { root, title, facts, historyBox, tip, intermediateBox, intermediateNote, slices, contourBox, contourLegend, timelineBox, importance, best, contourX, contourY, canvases: null as null | Canvases };
}

interface Canvases { history: () => void; intermediate: () => void; contour: () => void; timeline: () => void; slices: (() => void)[]; sliceKey: string }

function statusLegend(): HTMLElement {
  const theme = readTheme();
  return h('ul', { class: 'status-legend', 'aria-label': 'Trial status colors' },
    ...LEGEND_STATUSES.map((status) => {
      const look = trialLook(status, theme);
      const dot = h('span', { class: 'dot' });
      dot.style.color = look.color;
      if (look.shape === 'dot') dot.style.background = look.color;
      return h('li', {}, dot, look.label);
    }),
    h('li', {}, bestSwatch(theme.palette[1] ?? theme.foreground), 'best so far (line), best trial (circled)'));
}

function bestSwatch(color: string): HTMLElement {
  const swatch = h('span', { class: 'swatch' });
  swatch.style.background = color;
  return swatch;
}

function render(): void {
  if (!data) {
    app.replaceChildren(h('div', { class: 'toolbar' }, pickButton()),
      placeholder('No sweep selected. Start one with "Hyperlab: Run Sweep" on a spec with a search section, or choose one with "Sweep…".'));
    view = undefined;
    return;
  }
  if (!view) {
    view = buildView();
    app.replaceChildren(view.root);
    const v = view;
    v.canvases = {
      history: sizedCanvas(v.historyBox, 'Objective of each trial in order, with the best so far', (c) => { if (data) historyPoints = drawHistory(c, data, state.logY); }).redraw,
      intermediate: sizedCanvas(v.intermediateBox, 'Intermediate objective values of every trial, with the pruner rungs', (c) => { if (data) drawIntermediate(c, data, state.logY); }).redraw,
      contour: sizedCanvas(v.contourBox, 'Contour of the objective over two parameters', (c) => { drawContourNow(c); }).redraw,
      timeline: sizedCanvas(v.timelineBox, 'Trials per worker over time', (c) => { if (data) drawTimeline(c, data, Date.now()); }).redraw,
      slices: [],
      sliceKey: '',
    };
    wireHistoryHover(v);
  }
  fill();
}

function drawContourNow(c: Parameters<typeof drawContour>[0]): void {
  if (!data) return;
  const [px, py] = contourParams(data);
  contourRange = px && py ? drawContour(c, data, px, py) : null;
  if (view) {
    const theme = readTheme();
    if (!px || !py) view.contourLegend.textContent = 'A contour needs two searched parameters.';
    else if (!contourRange) view.contourLegend.textContent = 'No finished trial yet.';
    else {
      const good = h('span', { class: 'swatch' });
      good.style.background = theme.palette[0]!;
      const bad = h('span', { class: 'swatch' });
      bad.style.background = theme.palette[1] ?? theme.error;
      view.contourLegend.replaceChildren(`${contourRange.trials} finished trials; background interpolated (inverse-distance weighting).`, good,
        `best ${formatNumber(contourRange.best)}`, bad, `worst ${formatNumber(contourRange.worst)}`);
    }
  }
}

function contourParams(d: SweepView): [SweepParam | undefined, SweepParam | undefined] {
  const find = (path: string | null) => d.params.find((p) => p.path === path);
  const ranked = [...d.importance.map((i) => i.path), ...d.params.map((p) => p.path)].filter((p, i, all) => all.indexOf(p) === i);
  const px = find(state.contourX) ?? find(ranked[0] ?? null);
  const py = find(state.contourY !== px?.path ? state.contourY : null) ?? find(ranked.find((p) => p !== px?.path) ?? null);
  return [px, py];
}

function fill(): void {
  if (!view || !data) return;
  const d = data;
  const counts = new Map<string, number>();
  for (const t of d.trials) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const best = d.trials.find((t) => t.runId === d.bestRunId);
  view.title.textContent = `${d.sweep.name} · sweep #${d.sweep.id}`;
  view.facts.replaceChildren(
    fact('status', d.sweep.status),
    fact('method', `${d.sweep.method}${d.sweep.pruner ? ` + ${d.sweep.pruner}` : ''}`),
    fact('trials', `${d.trials.length}${d.sweep.budgetTrials !== null ? ` of ${d.sweep.budgetTrials}` : ''} (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none yet'})`),
    fact('parallelism', String(d.sweep.parallelism)),
    fact('objective', `${d.sweep.objective.direction} ${d.sweep.objective.metric} (${d.sweep.objective.value})`),
    fact('best', best ? `${formatNumber(best.value)} (trial ${best.number}, run #${best.runId})` : '—'));
  view.intermediateNote.textContent = d.sweep.rungs.length
    ? `Dashed verticals are the pruner's rungs: at each, a trial continues only if it is among the best 1/η of the trials that reached it. Pruned trials are dashed.`
    : d.sweep.pruner ? `The ${d.sweep.pruner} pruner compares each trial with the others at the same ${d.sweep.resource}.` : 'No pruner: every trial runs to its end.';
  const [px, py] = contourParams(d);
  const choices = d.params.map((p) => ({ value: p.path, label: p.path }));
  view.contourX.setChoices(choices, px?.path ?? null);
  view.contourY.setChoices(choices, py?.path ?? null);
  fillSlices(d);
  view.importance.replaceChildren(importanceList(d));
  view.best.replaceChildren(bestView(d));
  redrawAll();
}

function fact(name: string, value: string): HTMLElement {
  return h('span', { 'data-fact': name }, h('span', { class: 'muted' }, `${name} `), h('strong', {}, value));
}

function fillSlices(d: SweepView): void {
  if (!view?.canvases) return;
  const key = d.params.map((p) => `${p.path}:${p.log}:${p.categorical}`).join('|');
  if (key === view.canvases.sliceKey) return;
  view.canvases.sliceKey = key;
  view.slices.replaceChildren();
  view.canvases.slices = d.params.map((param) => {
    const box = h('div', { class: 'plot-box slice', 'data-param': param.path });
    view!.slices.append(h('section', {}, h('h3', {}, param.path), box));
    return sizedCanvas(box, `Objective against ${param.path}`, (c) => {
      const current = data?.params.find((p) => p.path === param.path);
      if (data && current) drawSlice(c, data, current, state.logY);
    }).redraw;
  });
}

function importanceList(d: SweepView): HTMLElement {
  const method = h('p', { class: 'muted', id: 'importance-method' }, `Method: ${d.importanceMethod}`);
  const finished = d.trials.filter((t) => t.status === 'finished' && t.value !== null).length;
  if (d.importance.length === 0) return h('div', {}, h('p', { class: 'placeholder' }, `Not enough finished trials (${finished}) with different parameter values to tell what matters.`), method);
  return h('div', {},
    h('ol', { class: 'importance', 'aria-label': 'Parameter importance' }, ...d.importance.map((item) => {
      const fillBar = h('span', { class: 'bar-fill' });
      fillBar.style.width = `${Math.max(0.5, item.score * 100)}%`;
      return h('li', { class: 'importance-row', 'data-param': item.path }, h('span', { class: 'bar-name' }, item.path), h('span', { class: 'bar' }, fillBar),
        h('span', { class: 'bar-value' }, `${Math.round(item.score * 1000) / 10}%`));
    })), method);
}

function bestView(d: SweepView): HTMLElement {
  const best = d.trials.find((t) => t.runId === d.bestRunId);
  if (!best) return h('p', { class: 'placeholder' }, 'No trial has finished yet.');
  const rows = Object.entries(best.params).map(([path, value]) => h('tr', {}, h('th', {}, path), h('td', { class: typeof value === 'number' ? 'num' : '' }, typeof value === 'number' ? formatNumber(value, 6) : String(value))));
  return h('div', {},
    h('p', {}, `Trial ${best.number} (run #${best.runId}, ${best.name}): ${d.sweep.objective.metric} = ${formatNumber(best.value, 6)}`),
    h('table', { id: 'best-params' }, ...rows),
    h('div', { class: 'toolbar' },
      button('Run It Again', () => channel.post({ type: 'runBestAgain', sweepId: d.sweep.id }), { id: 'run-again', appearance: 'primary', title: 'Start a new run of the experiment with these parameters' }),
      button('Open Run', () => channel.post({ type: 'openRun', runId: best.runId }), { id: 'open-best', title: 'Open the best trial in Run Details' })),
    d.bestSpec ? h('details', {}, h('summary', {}, 'Spec of the best trial'), h('pre', { class: 'best-spec', id: 'best-spec' }, d.bestSpec)) : null);
}

function redrawAll(): void {
  const c = view?.canvases;
  if (!c) return;
  c.history();
  c.intermediate();
  c.contour();
  c.timeline();
  for (const s of c.slices) s();
}

function wireHistoryHover(v: NonNullable<typeof view>): void {
  const canvas = v.historyBox.querySelector('canvas')!;
  const nearest = (x: number, y: number) => {
    let found: PlacedPoint | undefined;
    let distance = 64;
    for (const p of historyPoints) {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < distance) { distance = d; found = p; }
    }
    return found;
  };
  canvas.addEventListener('pointermove', (e) => {
    const p = nearest(e.offsetX, e.offsetY);
    const trial = p && data?.trials.find((t) => t.runId === p.runId);
    if (!p || !trial) { v.tip.hidden = true; canvas.style.cursor = ''; return; }
    canvas.style.cursor = 'pointer';
    v.tip.hidden = false;
    v.tip.textContent = `trial ${trial.number} · ${trial.status} · ${formatNumber(trial.value)} · ${Object.entries(trial.params).map(([k, val]) => `${k.split('.').pop()}=${typeof val === 'number' ? formatNumber(val) : String(val)}`).join(', ')}`;
    v.tip.style.left = `${Math.min(p.x + 12, v.historyBox.clientWidth - v.tip.offsetWidth - 4)}px`;
    v.tip.style.top = `${Math.max(0, p.y - 28)}px`;
  });
  canvas.addEventListener('pointerleave', () => { v.tip.hidden = true; });
  canvas.addEventListener('click', (e) => {
    const p = nearest(e.offsetX, e.offsetY);
    if (p) channel.post({ type: 'openRun', runId: p.runId });
  });
}

// The timeline's running bars grow with the clock even between store changes.
setInterval(() => { if (data?.sweep.status === 'running') view?.canvases?.timeline(); }, 2000);

(window as unknown as { hyperlabSweep: unknown }).hyperlabSweep = {
  state: () => state,
  view: () => data,
  historyPoints: () => historyPoints,
  contour: () => contourRange,
  contourParams: () => (data ? contourParams(data).map((p) => p?.path ?? null) : [null, null]),
};
