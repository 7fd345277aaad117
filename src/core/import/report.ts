// What an import did, and how a second import of the same source is recognised: each imported
// run carries the tag `hyperlab.import.source` naming where it came from.
import type { Store } from '../store/index.ts';

export const SOURCE_TAG = 'hyperlab.import.source';

export interface ImportReport {
  runs: { id: number; experiment: string; name: string; points: number }[];
  /** Runs already imported before (found by their source tag), left as they are. */
  skippedRuns: number;
  points: number;
  warnings: string[];
}

/** The sources of every run imported before. */
export function alreadyImported(store: Store): Set<string> {
  const sources = new Set<string>();
  for (const run of store.listRuns({ limit: -1 })) {
    const source = store.tags(run.id)[SOURCE_TAG];
    if (source !== undefined) sources.add(source);
  }
  return sources;
}
