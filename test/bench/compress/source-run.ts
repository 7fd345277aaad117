// The run a compression bench measures: the one given by --db/--run, else the template trained in
// full now (minutes) into a fresh store; and a fresh work folder for the exports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templateSpec, trainRun } from '../../unit/export/helpers.ts';

export async function benchRun(template: 'fashion-mnist-mlp' | 'fashion-mnist-cnn', given: { db?: string | undefined; run?: string | undefined }, prefix: string): Promise<{ work: string; dbPath: string; runId: number; trainSeconds: number }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dbPath = given.db ? path.resolve(given.db) : path.join(work, 'runs.db');
  if (given.run) return { work, dbPath, runId: Number(given.run), trainSeconds: 0 };
  const t0 = performance.now();
  process.stderr.write(`training ${template} on the full data...\n`);
  const trained = await trainRun(templateSpec(template), dbPath, template);
  trained.store.close();
  return { work, dbPath: trained.dbPath, runId: trained.runId, trainSeconds: (performance.now() - t0) / 1000 };
}
