// The importance bars and the spec diff table: plain DOM, rebuilt on change (a few dozen rows).
import { IMPORTANCE_METHOD, type ParameterImportance } from '../../src/core/compare/importance.ts';
import type { SpecDiffRow } from '../../src/core/compare/spec-diff.ts';
import type { CompareColumn } from '../../src/core/compare/types.ts';
import type { RunRef } from '../../src/core/webview/contract.ts';
import { h } from '../shared/dom.ts';

/** Bars named by the parameters' titles (their keys in the tooltip); `columns` maps ids to columns. */
export function importanceView(items: readonly ParameterImportance[], objective: CompareColumn | null, columns: ReadonlyMap<string, CompareColumn>, runs: number): HTMLElement {
  const objectiveName = objective?.title ?? null;
  const method = h('p', { class: 'muted method', id: 'importance-method' }, `Method: ${IMPORTANCE_METHOD}`);
  if (!objectiveName) return h('div', {}, h('p', { class: 'placeholder' }, 'No objective: the runs have no metrics yet.'), method);
  if (items.length === 0) return h('div', {}, h('p', { class: 'placeholder' }, `Not enough runs with ${objectiveName} and varying parameters to tell what matters.`), method);
  const rows = items.map((item) => {
    const name = h('span', { class: 'bar-name' }, columns.get(item.column)?.title ?? item.name);
    const title = `${item.name}: ${item.runs} runs in ${item.groups} groups`;
    if (!item.enough) {
      return h('li', { class: 'importance-row not-enough', 'data-column': item.column, title }, name, h('span', { class: 'bar-note muted' }, 'not enough runs per value'));
    }
    const percent = Math.round(item.score * 1000) / 10;
    const bar = h('span', { class: 'bar-fill' });
    bar.style.width = `${Math.max(0.5, item.score * 100)}%`;
    return h('li', { class: 'importance-row', 'data-column': item.column, title }, name, h('span', { class: 'bar' }, bar), h('span', { class: 'bar-value' }, `${percent}%`));
  });
  // ε² is 0 when a parameter explains no more than chance would with this many runs and groups.
  const noSignal = items.filter((item) => item.enough).every((item) => item.score < 0.005)
    ? h('p', { class: 'hint', id: 'importance-none' }, `With ${runs} runs no parameter explains more of the variance of ${objectiveName} than chance would; run more trials to rank them.`)
    : null;
  return h('div', {},
    h('p', { class: 'muted', id: 'importance-lead' }, `How much of the variance of ${objectiveName} across ${runs} runs each parameter explains on its own (ε²). Each is measured alone, so they need not add up to 100%.`),
    h('ol', { class: 'importance', 'aria-label': 'Parameter importance' }, ...rows), ...(noSignal ? [noSignal] : []), method);
}

export function diffView(diff: { left: RunRef; right: RunRef; rows: SpecDiffRow[] } | null, selected: number, onlyChanges: boolean): HTMLElement {
  if (!diff) {
    return h('p', { class: 'placeholder' }, selected === 0
      ? 'Select two runs in the table (click one, then Ctrl+click or Space on another) to see their specs side by side.'
      : 'Select one more run (Ctrl+click or Space) to compare their specs.');
  }
  const changed = diff.rows.filter((r) => r.change !== 'same');
  const shown = onlyChanges ? changed : diff.rows;
  const counts = ['changed', 'added', 'removed'].map((kind) => `${diff.rows.filter((r) => r.change === kind).length} ${kind}`).join(', ');
  const table = h('table', { class: 'spec-diff' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Path'), h('th', {}, `${diff.left.name} (#${diff.left.id})`), h('th', {}, `${diff.right.name} (#${diff.right.id})`))),
    h('tbody', {}, ...shown.map((row) => h('tr', { class: `diff-${row.change}`, 'data-path': row.path },
      h('td', { class: 'path' }, h('span', { class: 'diff-mark', 'aria-label': row.change }, MARKS[row.change]), row.path),
      h('td', { class: 'left' }, row.left ?? '—'), h('td', { class: 'right' }, row.right ?? '—')))));
  return h('div', {}, h('p', { class: 'muted' }, `${counts}; ${diff.rows.length - changed.length} paths the same${onlyChanges ? ' (hidden)' : ''}.`),
    shown.length ? table : h('p', { class: 'placeholder' }, 'The two specs are identical.'));
}

const MARKS = { same: ' ', changed: '~', added: '+', removed: '−' } as const;
