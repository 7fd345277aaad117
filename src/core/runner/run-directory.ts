// Where a run keeps its files (checkpoints, exports): beside the store, one folder per run, so
// a workspace's runs and their files travel together and a deleted run's folder is easy to find.
import fs from 'node:fs';
import path from 'node:path';

export function runDirectory(storePath: string, runId: number): string {
  return path.join(path.dirname(path.resolve(storePath)), 'runs', String(runId));
}

/**
 * Removes a deleted run's own folder. Run ids can be reused after the newest run is deleted, so a
 * folder left behind would mix an old run's checkpoints into a new one's.
 */
export function removeRunDirectory(storePath: string, runId: number): void {
  fs.rmSync(runDirectory(storePath, runId), { recursive: true, force: true });
}
