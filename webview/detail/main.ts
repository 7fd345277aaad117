// Run detail: status and reason, summary, latest metrics, the confusion matrix as a heatmap
// table and per-class accuracy first; then the parameters (folded to the non-default ones),
// artifacts and the log tail. Refreshed while it changes.
import type { ParamValue, Params } from '../../src/core/protocol/messages.ts';
import type { DetailState, DetailToWebview, RunDetail } from '../../src/core/webview/contract.ts';
import { summaryForPeople } from '../../src/core/webview/summary-display.ts';
import { connectPanel } from '../shared/bootstrap.ts';
import { button, checkbox } from '../shared/controls.ts';
import { formatNumber, h, placeholder } from '../shared/dom.ts';
import '../shared/panel.css';

const LOG_LINES = 200;
const app = document.getElementById('app')!;
let state: DetailState = { runId: null };

const channel = connectPanel('detail', (message: DetailToWebview) => {
  switch (message.type) {
    case 'detail':
      state = { runId: message.detail?.run.id ?? null };
      channel.saveState(state);
      render(message.detail);
      return;
    case 'changed':
      if (state.runId !== null && message.runIds.includes(state.runId)) channel.post({ type: 'requestDetail', runId: state.runId, logLines: LOG_LINES });
      return;
    case 'notice':
      app.replaceChildren(placeholder(message.message, message.level));
      return;
  }
});
state = { ...state, ...channel.savedState() };

const edit = (runId: number, what: 'name' | 'tags' | 'note' | 'star') => channel.post({ type: 'editRun', runId, edit: what });
const pick = () => button('Run…', () => channel.post({ type: 'pickRun' }), { id: 'pick-run', title: 'Choose the run' });

function render(detail: RunDetail | null): void {
  app.setAttribute('aria-busy', 'false');
  if (!detail) {
    app.replaceChildren(h('div', { class: 'toolbar' }, pick()), placeholder('No run selected (or it was deleted). Choose one with "Run…".'));
    return;
  }
  const { run } = detail;
  const scroll = window.scrollY;
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar' }, pick(),
    run.specPath ? button('Open spec', () => channel.post({ type: 'openSpec', runId: run.id }), { id: 'open-spec' }) : null,
    run.status === 'finished' ? button('Compress and Export…', () => channel.post({ type: 'compressRun', runId: run.id }), { id: 'compress-run', title: 'Prune, quantize and export this run\'s model (ONNX, Triton, PyTorch)' }) : null);
  const times = [`created ${new Date(run.createdAt).toLocaleString()}`, run.startedAt ? `started ${new Date(run.startedAt).toLocaleTimeString()}` : null,
    run.endedAt && run.startedAt ? `took ${formatDuration(run.endedAt - run.startedAt)}` : null].filter(Boolean).join(' · ');
  app.replaceChildren(...[
    toolbar,
    h('h1', {}, `${detail.starred ? '★ ' : ''}${run.name} #${run.id}`),
    h('p', {}, h('span', { class: `status ${run.status}`, id: 'status' }, statusLabel(run.status)), ` · ${run.experimentName} · ${times}`),
    detail.objective ? h('p', { id: 'objective' }, h('strong', {}, 'Objective '), `${detail.objective.label}: ${detail.objective.text}`,
      detail.objective.best ? h('span', { class: 'best-badge' }, ` ★ best of ${detail.objective.runs} runs`) : null) : null,
    h('div', { class: 'toolbar', id: 'run-notes' },
      h('span', { id: 'tags' }, (detail.tags ?? []).length ? (detail.tags ?? []).map((t) => `#${t}`).join(' ') : h('span', { class: 'muted' }, 'no tags')),
      button('Rename…', () => edit(run.id, 'name'), { id: 'edit-name' }),
      button('Tags…', () => edit(run.id, 'tags'), { id: 'edit-tags' }),
      button('Note…', () => edit(run.id, 'note'), { id: 'edit-note' }),
      button(detail.starred ? 'Unstar' : 'Star', () => edit(run.id, 'star'), { id: 'edit-star' })),
    detail.note ? h('p', { class: 'note', id: 'note' }, detail.note) : null,
    run.reason ? h('p', { class: `hint ${run.status === 'failed' || run.status === 'diverged' ? 'error' : 'warn'}`, id: 'reason' }, `Reason: ${run.reason}`) : null,
    h('div', { class: 'grid2' },
      section('Summary', detail.summary ? keyValueTable(flatten(summaryForPeople(detail.summary)), 'summary') : placeholder('No summary yet (written when the run ends).')),
      section('Latest metrics', detail.latest.length ? table(['metric', 'step', 'value'], detail.latest.map((l) => [l.key, String(l.step), formatNumber(l.value)]), 'latest', [false, true, true]) : placeholder('No metrics yet.')),
    ),
    detail.confusion || detail.perClassAccuracy ? h('div', { class: 'row-wrap' },
      detail.confusion ? section('Confusion matrix (test set, rows = true class)', confusionTable(detail.confusion)) : null,
      detail.perClassAccuracy ? section('Per-class accuracy', perClassTable(detail.perClassAccuracy)) : null) : null,
    paramsSection(detail),
    section('Artifacts', detail.artifacts.length
      ? table(['kind', 'path', 'size', 'sha256'], detail.artifacts.map((a) => [a.kind, a.path, a.size === null ? '—' : formatBytes(a.size), a.sha256 ? `${a.sha256.slice(0, 12)}…` : '—']), 'artifacts', [false, false, true, false])
      : placeholder('No artifacts.')),
    section(`Log (last ${detail.logTail.length} lines)`, detail.logTail.length
      ? h('pre', { class: 'log', id: 'log', tabindex: '0' }, ...detail.logTail.map((l) => h('span', { class: l.stream }, `${l.text}\n`)))
      : placeholder('The log is empty.')),
  ].filter((node) => node !== null));
  const log = document.getElementById('log');
  if (log) log.scrollTop = log.scrollHeight;
  window.scrollTo(0, scroll);
}

