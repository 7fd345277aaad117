// Where a run keeps its files (checkpoints, exports): beside the store, one folder per run, so
// a workspace's runs and their files travel together and a deleted run's folder is easy to find.
import path from 'node:path';

export function runDirectory(storePath: string, runId: number): string {
  return path.join(path.dirname(path.resolve(storePath)), 'runs', String(runId));
}
