// The per-layer sparsity report: zeros counted in the actual weights (what was exported),
// not in masks, so it also shows the zeros that quantization creates.
import type { LayerSparsity, SparsityReport, WeightTensor } from './types.ts';

export function sparsityReport(tensors: readonly WeightTensor[]): SparsityReport {
  const layers: LayerSparsity[] = tensors.map((t) => {
    let zeros = 0;
    for (let i = 0; i < t.data.length; i++) if (t.data[i] === 0) zeros++;
    return { name: t.name, total: t.data.length, zeros, sparsity: t.data.length ? zeros / t.data.length : 0 };
  });
  const total = layers.reduce((s, l) => s + l.total, 0);
  const zeros = layers.reduce((s, l) => s + l.zeros, 0);
  return { layers, total, zeros, sparsity: total ? zeros / total : 0 };
}
