// The table's filter line: space-separated terms, all of which a run must meet.
//   lr>=0.001   val.acc.best>0.8   status=finished   optimizer.kind:ada   lr:0.001..0.01   mlp
// A bare word matches any text cell (name, experiment, status, text parameters). Column names
// may be shortened to a unique dotted suffix (lr for train.optimizer.lr). A brushed axis of the
// parallel-coordinates plot is written here as name:lo..hi, so the filter always shows it.
import type { CellValue, CompareColumn } from './types.ts';

export type CompareOp = '>=' | '<=' | '>' | '<' | '=' | '!=';

export type FilterTerm =
  | { kind: 'text'; text: string }
  | { kind: 'range'; column: string; min: number; max: number }
  | { kind: 'compare'; column: string; op: CompareOp; value: number | string }
  | { kind: 'contains'; column: string; text: string };

export interface ParsedFilter {
  terms: FilterTerm[];
  /** One line per term that could not be understood, naming it and the fix. */
  errors: string[];
}

const TERM = /^([A-Za-z_][\w.\/-]*?)(>=|<=|!=|>|<|=|:)(.*)$/;

export function parseFilter(text: string, columns: readonly CompareColumn[], shown?: ReadonlySet<string>): ParsedFilter {
  const terms: FilterTerm[] = [];
  const errors: string[] = [];
  for (const token of tokenize(text)) {
    const match = TERM.exec(token);
    if (!match) {
      terms.push({ kind: 'text', text: token.toLowerCase() });
      continue;
    }
    const [, name, op, raw] = match as unknown as [string, string, string, string];
    const resolved = resolveColumn(name, columns, shown);
    if (typeof resolved === 'string') {
      errors.push(resolved);
      continue;
    }
    const term = parseTerm(resolved, op, raw);
    if (typeof term === 'string') errors.push(term);
    else terms.push(term);
  }
  return { terms, errors };
}

function parseTerm(column: CompareColumn, op: string, raw: string): FilterTerm | string {
  if (raw === '') return `"${column.name}${op}" needs a value after ${op}`;
  const range = /^(-?[\d.eE+-]+)\.\.(-?[\d.eE+-]+)$/.exec(raw);
  if (op === ':' && range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (!Number.isFinite(min) || !Number.isFinite(max)) return `"${column.name}:${raw}": write a range as LOW..HIGH with two numbers`;
    return { kind: 'range', column: column.id, min: Math.min(min, max), max: Math.max(min, max) };
  }
  if (op === ':') return { kind: 'contains', column: column.id, text: raw.toLowerCase() };
  if (column.type === 'number') {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) return `"${column.name}${op}${raw}": ${column.name} holds numbers, so compare it with a number`;
    return { kind: 'compare', column: column.id, op: op as CompareOp, value };
  }
  if (op !== '=' && op !== '!=') return `"${column.name}${op}${raw}": ${column.name} holds text; use = , != or : (contains)`;
  return { kind: 'compare', column: column.id, op: op as CompareOp, value: raw };
}

/**
 * A column by name or id, by the title its header shows ("lr", "optimizer", "val acc · best",
 * spaces optionally written as dots or underscores), or by a unique dotted suffix of its name.
 * Where a title or a suffix fits several columns, the one shown wins: a column in `shown`, else
 * one whose values vary (constant columns are hidden by default). Otherwise a message naming
 * the candidates.
 */
export function resolveColumn(name: string, columns: readonly CompareColumn[], shown?: ReadonlySet<string>): CompareColumn | string {
  const lower = name.toLowerCase();
  const exact = columns.find((c) => c.name.toLowerCase() === lower || c.id.toLowerCase() === lower);
  if (exact) return exact;
  const typed = titleKey(name);
  const byTitle = columns.filter((c) => titleKey(c.title) === typed);
  const titled = preferShown(byTitle, shown);
  if (titled) return titled;
  // lr → train.optimizer.lr (suffix); val.acc → val.acc.best when only that one exists (prefix).
  let suffix = columns.filter((c) => c.name.toLowerCase().endsWith(`.${lower}`));
  if (suffix.length === 0) suffix = columns.filter((c) => c.name.toLowerCase().startsWith(`${lower}.`));
  const picked = preferShown(suffix, shown);
  if (picked) return picked;
  if (suffix.length > 1) return `"${name}" could mean ${suffix.slice(0, 4).map((c) => c.name).join(', ')}${suffix.length > 4 ? ', …' : ''}: write more of the name`;
  return `no column named "${name}": use a column's name or its header title (e.g. ${columns.find((c) => c.kind === 'param' && c.varies)?.title ?? columns.find((c) => c.kind === 'param')?.name ?? 'name'})`;
}

