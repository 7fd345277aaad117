// What the Gradient monitor is sent for its run: the run's current status and reason with every
// batch of layer statistics, so the refresh that follows a run's end shows how it ended (and
// why), not the "running" it said when the panel opened.
import type { Run, Store } from '../store/types.ts';
import type { GradientsRun, GradientsToWebview } from './contract.ts';
import { gradientAlerts } from './gradient-alerts.ts';
import { layerSeries } from './layer-series.ts';
import { runRef } from './panel-data.ts';

export type LayerStatsMessage = Extract<GradientsToWebview, { type: 'layerStats' }>;

export function gradientsRun(run: Run): GradientsRun {
  return { ...runRef(run), reason: run.reason };
}

/**
 * The run's layer statistics (at most `maxSteps` samples), alerts and status; null when the run
 * is gone. A run without a spec file is a script's (the Python client's): its remedies are PyTorch code.
 */
export function layerStatsMessage(store: Store, runId: number, maxSteps: number): LayerStatsMessage | null {
  const run = store.getRun(runId);
  if (!run) return null;
  const result = layerSeries(store, runId, maxSteps);
  return { type: 'layerStats', runId, run: gradientsRun(run), ...result, alerts: gradientAlerts(result.steps, result.layers, run.specPath === null ? 'script' : 'spec') };
}
