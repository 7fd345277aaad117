// Reads what the Comparison panel shows from the store: the newest runs (of one experiment or
// all), their metric ranges in one query, as a column-wise dataset; and two runs' spec diff.
import { HyperlabError } from '../errors.ts';
import type { Run, Store } from '../store/types.ts';
import { buildCompareDataset } from './dataset.ts';
import { diffSpecs, type SpecDiffRow } from './spec-diff.ts';
import type { Artifact } from '../store/types.ts';
import type { CompareDataset, ExportRecord } from './types.ts';

/** More runs than a person can compare on one screen; the table still scrolls through all of them. */
export const MAX_COMPARED_RUNS = 20_000;

export interface LoadedComparison {
  dataset: CompareDataset;
  experiment: string | null;
  experiments: string[];
  total: number;
  truncated: boolean;
}

export function loadComparison(store: Store, experiment: string | null, limit = MAX_COMPARED_RUNS): LoadedComparison {
  const experiments = store.listExperiments().map((e) => e.name);
  const scope = experiment !== null && experiments.includes(experiment) ? experiment : null;
  const query = scope === null ? {} : { experiment: scope };
  const total = store.countRuns(query);
  const runs = store.listRuns({ ...query, sortBy: 'id', order: 'desc', limit });
  const ranges = total <= limit ? store.metricRanges() : store.metricRanges(runs.map((r) => r.id));
  const tags = new Map([...store.annotations(runs.map((r) => r.id))].map(([id, a]) => [id, a.tags]));
  const exports = exportRecords(store.artifactsOfKind('export'), new Set(runs.map((r) => r.id)));
  return { dataset: buildCompareDataset(runs, ranges, tags, exports), experiment: scope, experiments, total, truncated: total > runs.length };
}

/** The 'export' artifacts of the compared runs whose meta has a label, a size and an accuracy (others are skipped). */
export function exportRecords(artifacts: readonly Artifact[], runIds: ReadonlySet<number>): Map<number, ExportRecord[]> {
  const byRun = new Map<number, ExportRecord[]>();
  for (const a of artifacts) {
    const { label, bytes, testAcc } = a.meta ?? {};
    if (!runIds.has(a.runId) || typeof label !== 'string' || typeof bytes !== 'number' || typeof testAcc !== 'number' || !Number.isFinite(testAcc)) continue;
    const list = byRun.get(a.runId) ?? [];
    list.push({ label, bytes, testAcc });
    byRun.set(a.runId, list);
  }
  return byRun;
}

export function loadSpecDiff(store: Store, leftId: number, rightId: number): { left: Run; right: Run; rows: SpecDiffRow[] } {
  const left = store.getRun(leftId);
  const right = store.getRun(rightId);
  const missing = !left ? leftId : !right ? rightId : null;
  if (missing !== null || !left || !right) {
    throw new HyperlabError('RUN_NOT_FOUND', `run ${missing} is no longer in the store`, 'It may have been deleted: the table refreshes on its own; pick another run.');
  }
  return { left, right, rows: diffSpecs(left.params, right.params) };
}