/** Parameters last and folded: the few values that differ from the defaults, all on request. */
let paramsOpen = true;
let allParams = false;

function paramsSection(detail: RunDetail): HTMLElement {
  const all = flatten(detail.params);
  const chosen = new Set(detail.nonDefaultParams);
  const shown = allParams ? all : all.filter(([name]) => chosen.has(name));
  const toggle = checkbox(`Show all ${all.length}`, allParams, (on) => {
    allParams = on;
    details.replaceWith(paramsSection(detail));
  }, 'all-params');
  const details = h('details', { id: 'params-section', ...(paramsOpen ? { open: '' } : {}) },
    h('summary', {}, h('h2', {}, 'Parameters'), h('span', { class: 'muted', id: 'params-count' },
      ` ${chosen.size} of ${all.length} differ from the defaults`)),
    toggle,
    shown.length ? keyValueTable(shown, 'params') : placeholder('Every parameter has its default value.'));
  details.addEventListener('toggle', () => { paramsOpen = (details as HTMLDetailsElement).open; });
  return details;
}

function section(title: string, body: Node): HTMLElement {
  return h('section', {}, h('h2', {}, title), body);
}

function statusLabel(status: string): string {
  return { running: '● Running', queued: '◷ Queued', finished: '✓ Finished', failed: '✗ Failed', killed: '■ Killed', diverged: '⚠ Diverged', pruned: '✂ Pruned' }[status] ?? status;
}

function table(headers: string[], rows: string[][], id: string, numeric: boolean[] = []): HTMLElement {
  return h('table', { id },
    h('thead', {}, h('tr', {}, ...headers.map((t, i) => h('th', { class: numeric[i] ? 'num' : '' }, t)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => h('td', { class: numeric[i] ? 'num' : '' }, c))))));
}

function keyValueTable(entries: [string, string][], id: string): HTMLElement {
  return entries.length ? table(['name', 'value'], entries, id) : placeholder('None.');
}

/** Nested params as dotted names; arrays of scalars inline, other arrays by length. */
function flatten(params: Params, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v, name));
    else out.push([name, show(v)]);
  }
  return out;
}

function show(v: ParamValue): string {
  if (typeof v === 'number') return formatNumber(v, 6);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object' || x === null) && v.length <= 12 ? v.map((x) => show(x)).join(', ') : `[${v.length} items]`;
  return v === null ? 'null' : String(v);
}

function confusionTable(confusion: NonNullable<RunDetail['confusion']>): HTMLElement {
  const max = Math.max(1, ...confusion.matrix.flat());
  const rows = confusion.matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return h('tr', {}, h('th', { scope: 'row' }, confusion.classNames[i]!), ...row.map((count, j) => {
      const cell = h('td', { class: `num cm ${i === j ? 'diag' : ''}`, title: `true ${confusion.classNames[i]}, predicted ${confusion.classNames[j]}: ${count} of ${total}` }, String(count));
      // Shade by count with theme colors only: correct on the diagonal, confusions elsewhere.
      const share = Math.round((count / max) * 70);
      cell.style.background = `color-mix(in srgb, var(${i === j ? '--vscode-charts-green' : '--vscode-charts-red'}) ${share}%, transparent)`;
      return cell;
    }));
  });
  return h('table', { id: 'confusion', class: 'confusion' },
    h('thead', {}, h('tr', {}, h('th', {}, 'true \\ predicted'), ...confusion.classNames.map((n) => h('th', { class: 'num' }, n)))),
    h('tbody', {}, ...rows));
}

function perClassTable(rows: NonNullable<RunDetail['perClassAccuracy']>): HTMLElement {
  return h('table', { id: 'per-class' }, h('tbody', {}, ...rows.map((r) => {
    const bar = h('span', { class: 'bar' });
    bar.style.width = `${Math.round((r.accuracy ?? 0) * 160)}px`;
    return h('tr', {}, h('th', { scope: 'row' }, r.name), h('td', { class: 'num' }, r.accuracy === null ? '—' : `${(r.accuracy * 100).toFixed(1)}%`), h('td', {}, bar));
  })));
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
