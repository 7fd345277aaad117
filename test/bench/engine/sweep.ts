// Trials per hour: a small sweep of real engine processes (one process per trial) through the
// runner's RunPool at a given parallelism, on FashionMNIST.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunPool } from '../../../src/core/runner/pool.ts';
import { openStore } from '../../../src/core/store/index.ts';
import type { Params } from '../../../src/core/protocol/messages.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export interface SweepOptions {
  trials: number;
  parallelism: number;
  /** Overrides of the FashionMNIST MLP template applied to every trial (the seed varies). */
  overrides: Params;
}

function engineArgv(): string[] {
  const bundle = path.join(root, 'dist/engine.cjs');
  return [process.execPath, fs.existsSync(bundle) ? bundle : path.join(root, 'src/engine/main.ts')];
}

/** Runs the sweep; returns trials per hour (wall clock) and how many trials finished. */
export async function sweepTrialsPerHour(o: SweepOptions): Promise<{ trialsPerHour: number; finished: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-bench-sweep-'));
  const store = openStore(path.join(dir, 'runs.db'));
  try {
    const spec = JSON.parse(fs.readFileSync(path.join(root, 'media/templates/fashion-mnist-mlp.hyperlab.json'), 'utf8')) as Params;
    const pool = new RunPool({ store, parallelism: o.parallelism });
    const started = performance.now();
    const runs = Array.from({ length: o.trials }, (_, seed) => pool.submit({
      run: { experiment: 'bench-sweep', name: `trial ${seed}` },
      command: { argv: engineArgv(), cwd: path.join(root, 'media/templates') },
      start: { spec, overrides: o.overrides, seed },
    }));
    const outcomes = await Promise.all(runs.map((r) => r.done));
    const seconds = (performance.now() - started) / 1000;
    return { trialsPerHour: (o.trials / seconds) * 3600, finished: outcomes.filter((x) => x.status === 'finished').length };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
