// Display titles for the comparison's columns: what a person reads in the table header, the plot
// axes and the pickers ("val acc · best", "epoch time (s) · last", "optimizer", "lr"). The key
// ("epoch.val.acc.best", "train.optimizer.kind") stays the column's name: the filter is typed
// with it and tooltips show it, so a short title never hides which value it is.
import type { CompareColumn } from './types.ts';

/** A leaf that names a choice's field rather than the choice ("optimizer.kind" is the optimizer). */
const GENERIC_LEAVES = new Set(['kind', 'type', 'name', 'value']);
/** Epoch-level keys ("epoch.val.acc") read as their metric: one point per epoch is how they are recorded. */
const EPOCH_PREFIX = 'epoch';

/** One key segment in words: "epoch_time_s" → "epoch time (s)", "samples_per_s" → "samples/s", "batchSize" → "batch size". */
export function humanize(segment: string): string {
  return segment
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/_per_s$/i, '/s')
    .replace(/_(s|ms|us|ns)$/i, (_, unit: string) => ` (${unit.toLowerCase()})`)
    .replace(/_/g, ' ')
    .toLowerCase();
}

function words(segments: readonly string[]): string {
  return segments.map(humanize).join(' ');
}

/**
 * Titles of parameters by path: the shortest dotted suffix unique among them ("lr" for
 * train.optimizer.lr), a generic leaf replaced by its parent ("optimizer" for
 * train.optimizer.kind), and a list index kept with its list ("layers 1 units"). Where a
 * `preferred` path (one that varies, so it is shown) and others would read alike, the others
 * take the longer title: train.optimizer.lr stays "lr" beside a constant train.swa.lr ("swa lr").
 */
export function paramTitles(paths: readonly string[], preferred: ReadonlySet<string> = new Set()): Map<string, string> {
  const parts = paths.map((path) => {
    const segments = path.split('.');
    const leafIsGeneric = segments.length > 1 && GENERIC_LEAVES.has(segments[segments.length - 1]!.toLowerCase());
    return leafIsGeneric ? segments.slice(0, -1) : segments;
  });
  const suffix = (segments: readonly string[], k: number): string[] => {
    let start = Math.max(0, segments.length - k);
    while (start > 0 && /^\d+$/.test(segments[start]!)) start--; // "1 units" says nothing without "layers"
    return segments.slice(start);
  };
  const titles = new Map<string, string>();
  const length = new Array<number>(paths.length).fill(1);
  for (let round = 0; round < 64; round++) {
    const candidate = parts.map((segments, i) => words(suffix(segments, length[i]!)));
    const count = new Map<string, number>();
    for (const c of candidate) count.set(c, (count.get(c) ?? 0) + 1);
    const canGrow = (i: number) => suffix(parts[i]!, length[i]!).length < parts[i]!.length;
    // Per title read by several: the preferred keep it while any other one can still grow.
    const yields = new Set<string>();
    paths.forEach((path, i) => {
      if (count.get(candidate[i]!)! > 1 && !preferred.has(path) && canGrow(i)) yields.add(candidate[i]!);
    });
    let grew = false;
    paths.forEach((path, i) => {
      const title = candidate[i]!;
      if (count.get(title)! < 2 || !canGrow(i) || (yields.has(title) && preferred.has(path))) return;
      length[i]!++;
      grew = true;
    });
    if (!grew) {
      paths.forEach((path, i) => titles.set(path, count.get(candidate[i]!)! > 1 ? path : candidate[i]!));
      return titles;
    }
  }
  for (const path of paths) titles.set(path, path);
  return titles;
}

/** A metric's title: "val acc" for "val.acc" and for "epoch.val.acc" unless "val.acc" is a key too. */
export function metricTitle(key: string, keys: ReadonlySet<string>): string {
  const segments = key.split('.');
  if (segments.length > 1 && segments[0] === EPOCH_PREFIX && !keys.has(segments.slice(1).join('.'))) return words(segments.slice(1));
  return words(segments);
}

/** A metric figure's title: the metric and which figure ("val acc · best", "lr · last"). */
export function metricFigureTitle(key: string, figure: 'last' | 'best', keys: ReadonlySet<string>): string {
  return `${metricTitle(key, keys)} · ${figure}`;
}

/** A summary value's title: "test acc" for summary "test.acc". */
export function summaryTitle(key: string): string {
  return words(key.split('.'));
}

/** Where two columns would read the same, each shows its key instead (the key is unique). */
export function disambiguateTitles(columns: CompareColumn[]): void {
  const count = new Map<string, number>();
  for (const c of columns) count.set(c.title, (count.get(c.title) ?? 0) + 1);
  for (const c of columns) if (count.get(c.title)! > 1) c.title = c.name;
}
