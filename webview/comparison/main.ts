// The Comparison panel: a virtualized run table (sort, filter, columns, groups), parallel
// coordinates whose brushes write into the filter, a parameter-vs-metric scatter, parameter
// importance and two runs' spec diff. The host sends the dataset once per `ready`/`changed`;
// everything else is computed here, in memory.
import '../shared/panel.css';
import './comparison.css';
import { filterRanges, parseFilter, withRange } from '../../src/core/compare/filter.ts';
import { parameterImportance } from '../../src/core/compare/importance.ts';
import type { SpecDiffRow } from '../../src/core/compare/spec-diff.ts';
import { bestRun, defaultColumns, defaultSort, nextSort, tableView, type TableView } from '../../src/core/compare/table-model.ts';
import type { CompareColumn, CompareDataset } from '../../src/core/compare/types.ts';
import type { ComparisonState, ComparisonToWebview, RunRef } from '../../src/core/webview/contract.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { button, checkbox, dropdown, textField, type Choice } from '../shared/controls.ts';
import { h, placeholder } from '../shared/dom.ts';
import { ParallelCoordinates } from './parallel.ts';
import { RunTable } from './run-table.ts';
import { Scatter } from './scatter.ts';
import { diffView, importanceView } from './side-views.ts';

performance.mark('hyperlab:comparison-script');
const MAX_AXES = 8;
const INITIAL: ComparisonState = { columns: null, sort: null, filter: '', groupBy: null, objective: null, scatterX: null, scatterY: null, experiment: null };

const app = document.getElementById('app')!;
const channel = connectPanel('comparison', receive);
let state: ComparisonState = { ...INITIAL, ...(channel.savedState() ?? {}) };
let dataset: CompareDataset | null = null;
let byId = new Map<string, CompareColumn>();
let view: TableView = { rows: [], matched: [], errors: [] };
let collapsed: string[] = [];
let selected: number[] = [];
let diff: { left: RunRef; right: RunRef; rows: SpecDiffRow[] } | null = null;
let onlyChanges = true;
let painted = false;
let ui: ReturnType<typeof buildLayout> | null = null;

function receive(message: ComparisonToWebview): void {
  switch (message.type) {
    case 'dataset':
      if (!dataset) performance.mark('hyperlab:comparison-dataset');
      loadDataset(message.dataset, message.experiment, message.experiments, message.total, message.truncated);
      return;
    case 'specDiff':
      diff = { left: message.left, right: message.right, rows: message.rows };
      renderDiff();
      return;
    case 'changed':
      channel.post({ type: 'requestDataset', experiment: state.experiment });
      return;
    case 'notice':
      if (!dataset) app.replaceChildren(placeholder(message.message, message.level));
      else ui?.notice.replaceChildren(message.message);
  }
}

function loadDataset(next: CompareDataset, experiment: string | null, experiments: string[], total: number, truncated: boolean): void {
  const previousIds = dataset?.runIds;
  dataset = next;
  byId = new Map(next.columns.map((c) => [c.id, c]));
  // Keep the selection across refreshes by run id.
  if (previousIds) selected = selected.map((i) => next.runIds.indexOf(previousIds[i]!)).filter((i) => i >= 0);
  state.experiment = experiment;
  app.removeAttribute('aria-busy');
  if (next.runIds.length === 0) {
    ui = null;
    app.replaceChildren(placeholder('No runs to compare yet. Run an experiment (Hyperlab: Run Experiment), then open this panel again.'));
    return;
  }
  ui ??= buildLayout();
  ui.experiment.setChoices([{ value: '', label: 'All experiments' }, ...experiments.map((e) => ({ value: e, label: e }))], experiment ?? '');
  ui.count.dataset['total'] = String(total);
  ui.truncated.hidden = !truncated;
  ui.truncated.textContent = truncated ? `Showing the newest ${next.runIds.length} of ${total} runs.` : '';
  refreshChoices();
  refresh();
}

