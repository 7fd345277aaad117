// The run hover card's Markdown: a short table of what a person looks for (status and why,
// the key metric, the parameters that differ between this experiment's runs, duration) instead
// of the params and summary as raw JSON. Pure (no vscode import), unit-tested.
import { formatNumber } from '../../core/format.ts';
import { paramTitles } from '../../core/compare/title.ts';
import { describeOverrides } from '../../core/compare/run-name.ts';
import type { Params, ParamValue } from '../../core/protocol/messages.ts';
import type { Run } from '../../core/store/types.ts';
import { formatDuration, keyMetric, runDuration } from './runDescription.ts';

/** Parameters listed before "and N more". */
export const TOOLTIP_PARAMS = 8;

/** The dotted params whose values are not all the same across these runs (what tells them apart). */
export function varyingParams(runs: readonly Run[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const run of runs) for (const [key, value] of Object.entries(run.params)) {
    let values = seen.get(key);
    if (!values) seen.set(key, (values = new Set()));
    values.add(JSON.stringify(value));
  }
  const missing = (key: string) => runs.some((r) => !Object.hasOwn(r.params, key));
  return [...seen].filter(([key, values]) => values.size > 1 || (runs.length > 1 && missing(key))).map(([key]) => key).sort();
}

export function tooltipMarkdown(run: Run, varying: readonly string[], statusLabel: string, now: number,
  note?: { tags: readonly string[]; note: string | null; starred: boolean }, changes?: Params,
  cluster?: { jobId: string; state: string | null; node: string | null; exitCode: string | null }): string {
  const rows: [string, string][] = [['status', statusLabel + (run.reason ? `: ${clip(run.reason, 160)}` : '')]];
  // Every change against the spec, unabridged: the run's automatic name shows only the first few.
  const changed = changes && Object.keys(changes).length > 0 ? changes : undefined;
  if (changed) rows.push(['changes', describeOverrides(changed)]);
  const metric = keyMetric(run.summary) ?? null;
  if (metric) rows.push([metric.key, show(metric.value)]);
  // The parameters that tell this experiment's runs apart, less those the changes already list.
  const present = varying.filter((key) => Object.hasOwn(run.params, key) && !(changed && Object.hasOwn(changed, key)));
  const titles = paramTitles(present);
  for (const key of present.slice(0, TOOLTIP_PARAMS)) rows.push([titles.get(key) ?? key, show(run.params[key]!)]);
  if (present.length > TOOLTIP_PARAMS) rows.push(['…', `and ${present.length - TOOLTIP_PARAMS} more parameters`]);
  const duration = runDuration(run, now);
  if (duration !== undefined) rows.push(['duration', formatDuration(duration) + (run.status === 'running' ? ' so far' : '')]);
  if (run.startedAt !== null) rows.push(['started', new Date(run.startedAt).toLocaleString()]);
  if (cluster) {
    const detail = [cluster.state, cluster.exitCode ? `exit code ${cluster.exitCode}` : null, cluster.node ? `on ${cluster.node}` : null].filter((part) => part !== null).join(', ');
    rows.push(['SLURM job', `${cluster.jobId}${detail ? ` (${detail})` : ''}`]);
  }
  if (note && note.tags.length > 0) rows.push(['tags', note.tags.join(', ')]);
  if (note?.note) rows.push(['note', clip(note.note, 160)]);
  return [
    `${note?.starred ? '★ ' : ''}**${escape(run.name)}** · run #${run.id} · ${escape(run.experimentName)}`,
    '',
    '| | |',
    '|:--|:--|',
    ...rows.map(([k, v]) => `| ${escape(k)} | ${escape(v)} |`),
  ].join('\n');
}

function show(value: ParamValue): string {
  if (typeof value === 'number') return formatNumber(value, 4);
  if (value === null) return 'none';
  return typeof value === 'object' ? clip(JSON.stringify(value), 60) : String(value);
}

function clip(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Markdown and table syntax in names and values shown as text. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
