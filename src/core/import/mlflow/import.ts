// `hyperlab import mlflow PATH_OR_SQLITE_URI`: MLflow experiments, runs, params, tags and metric
// histories (steps and timestamps) into the store. The source is a sqlite:/// tracking URI (or
// the .db file), or a file store (an mlruns/ folder, or a folder holding one).
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../errors.ts';
import type { Params } from '../../protocol/messages.ts';
import type { MetricPoint, RunStatus, Store } from '../../store/index.ts';
import { alreadyImported, SOURCE_TAG, type ImportReport } from '../report.ts';
import { readMlflowFileStore } from './file-source.ts';
import { readMlflowSqlite } from './sqlite-source.ts';
import type { MlflowRun } from './types.ts';

const END_STATUS: { [status: string]: Exclude<RunStatus, 'queued' | 'running' | 'pruned'> } = { FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

export function importMlflow(store: Store, source: string, cwd: string): ImportReport {
  const { kind, location } = resolveSource(source, cwd);
  const runs = kind === 'sqlite' ? readMlflowSqlite(location) : readMlflowFileStore(location);
  const report: ImportReport = { runs: [], skippedRuns: 0, points: 0, warnings: [] };
  const imported = alreadyImported(store);
  for (const run of runs) {
    const sourceId = `mlflow:${run.runId}`;
    if (imported.has(sourceId)) {
      report.skippedRuns++;
      continue;
    }
    report.points += writeRun(store, run, sourceId, report.warnings);
  }
  return report;

  function writeRun(target: Store, run: MlflowRun, sourceId: string, warnings: string[]): number {
    const record = target.createRun({ experiment: run.experiment, name: run.name, params: Object.fromEntries(run.params.map(([k, v]) => [k, paramValue(v)])) as Params });
    target.setTags(record.id, { ...Object.fromEntries(run.tags), [SOURCE_TAG]: sourceId });
    // MLflow may hold several values of a key at one step (different timestamps); the store keeps
    // one point per step, the latest, as MLflow's own charts draw the step's last value.
    const sorted = [...run.metrics].sort((a, b) => a.key.localeCompare(b.key) || a.step - b.step || a.timestamp - b.timestamp);
    const points: MetricPoint[] = sorted.map((m) => ({ key: m.key, step: m.step, time: m.timestamp, value: m.value }));
    const distinct = new Set(points.map((p) => `${p.key}\u0000${p.step}`)).size;
    if (distinct < points.length) warnings.push(`run ${run.name} (${run.runId}): ${points.length - distinct} metric values share a step with a later one; the latest is kept`);
    target.appendMetrics(record.id, points);
    const status = END_STATUS[run.status];
    target.endRun(record.id, status ?? 'failed', status ? null : `was ${run.status} in MLflow when imported`);
    target.setRunTimes(record.id, {
      ...(run.startTime !== null ? { createdAt: run.startTime, startedAt: run.startTime } : {}),
      endedAt: run.endTime,
    });
    report.runs.push({ id: record.id, experiment: run.experiment, name: run.name, points: distinct });
    return distinct;
  }
}

/** A param as MLflow stored it (always text), as a number where the text is exactly that number. */
function paramValue(text: string): string | number | boolean {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n) && String(n) === text) return n;
  return text;
}

function resolveSource(source: string, cwd: string): { kind: 'sqlite' | 'file'; location: string } {
  if (source.startsWith('sqlite:')) {
    // SQLAlchemy's form: sqlite:///relative.db, sqlite:////absolute.db
    const rest = source.replace(/^sqlite:\/\/\//, '');
    return { kind: 'sqlite', location: path.resolve(cwd, rest) };
  }
  const location = path.resolve(cwd, source.replace(/^file:\/\//, ''));
  if (!fs.existsSync(location)) {
    throw new HyperlabError('USAGE', `hyperlab import mlflow: ${location} does not exist`, 'Pass an mlruns/ folder, an mlflow.db file, or a sqlite:/// tracking URI.');
  }
  if (fs.statSync(location).isFile()) {
    const header = Buffer.alloc(16);
    const fd = fs.openSync(location, 'r');
    fs.readSync(fd, header, 0, 16, 0);
    fs.closeSync(fd);
    if (header.toString('latin1').startsWith('SQLite format 3')) return { kind: 'sqlite', location };
    throw new HyperlabError('USAGE', `hyperlab import mlflow: ${location} is not a SQLite database`, 'Pass an mlruns/ folder, an mlflow.db file, or a sqlite:/// tracking URI.');
  }
  const nested = path.join(location, 'mlruns');
  if (fs.existsSync(nested) && fs.statSync(nested).isDirectory()) return { kind: 'file', location: nested };
  const hasExperiments = fs.readdirSync(location, { withFileTypes: true }).some((e) => e.isDirectory() && fs.existsSync(path.join(location, e.name, 'meta.yaml')));
  if (!hasExperiments) {
    throw new HyperlabError('USAGE', `hyperlab import mlflow: ${location} is not an MLflow file store (no <experiment>/meta.yaml inside)`, 'Pass the mlruns/ folder MLflow writes, an mlflow.db file, or a sqlite:/// tracking URI.');
  }
  return { kind: 'file', location };
}