function buildLayout() {
  // The placeholder is an example, not a name: screen readers announce the label (last argument) instead.
  const filter = textField('Filter: lr>0.001 optimizer.kind=adam val.acc.best:0.8..1 or any text', state.filter, (value) => {
    if (value === state.filter) return;
    state.filter = value;
    refresh();
  }, 'filter', 'Filter runs (terms like lr>0.001 or optimizer=adam; any other word matches names and text)');
  filter.classList.add('filter');
  const columnsButton = button('Columns…', () => toggleColumnPicker(), { id: 'columns-button', title: 'Choose the columns the table shows' });
  const groupBy = dropdown('Group by', [], state.groupBy ?? '', (value) => {
    state.groupBy = value || null;
    collapsed = [];
    refresh();
  }, 'group-by');
  const objective = dropdown('Objective', [], state.objective ?? '', (value) => {
    state.objective = value || null;
    refresh();
  }, 'objective');
  const experiment = dropdown('Experiment', [], state.experiment ?? '', (value) => {
    channel.post({ type: 'requestDataset', experiment: value || null });
  }, 'experiment');
  const scatterX = dropdown('Scatter x', [], null, (value) => {
    state.scatterX = value;
    refresh();
  }, 'scatter-x');
  const scatterY = dropdown('Scatter y', [], null, (value) => {
    state.scatterY = value;
    refresh();
  }, 'scatter-y');
  const count = h('span', { class: 'muted count', id: 'run-count', role: 'status' });
  const errors = h('div', { class: 'filter-errors', id: 'filter-errors', role: 'alert' });
  const truncated = h('p', { class: 'muted' });
  const notice = h('div', { class: 'notice', role: 'status' });
  const picker = h('div', { class: 'column-picker', id: 'column-picker', hidden: '' });
  const table = new RunTable({
    onSort: (column) => {
      const objectiveColumn = state.objective ? byId.get(state.objective) ?? null : null;
      state.sort = nextSort(state.sort ?? defaultSort(objectiveColumn), column, byId.get(column)?.goal);
      refresh();
    },
    onSelect: (run, additive) => select(run, additive),
    onToggleGroup: (key) => {
      collapsed = collapsed.includes(key) ? collapsed.filter((k) => k !== key) : [...collapsed, key];
      refresh();
    },
  });
  const parallelBox = h('div', { class: 'chart-box parallel-box', id: 'parallel' });
  const scatterBox = h('div', { class: 'chart-box scatter-box', id: 'scatter' });
  const importance = h('div', { id: 'importance' });
  const diffBox = h('div', { id: 'spec-diff' });
  const onlyChangesBox = checkbox('Only differences', onlyChanges, (checked) => {
    onlyChanges = checked;
    renderDiff();
  }, 'only-changes');
  app.replaceChildren(
    h('div', { class: 'toolbar' }, filter, columnsButton, h('label', { class: 'group' }, 'Group by', groupBy.element),
      h('label', { class: 'group' }, 'Objective', objective.element), h('label', { class: 'group' }, 'Runs of', experiment.element), count),
    errors, picker, notice, truncated, table.element,
    h('h2', {}, 'Parameters → objective'),
    h('p', { class: 'muted' }, 'One line per run, colored from worst (orange) to best (blue) objective. Drag along an axis to keep only that range; click the axis to clear it. The range appears in the filter.'),
    parallelBox,
    h('div', { class: 'grid2' },
      h('section', {}, h('h2', {}, 'Scatter'), h('div', { class: 'toolbar inline' }, h('label', { class: 'group' }, 'x', scatterX.element), h('label', { class: 'group' }, 'y', scatterY.element)), scatterBox),
      h('section', {}, h('h2', {}, 'Parameter importance'), importance)),
    h('h2', {}, 'Spec difference'), h('div', { class: 'toolbar inline' }, onlyChangesBox), diffBox,
  );
  const parallel = new ParallelCoordinates(parallelBox, (column, range) => {
    state.filter = withRange(state.filter, column, range, dataset!.columns);
    (filter as unknown as { value: string }).value = state.filter;
    refresh();
  });
  const scatter = new Scatter(scatterBox, (run) => select(run, true));
  return { filter, groupBy, objective, experiment, scatterX, scatterY, count, errors, truncated, notice, picker, table, parallel, scatter, importance, diffBox };
}

function refreshChoices(): void {
  if (!dataset || !ui) return;
  const numeric = dataset.columns.filter((c) => c.type === 'number');
  const outcomes = numeric.filter((c) => c.kind === 'metric' || c.kind === 'summary');
  const params = dataset.columns.filter((c) => c.kind === 'param' && c.varies);
  if (!state.objective || !byId.has(state.objective)) state.objective = dataset.objective;
  // A saved x that is a parameter which no longer varies explains nothing: pick one that varies.
  const savedX = state.scatterX ? byId.get(state.scatterX) : undefined;
  if (!savedX || (savedX.kind === 'param' && !savedX.varies)) state.scatterX = params.find((c) => c.type === 'number')?.id ?? params[0]?.id ?? null;
  if (!state.scatterY || !byId.has(state.scatterY)) state.scatterY = state.objective;
  if (state.groupBy && !byId.has(state.groupBy)) state.groupBy = null;
  const choices = (cols: CompareColumn[]): Choice[] => cols.map((c) => ({ value: c.id, label: c.title }));
  ui.objective.setChoices(choices(outcomes), state.objective);
  ui.groupBy.setChoices([{ value: '', label: 'No grouping' }, ...choices(dataset.columns.filter((c) => (c.kind === 'param' && c.varies) || c.id === 'run.status' || c.id === 'run.experiment'))], state.groupBy ?? '');
  ui.scatterX.setChoices(choices([...params, ...outcomes]), state.scatterX);
  ui.scatterY.setChoices(choices([...outcomes, ...params]), state.scatterY);
}

function shownColumns(): CompareColumn[] {
  const ids = state.columns ?? defaultColumns(dataset!);
  return ids.map((id) => byId.get(id)).filter((c): c is CompareColumn => c !== undefined);
}

