// `hyperlab runs show ID`: everything about one run.
import { HyperlabError } from '../../core/errors.ts';
import type { ClusterJob, Run, Store } from '../../core/store/index.ts';
import { formatBytes, formatDuration, formatNumber, formatTime, formatValue, table } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForReading } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, parseRunId, resolveDb } from '../options.ts';
import { syncBeforeReading } from './sync.ts';
import { usageError } from '../usage.ts';
import { metricStats } from './metric-stats.ts';

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' } } as const;
const LOG_TAIL = 20;

export function runsShow(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('runs show', args, OPTIONS);
  if (positionals.length > 1) throw usageError(`hyperlab runs show: expected one run ID, got ${positionals.length}`, 'Show one run at a time: hyperlab runs show ID');
  const runId = parseRunId(positionals[0], 'runs show');
  const dbPath = resolveDb(values.db, io.cwd);
  syncBeforeReading(dbPath, io);
  const store = openForReading(dbPath, io.stderr);
  try {
    const run = store.getRun(runId);
    if (!run) throw new HyperlabError('RUN_NOT_FOUND', `no run with ID ${runId}`, 'List run ids with: hyperlab runs ls');
    const cluster = store.cluster.get(runId) ?? null;
    const details = { run, tags: store.tags(runId), metrics: metricStats(store, runId), artifacts: store.artifacts(runId), log: store.log(runId, { tail: LOG_TAIL }), cluster };
    if (values.json) io.stdout(toJson(details) + '\n');
    else io.stdout(describe(details, store));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function describe(details: { run: Run; tags: { [key: string]: string }; metrics: ReturnType<typeof metricStats>; artifacts: ReturnType<Store['artifacts']>; log: ReturnType<Store['log']>; cluster: ClusterJob | null }, _store: Store): string {
  const { run, tags, metrics, artifacts, log, cluster } = details;
  const out: string[] = [];
  out.push(`Run ${run.id}${run.name ? ` "${run.name}"` : ''} (experiment ${run.experimentName}): ${run.status}`);
  if (run.reason) out.push(`  reason:   ${run.reason}`);
  out.push(`  created:  ${formatTime(run.createdAt)}   started: ${formatTime(run.startedAt)}   duration: ${formatDuration(run.startedAt, run.endedAt)}${run.pid ? `   pid: ${run.pid}` : ''}`);
  if (run.specPath) out.push(`  spec:     ${run.specPath}`);
  if (cluster) out.push(`  cluster:  SLURM job ${cluster.jobId}${cluster.state ? ` (${cluster.state}${cluster.exitCode ? `, exit code ${cluster.exitCode}` : ''}${cluster.node ? ` on ${cluster.node}` : ''})` : ''}   channel: ${cluster.channel}`);
  if (Object.keys(tags).length > 0) out.push(`  tags:     ${Object.entries(tags).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(', ')}`);
  out.push('', section('Params', run.params));
  out.push(section('Summary', run.summary));
  out.push(`Metrics (${metrics.length} key${metrics.length === 1 ? '' : 's'})`);
  if (metrics.length > 0) {
    const rows = metrics.map((m) => [m.key, String(m.points), String(m.lastStep), formatNumber(m.last), formatNumber(m.min), formatNumber(m.max)]);
    out.push(indent(table(['KEY', 'POINTS', 'LAST STEP', 'LAST', 'MIN', 'MAX'], rows, [1, 2, 3, 4, 5])));
  }
  out.push(`Artifacts (${artifacts.length})`);
  if (artifacts.length > 0) {
    const rows = artifacts.map((a) => [a.kind, a.path, formatBytes(a.size), a.sha256 ? a.sha256.slice(0, 12) : '-']);
    out.push(indent(table(['KIND', 'PATH', 'SIZE', 'SHA256'], rows, [2])));
  }
  out.push(`Log (last ${log.length} line${log.length === 1 ? '' : 's'})`);
  for (const line of log) out.push(`  ${line.stream.padEnd(8)} ${line.text}`);
  return out.join('\n') + '\n';
}

function section(title: string, values: { [key: string]: unknown } | null): string {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return `${title}: none\n`;
  const width = Math.max(...entries.map(([k]) => k.length));
  return `${title}\n${entries.map(([k, v]) => `  ${k.padEnd(width)}  ${formatValue(v)}`).join('\n')}\n`;
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((line) => `  ${line}`).join('\n') + '\n';
}
