// The optimizers' element-wise updates, in float32 lanes (the JS reference computes each
// element in float64 and rounds once; the two agree to float32 rounding).

/** θ ← θ − lr·g */
export function sgdStep(w: usize, g: usize, length: i32, lr: f32): void {
  const l = f32x4.splat(lr);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(l, v128.load(g + o)))); }
  for (; i < length; i++) { const o = <usize>i << 2; store<f32>(w + o, load<f32>(w + o) - lr * load<f32>(g + o)); }
}

/** PyTorch's momentum: m ← μm + g (m ← g on the first step); θ ← θ − lr·(nesterov ? g + μm : m). */
export function momentumStep(w: usize, g: usize, m: usize, length: i32, lr: f32, mu: f32, nesterov: i32, first: i32): void {
  const l = f32x4.splat(lr), u = f32x4.splat(first ? 0 : mu), un = f32x4.splat(mu);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(u, v128.load(m + o)), gi);
    v128.store(m + o, mi);
    const d = nesterov ? f32x4.add(gi, f32x4.mul(un, mi)) : mi;
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(l, d)));
  }
  const us: f32 = first ? 0 : mu;
  for (; i < length; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = us * load<f32>(m + o) + gi;
    store<f32>(m + o, mi);
    store<f32>(w + o, load<f32>(w + o) - lr * (nesterov ? gi + mu * mi : mi));
  }
}

/**
 * Adam(W): m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ·shrink − stepSize·m / (√v·invBc2Sqrt + ε).
 * 1 − β1, 1 − β2 and 1/√(1 − β2ᵗ) come in computed in float64 (rounded once to f32): computed here
 * in f32, 1 − 0.999 is 0.00099998713 and every early step came out ~6.4e-6 too large.
 */
export function adamStep(w: usize, g: usize, m: usize, v: usize, length: i32, stepSize: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, invBc2Sqrt: f32, eps: f32, shrink: f32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const inv = f32x4.splat(invBc2Sqrt), e = f32x4.splat(eps), st = f32x4.splat(stepSize), sh = f32x4.splat(shrink);
  const n4 = length & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), inv), e);
    v128.store(w + o, f32x4.sub(f32x4.mul(v128.load(w + o), sh), f32x4.div(f32x4.mul(st, mi), denom)));
  }
  for (; i < length; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + oneMinusBeta1 * gi;
    const vi = beta2 * load<f32>(v + o) + oneMinusBeta2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, load<f32>(w + o) * shrink - (stepSize * mi) / (Mathf.sqrt(vi) * invBc2Sqrt + eps));
  }
}
