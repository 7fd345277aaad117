// Shared by the runner and CLI tests: a real store in a temp folder and fixture commands.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import type { ProducerCommand } from '../../../src/core/runner/index.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
export const PRODUCER = path.join(FIXTURES, 'producer.mjs');

export function tempDir(prefix = 'hyperlab-runner-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function tempStore(): { store: Store; dir: string; dbPath: string } {
  const dir = tempDir();
  const dbPath = path.join(dir, 'runs.db');
  return { store: openStore(dbPath), dir, dbPath };
}

export function fixture(mode: string, dir: string, env: { [key: string]: string } = {}): ProducerCommand {
  return { argv: [process.execPath, PRODUCER, mode], cwd: dir, env: { ...process.env, ...env } };
}

/** Waits until the fixture has recorded its progress in the side file, and returns it. */
export async function waitForSideFile(file: string): Promise<{ [key: string]: unknown }> {
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as { [key: string]: unknown };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Points stored per metric key, read back through the store's SQL aggregation. */
export function pointCounts(store: Store, runId: number): { [key: string]: number } {
  const counts: { [key: string]: number } = {};
  for (const key of store.metricKeys(runId)) counts[key] = store.series(runId, key, { buckets: 1 })[0]?.count ?? 0;
  return counts;
}

/** Small grace periods so stop escalation happens quickly in tests. */
export const FAST_STOP = { stopGraceMs: 150, killGraceMs: 150 };
