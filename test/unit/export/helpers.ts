// A real trained run in a real store for the export tests: the engine trains a small model on a
// FashionMNIST subset in-process, writes its checkpoints into the run's folder, and the run is
// recorded as the runner records it (params, checkpoint artifacts, summary).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyOverrides, flattenSpec, parseSpec, type Spec } from '../../../src/core/spec/index.ts';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import type { Params } from '../../../src/core/protocol/messages.ts';
import { runDirectory } from '../../../src/core/runner/run-directory.ts';
import { neverStop, silentReporter } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';

export const FASHION = '/usr/share/datasets/fashion-mnist';
const templates = path.resolve(import.meta.dirname, '../../../media/templates');

export function tmpDir(prefix = 'hyperlab-export-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function templateSpec(name: 'fashion-mnist-mlp' | 'fashion-mnist-cnn', overrides: Record<string, unknown> = {}): Spec {
  const spec = parseSpec(fs.readFileSync(path.join(templates, `${name}.hyperlab.json`), 'utf8'));
  return applyOverrides(spec, { 'data.path': FASHION, 'train.statsEvery': 0, ...overrides });
}

export interface TrainedRun {
  store: Store;
  dbPath: string;
  runId: number;
  dir: string;
}

/** Trains `spec` in-process and records it in the store at `dbPath` (created if missing). */
export async function trainRun(spec: Spec, dbPath: string, experiment = 'export-test'): Promise<TrainedRun> {
  const store = openStore(dbPath);
  const run = store.createRun({ experiment, params: flattenSpec(spec) as Params });
  const checkpointDir = runDirectory(dbPath, run.id);
  store.markRunning(run.id, process.pid);
  const artifacts: { kind: string; path: string; meta?: Params }[] = [];
  const result = await runExperiment({
    spec, specDir: path.dirname(dbPath), control: neverStop, checkpointDir,
    reporter: { ...silentReporter, artifact: (kind, file, meta) => artifacts.push({ kind, path: file, ...(meta ? { meta } : {}) }) },
  });
  for (const a of artifacts) store.addArtifact(run.id, { kind: a.kind, path: a.path, size: fs.statSync(a.path).size, meta: a.meta ?? null });
  store.endRun(run.id, result.status === 'diverged' ? 'diverged' : 'finished', result.reason ?? null, result.summary);
  return { store, dbPath, runId: run.id, dir: checkpointDir };
}

/** A small MLP on 3,000 FashionMNIST images, 1 epoch (a few seconds). */
export function smallMlpSpec(overrides: Record<string, unknown> = {}): Spec {
  return templateSpec('fashion-mnist-mlp', {
    'data.limit': 3000, 'data.testLimit': 1000, 'train.epochs': 1,
    'model.layers': [{ type: 'flatten' }, { type: 'dense', units: 64, activation: 'relu' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10 }],
    ...overrides,
  });
}