function refresh(): void {
  if (!dataset || !ui) return;
  const objective = state.objective ? byId.get(state.objective) ?? null : null;
  // No sort chosen: best-first on the objective, the best run on top.
  const sort = state.sort ?? defaultSort(objective);
  view = tableView(dataset, { sort, filter: state.filter, groupBy: state.groupBy, collapsed }, objective);
  ui.errors.replaceChildren(...view.errors.map((e) => h('div', {}, e)));
  ui.count.textContent = `${view.matched.length.toLocaleString('en-US')} of ${dataset.runIds.length.toLocaleString('en-US')} runs`;
  ui.table.update({ columns: shownColumns(), rows: view.rows, sort, selected, best: bestRun(dataset, view.matched, objective) });
  if (!painted) performance.mark('hyperlab:comparison-table');
  const ranges = filterRanges(parseFilter(state.filter, dataset.columns).terms);
  const shown = shownColumns();
  const axes = shown.filter((c) => c.kind === 'param' && c.varies).slice(0, MAX_AXES);
  if (axes.length === 0) axes.push(...dataset.columns.filter((c) => c.kind === 'param' && c.varies).slice(0, MAX_AXES));
  if (objective) axes.push(objective);
  const canvasesStart = performance.now();
  ui.parallel.update({ axes, objective, matched: view.matched, runCount: dataset.runIds.length, ranges });
  const x = state.scatterX ? byId.get(state.scatterX) : undefined;
  const y = state.scatterY ? byId.get(state.scatterY) : undefined;
  if (x && y) ui.scatter.update({ x, y, names: byId.get('run.name')!, matched: view.matched, runCount: dataset.runIds.length, selected });
  if (!painted) performance.measure('hyperlab:comparison-canvases', { start: canvasesStart, end: performance.now() });
  const importance = objective ? parameterImportance(dataset.columns, objective, view.matched) : [];
  ui.importance.replaceChildren(importanceView(importance, objective ?? null, byId, view.matched.length));
  renderDiff();
  channel.saveState(state);
  if (!painted) {
    painted = true;
    // The first complete paint: the frame after the table and both canvases drew.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      performance.mark('hyperlab:comparison-painted');
      document.body.dataset['painted'] = 'true';
    }));
  }
}

function select(run: number, additive: boolean): void {
  if (additive) selected = selected.includes(run) ? selected.filter((r) => r !== run) : [...selected, run].slice(-2);
  else selected = selected.length === 1 && selected[0] === run ? [] : [run];
  diff = null;
  if (selected.length === 2 && dataset) channel.post({ type: 'requestSpecDiff', left: dataset.runIds[selected[0]!]!, right: dataset.runIds[selected[1]!]! });
  refresh();
}

function renderDiff(): void {
  if (!ui) return;
  ui.diffBox.replaceChildren(diffView(selected.length === 2 ? diff : null, selected.length, onlyChanges));
}

/** One column in the picker: its title, then its key (what the filter takes), muted. */
function columnChoice(column: CompareColumn, shown: boolean): HTMLElement {
  const box = checkbox(column.title, shown, (checked) => {
    const current = shownColumns().map((col) => col.id);
    state.columns = checked ? [...current, column.id] : current.filter((id) => id !== column.id);
    refresh();
  }, `column-${column.id}`);
  if (column.title !== column.name) box.append(h('span', { class: 'muted column-key' }, column.name));
  box.title = column.name;
  return box;
}

function toggleColumnPicker(): void {
  if (!dataset || !ui) return;
  const picker = ui.picker;
  if (!picker.hidden) {
    picker.hidden = true;
    return;
  }
  const shown = new Set(shownColumns().map((c) => c.id));
  const groups: [string, CompareColumn[]][] = [
    ['Run', dataset.columns.filter((c) => c.kind === 'run')],
    ['Parameters that vary', dataset.columns.filter((c) => c.kind === 'param' && c.varies)],
    ['Metrics', dataset.columns.filter((c) => c.kind === 'metric')],
    ['Summary', dataset.columns.filter((c) => c.kind === 'summary')],
    ['Parameters the same in every run', dataset.columns.filter((c) => c.kind === 'param' && !c.varies)],
  ];
  picker.replaceChildren(...groups.filter(([, cols]) => cols.length > 0).map(([title, cols]) =>
    h('fieldset', {}, h('legend', {}, title), ...cols.map((c) => columnChoice(c, shown.has(c.id))))),
  h('div', { class: 'toolbar inline' }, button('Default columns', () => {
    state.columns = null;
    picker.hidden = true;
    refresh();
  }), button('Close', () => { picker.hidden = true; })));
  picker.hidden = false;
}

/** Read-only view of what the plots drew, for component tests and people debugging in devtools. */
(window as unknown as { hyperlabComparison: unknown }).hyperlabComparison = {
  parallelLabels: () => ui?.parallel.labels() ?? [],
  parallelAxisX: (i: number) => ui?.parallel.axisX(i) ?? null,
  parallelAxisTop: () => ui?.parallel.unitY(1) ?? null,
};
