// Reads runs from an MLflow file store (mlruns/): <experiment id>/meta.yaml, and per run
// <run id>/meta.yaml, metrics/<key> ("timestamp value step" lines), params/<key>, tags/<key>
// (a key with "/" is a nested path). The meta.yaml files are flat `key: value` YAML.
import fs from 'node:fs';
import path from 'node:path';
import { STATUS_BY_NUMBER, type MlflowMetric, type MlflowRun } from './types.ts';

export function readMlflowFileStore(root: string): MlflowRun[] {
  const runs: MlflowRun[] = [];
  for (const experimentDir of subfolders(root)) {
    const meta = readMeta(path.join(experimentDir, 'meta.yaml'));
    if (!meta || meta['lifecycle_stage'] === 'deleted') continue;
    const experiment = meta['name'] ?? path.basename(experimentDir);
    for (const runDir of subfolders(experimentDir)) {
      const run = readMeta(path.join(runDir, 'meta.yaml'));
      if (!run || run['lifecycle_stage'] === 'deleted') continue;
      const runId = run['run_id'] ?? run['run_uuid'] ?? path.basename(runDir);
      const tags = keyedFiles(path.join(runDir, 'tags')).map(([k, text]) => [k, text] as [string, string]);
      runs.push({
        runId,
        experiment,
        name: run['run_name'] || tags.find(([k]) => k === 'mlflow.runName')?.[1] || runId,
        status: STATUS_BY_NUMBER[run['status'] ?? ''] ?? run['status'] ?? 'FINISHED',
        startTime: numberOrNull(run['start_time']),
        endTime: numberOrNull(run['end_time']),
        params: keyedFiles(path.join(runDir, 'params')),
        tags,
        metrics: keyedFiles(path.join(runDir, 'metrics')).flatMap(([key, text]) => parseMetricLines(key, text)),
      });
    }
  }
  return runs.sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0) || a.runId.localeCompare(b.runId));
}

function parseMetricLines(key: string, text: string): MlflowMetric[] {
  const out: MlflowMetric[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || parts[0] === '') continue;
    out.push({ key, timestamp: Number(parts[0]), value: Number(parts[1]), step: parts[2] === undefined ? 0 : Number(parts[2]) });
  }
  return out;
}

function subfolders(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name)).sort();
}

/** Every file under `dir` as [its path relative to dir, with "/" separators; its text]. */
function keyedFiles(dir: string): [string, string][] {
  if (!fs.existsSync(dir)) return [];
  const out: [string, string][] = [];
  const visit = (folder: string) => {
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile()) out.push([path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8')]);
    }
  };
  visit(dir);
  return out.sort(([a], [b]) => a.localeCompare(b));
}

function readMeta(file: string): { [key: string]: string } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const meta: { [key: string]: string } = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][\w]*):\s*(.*)$/.exec(line);
    if (match) meta[match[1]!] = unquote(match[2]!.trim());
  }
  return meta;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return JSON.parse(value) as string;
  return value;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'null') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
