// The run table, virtualized: only the rows in view (plus a few) exist in the DOM, so 10,000 runs
// scroll like 10. Headers are buttons (click or Enter sorts); the body is one focusable grid:
// ↑/↓/PageUp/PageDown/Home/End move the active row, Space or Enter selects it (two selected
// runs show their spec diff), Enter on a group header folds it.
import type { CompareColumn } from '../../src/core/compare/types.ts';
import type { TableRow, TableState } from '../../src/core/compare/table-model.ts';
import { formatNumber, h } from '../shared/dom.ts';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export interface TableModel {
  columns: CompareColumn[];
  rows: TableRow[];
  sort: TableState['sort'];
  selected: readonly number[];
  /** The run with the best objective (marked), or null. */
  best?: number | null;
}

export interface TableEvents {
  onSort(column: string): void;
  onSelect(run: number, additive: boolean): void;
  onToggleGroup(key: string): void;
}

export class RunTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly windowEl: HTMLElement;
  private model: TableModel = { columns: [], rows: [], sort: null, selected: [] };
  private active = 0;
  private frame = 0;
  private template = '';

  private readonly events: TableEvents;

  constructor(events: TableEvents) {
    this.events = events;
    this.header = h('div', { class: 'rt-header', role: 'row' });
    this.windowEl = h('div', { class: 'rt-window', role: 'rowgroup' });
    this.spacer = h('div', { class: 'rt-spacer' }, this.windowEl);
    this.body = h('div', { class: 'rt-body', tabindex: '0', role: 'grid', 'aria-label': 'Runs', 'aria-multiselectable': 'true' }, this.header, this.spacer);
    this.element = h('div', { class: 'run-table' }, this.body);
    this.body.addEventListener('scroll', () => this.schedule());
    this.body.addEventListener('keydown', (e) => this.key(e));
    this.body.addEventListener('focus', () => this.focusActive());
    new ResizeObserver(() => this.schedule()).observe(this.body);
  }

  update(model: TableModel): void {
    const columnsChanged = model.columns !== this.model.columns || JSON.stringify(model.sort) !== JSON.stringify(this.model.sort);
    this.model = model;
    this.active = Math.min(this.active, Math.max(0, model.rows.length - 1));
    if (columnsChanged) this.renderHeader();
    this.body.setAttribute('aria-rowcount', String(model.rows.length + 1));
    this.spacer.style.height = `${model.rows.length * ROW_HEIGHT}px`;
    this.render();
  }

  /** Row elements in the DOM now (tests assert this stays small). */
  renderedRowCount(): number {
    return this.windowEl.childElementCount;
  }

  private renderHeader(): void {
    const { columns, sort } = this.model;
    this.template = columns.map((c) => `${width(c)}px`).join(' ');
    this.header.style.gridTemplateColumns = this.template;
    this.header.replaceChildren(...columns.map((column) => {
      const direction = sort?.column === column.id ? sort.direction : null;
      // The header shows the title; the tooltip names the key, which is what the filter takes.
      const button = h('button', { class: `rt-sort ${column.type}`, title: `${column.name}\nClick to sort${column.goal ? ` (${column.goal === 'min' ? 'lower' : 'higher'} is better)` : ''}` },
        h('span', { class: 'rt-name' }, column.title), direction ? h('span', { class: 'rt-arrow', 'aria-hidden': 'true' }, direction === 'asc' ? '▲' : '▼') : null);
      button.addEventListener('click', () => this.events.onSort(column.id));
      return h('div', { class: 'rt-cell rt-head', role: 'columnheader', 'aria-sort': direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none', 'data-column': column.id, 'data-key': column.name }, button);
    }));
    const total = columns.reduce((s, c) => s + width(c), 0);
    this.header.style.width = `${total}px`;
    this.spacer.style.width = `${total}px`;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const { rows, columns } = this.model;
    // The sticky header sits above the spacer in the scroll flow, so row i's top is header + i rows.
    const top = this.body.scrollTop;
    const visible = Math.ceil(this.body.clientHeight / ROW_HEIGHT) + 1;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, first + visible + OVERSCAN * 2);
    const selected = new Set(this.model.selected);
    const elements: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = rows[i]!;
      const el = row.kind === 'group' ? this.groupRow(row, i) : this.runRow(row.index, columns, selected.has(row.index), i, row.index === this.model.best);
      if (i === this.active) el.classList.add('active');
      elements.push(el);
    }
    this.windowEl.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    this.windowEl.replaceChildren(...elements);
    // Only a row in the DOM can be named: scrolled out of the window (wheel, scrollbar), the
    // active row has no element, and a dangling id leaves assistive technology nowhere.
    if (this.active >= first && this.active < last) this.body.setAttribute('aria-activedescendant', `rt-row-${this.active}`);
    else this.body.removeAttribute('aria-activedescendant');
  }

  /** Focus arriving while the active row is scrolled away makes the first row in view active. */
  private focusActive(): void {
    const rows = this.model.rows;
    if (rows.length === 0 || this.isInView(this.active)) return;
    const firstInView = Math.ceil(this.body.scrollTop / ROW_HEIGHT);
    this.active = Math.min(rows.length - 1, firstInView);
    this.render();
  }

  /** Whether row i is wholly in the viewport, below the sticky header. */
  private isInView(i: number): boolean {
    const top = this.header.offsetHeight + i * ROW_HEIGHT - this.body.scrollTop;
    return top >= this.header.offsetHeight && top + ROW_HEIGHT <= this.body.clientHeight;
  }

  private runRow(index: number, columns: readonly CompareColumn[], isSelected: boolean, position: number, isBest = false): HTMLElement {
    const el = h('div', { class: `rt-row${isSelected ? ' selected' : ''}${isBest ? ' best' : ''}`, role: 'row', id: `rt-row-${position}`, 'aria-rowindex': String(position + 2), 'aria-selected': String(isSelected), 'data-run': String(index) });
    el.style.gridTemplateColumns = this.template;
    for (const column of columns) {
      const value = column.values[index] ?? null;
      const text = typeof value === 'number' ? formatNumber(value) : value ?? '—';
      const cell = h('div', { class: `rt-cell ${column.type}${column.id === 'run.status' ? ` status ${String(value)}` : ''}`, role: 'gridcell', title: typeof value === 'number' ? String(value) : text },
        isBest && column.id === 'run.name' ? h('span', { class: 'rt-best', title: 'Best objective of the runs shown' }, '★ best') : null, text);
      el.append(cell);
    }
    el.addEventListener('click', (e) => {
      this.active = position;
      this.events.onSelect(index, e.ctrlKey || e.metaKey || e.shiftKey);
    });
    return el;
  }

  private groupRow(row: Extract<TableRow, { kind: 'group' }>, position: number): HTMLElement {
    const el = h('div', { class: 'rt-row rt-group', role: 'row', id: `rt-row-${position}`, 'aria-expanded': String(!row.collapsed), 'data-group': row.key },
      h('span', { class: 'rt-twisty', 'aria-hidden': 'true' }, row.collapsed ? '▸' : '▾'),
      h('span', {}, row.label),
      h('span', { class: 'muted' }, ` · ${row.count} run${row.count === 1 ? '' : 's'}${row.best !== null ? ` · best objective ${formatNumber(row.best)}` : ''}`));
    el.addEventListener('click', () => {
      this.active = position;
      this.events.onToggleGroup(row.key);
    });
    return el;
  }

  private key(e: KeyboardEvent): void {
    const rows = this.model.rows;
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor(this.body.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -rows.length, End: rows.length };
    if (e.key in moves) {
      e.preventDefault();
      this.active = Math.min(rows.length - 1, Math.max(0, this.active + moves[e.key]!));
      this.scrollToActive();
      this.render();
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const row = rows[this.active]!;
      if (row.kind === 'group') this.events.onToggleGroup(row.key);
      else this.events.onSelect(row.index, e.key === ' ' || e.ctrlKey);
    }
  }

  private scrollToActive(): void {
    const headerHeight = this.header.offsetHeight;
    const top = this.active * ROW_HEIGHT;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (headerHeight + top + ROW_HEIGHT > this.body.scrollTop + this.body.clientHeight) this.body.scrollTop = headerHeight + top + ROW_HEIGHT - this.body.clientHeight;
  }
}

/** Column width in px: titles read whole, numbers need less. */
function width(column: CompareColumn): number {
  if (column.id === 'run.name') return 170;
  const byName = Math.min(220, Math.max(72, Math.round(column.title.length * 7.6 + 30)));
  return column.type === 'number' ? Math.max(84, byName) : Math.max(96, byName);
}
