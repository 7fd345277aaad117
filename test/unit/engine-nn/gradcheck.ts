// Finite-difference gradient checking for layers and losses. The scalar objective is
// L = Σ r ⊙ f(x) with a fixed random r, so every output element's gradient is exercised.
// Central differences on float32 tensors, evaluated and summed in float64.
import { Rng } from '../../../src/engine/rng.ts';
import type { ForwardContext, Layer, Param, Tensor } from '../../../src/engine/nn/types.ts';

export interface GradCheckResult {
  /** Worst relative error max|a−n| / max(1e-3 scale, |a|+|n|) over the checked entries. */
  maxRelError: number;
  checked: number;
}

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * rng.normal();
  return { data, shape };
}

function objective(out: Tensor, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < out.data.length; i++) s += r[i]! * out.data[i]!;
  return s;
}

/** The context factory must return an identical context each call (e.g. a fresh Rng(seed) for dropout). */
export function checkLayer(
  layer: Layer, x: Tensor, makeCtx: () => ForwardContext = () => ({ training: true, rng: new Rng(7) }),
  options: { h?: number; maxEntries?: number } = {},
): { input: GradCheckResult; params: Map<string, GradCheckResult> } {
  const h = options.h ?? 1e-2;
  const maxEntries = options.maxEntries ?? 40;
  const y0 = layer.forward(x, makeCtx());
  const rng = new Rng(99);
  const r = new Float64Array(y0.data.length);
  for (let i = 0; i < r.length; i++) r[i] = rng.normal();
  const dy: Tensor = { data: Float32Array.from(r), shape: y0.shape };
  for (const p of layer.params()) p.grad.fill(0);
  // copy: layers reuse their buffers
  const dx = Float32Array.from(layer.backward(dy).data);
  const analyticParam = new Map(layer.params().map((p) => [p.name, Float32Array.from(p.grad)]));

  const f = (): number => objective(layer.forward(x, makeCtx()), r);
  const probe = (values: Float32Array, analytic: Float32Array): GradCheckResult => {
    const pick = new Rng(5);
    const count = Math.min(values.length, maxEntries);
    const indices = values.length <= maxEntries ? [...values.keys()] : Array.from({ length: count }, () => pick.int(values.length));
    let worst = 0;
    for (const i of indices) {
      const orig = values[i]!;
      values[i] = orig + h;
      const hp = values[i]! - orig;
      const fp = f();
      values[i] = orig - h;
      const hm = orig - values[i]!;
      const fm = f();
      values[i] = orig;
      const numeric = (fp - fm) / (hp + hm);
      const a = analytic[i]!;
      const err = Math.abs(a - numeric) / Math.max(1e-2, Math.abs(a) + Math.abs(numeric));
      if (err > worst) worst = err;
    }
    return { maxRelError: worst, checked: indices.length };
  };
  const input = probe(x.data, dx);
  const params = new Map<string, GradCheckResult>();
  for (const p of layer.params() as Param[]) params.set(p.name, probe(p.value, analyticParam.get(p.name)!));
  return { input, params };
}
