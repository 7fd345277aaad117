// A run's per-layer statistics as aligned series for the Gradient monitor, thinned to at most
// `maxSteps` evenly spaced samples (always keeping the latest), non-finite values as null.
import type { LayerStat } from '../protocol/messages.ts';
import type { Store } from '../store/types.ts';
import type { LayerSeries } from './contract.ts';

export interface LayerSeriesResult { steps: number[]; layers: LayerSeries[]; totalSteps: number }

export function layerSeries(store: Store, runId: number, maxSteps: number): LayerSeriesResult {
  const all = store.layerStats(runId);
  const picked = thin(all, maxSteps);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of picked) for (const l of row.layers) if (!seen.has(l.name)) { seen.add(l.name); names.push(l.name); }
  const finite = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const layers = names.map((name): LayerSeries => {
    const series: LayerSeries = { name, gradNorm: [], weightNorm: [], updateRatio: [], deadFraction: [] };
    for (const row of picked) {
      const stat: LayerStat | undefined = row.layers.find((l) => l.name === name);
      series.gradNorm.push(finite(stat?.gradNorm));
      series.weightNorm.push(finite(stat?.weightNorm));
      series.updateRatio.push(finite(stat?.updateRatio));
      series.deadFraction.push(finite(stat?.deadFraction));
    }
    return series;
  });
  return { steps: picked.map((r) => r.step), layers, totalSteps: all.length };
}

function thin<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(rows[Math.round((i * (rows.length - 1)) / (max - 1))]!);
  return out;
}