/** "val acc · best", "val.acc.best" and "val_acc_best" compare equal. */
function titleKey(text: string): string {
  return text.toLowerCase().replace(/[\s·._]+/g, '.').replace(/^\.|\.$/g, '');
}

function preferShown(candidates: readonly CompareColumn[], shown: ReadonlySet<string> | undefined): CompareColumn | undefined {
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return undefined;
  const visible = shown ? candidates.filter((c) => shown.has(c.id)) : [];
  if (visible.length === 1) return visible[0];
  const varying = (visible.length > 1 ? visible : candidates).filter((c) => c.varies);
  return varying.length === 1 ? varying[0] : undefined;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push(m[1] ?? m[2]!);
  return tokens.filter((t) => t !== '');
}

export function matches(terms: readonly FilterTerm[], row: number, byId: ReadonlyMap<string, CompareColumn>, textColumns: readonly CompareColumn[]): boolean {
  for (const term of terms) {
    if (term.kind === 'text') {
      if (!textColumns.some((c) => typeof c.values[row] === 'string' && (c.values[row] as string).toLowerCase().includes(term.text))) return false;
      continue;
    }
    const value = byId.get(term.column)?.values[row] ?? null;
    if (!meets(term, value)) return false;
  }
  return true;
}

function meets(term: Exclude<FilterTerm, { kind: 'text' }>, value: CellValue): boolean {
  if (value === null) return term.kind === 'compare' && term.op === '!=';
  switch (term.kind) {
    case 'range':
      return typeof value === 'number' && value >= term.min && value <= term.max;
    case 'contains':
      return String(value).toLowerCase().includes(term.text);
    case 'compare': {
      if (typeof term.value === 'string') {
        const wanted = term.value.toLowerCase();
        // A run's tags are one cell ('baseline, best-lr'): tag=baseline asks for one of them.
        const equal = term.column === 'run.tags'
          ? String(value).toLowerCase().split(', ').includes(wanted)
          : String(value).toLowerCase() === wanted;
        return term.op === '=' ? equal : !equal;
      }
      if (typeof value !== 'number') return false;
      switch (term.op) {
        case '>=': return value >= term.value;
        case '<=': return value <= term.value;
        case '>': return value > term.value;
        case '<': return value < term.value;
        case '=': return value === term.value;
        case '!=': return value !== term.value;
      }
    }
  }
}

/** The numeric interval each column is held to by the filter (what a brushed axis shows). */
export function filterRanges(terms: readonly FilterTerm[]): Map<string, { min: number; max: number }> {
  const ranges = new Map<string, { min: number; max: number }>();
  const narrow = (column: string, min: number, max: number): void => {
    const r = ranges.get(column) ?? { min: -Infinity, max: Infinity };
    ranges.set(column, { min: Math.max(r.min, min), max: Math.min(r.max, max) });
  };
  for (const term of terms) {
    if (term.kind === 'range') narrow(term.column, term.min, term.max);
    else if (term.kind === 'compare' && typeof term.value === 'number') {
      if (term.op === '>=' || term.op === '>') narrow(term.column, term.value, Infinity);
      else if (term.op === '<=' || term.op === '<') narrow(term.column, -Infinity, term.value);
      else if (term.op === '=') narrow(term.column, term.value, term.value);
    }
  }
  return ranges;
}

/** Short, exact-enough text for a brushed bound (4 significant digits, no trailing zeros). */
export function formatBound(value: number): string {
  if (value === 0) return '0';
  return String(Number(value.toPrecision(4)));
}

/**
 * The filter text with `column`'s range terms replaced by one name:lo..hi term (or removed when
 * `range` is null); other terms stay as the person typed them.
 */
export function withRange(text: string, column: CompareColumn, range: { min: number; max: number } | null, columns: readonly CompareColumn[]): string {
  const kept = tokenize(text).filter((token) => {
    const match = TERM.exec(token);
    if (!match) return true;
    const resolved = resolveColumn(match[1]!, columns);
    const isRange = match[2] === ':' && /\.\./.test(match[3]!) || ['>=', '<=', '>', '<'].includes(match[2]!);
    return !(typeof resolved !== 'string' && resolved.id === column.id && isRange);
  }).map((t) => (/\s/.test(t) ? `"${t}"` : t));
  if (range) kept.push(`${column.name}:${formatBound(range.min)}..${formatBound(range.max)}`);
  return kept.join(' ');
}
