import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import { AsyncSgd, type AsyncVariant } from '../../../src/engine/optim/async-sgd.ts';

/** Runs the optimizer on f(x) = a x²/2 (∇f = a x) and returns |x| after `steps`. */
function quadratic(a: number, eta: number, delay: number, variant: AsyncVariant = 'plain', momentum = 0.9, steps = 400): number {
  const p = makeParam('x', 'weight', [1]);
  p.value[0] = 1;
  const opt = new AsyncSgd({ delay, variant, momentum });
  for (let t = 0; t < steps; t++) {
    p.grad[0] = a * p.value[0]!;
    opt.step([p], eta);
    if (!Number.isFinite(p.value[0]!) || Math.abs(p.value[0]!) > 1e6) return Infinity;
  }
  return Math.abs(p.value[0]!);
}

const threshold = (tau: number) => 2 * Math.sin(Math.PI / (4 * tau + 2));

test('async SGD: τ = 0 is plain SGD (x ← x − η a x)', () => {
  const p = makeParam('x', 'weight', [1]);
  p.value[0] = 1;
  const opt = new AsyncSgd({ delay: 0 });
  p.grad[0] = 2;
  opt.step([p], 0.1);
  assert.ok(Math.abs(p.value[0]! - 0.8) < 1e-7);
});

test('async SGD: the update applies the gradient from τ steps earlier', () => {
  const p = makeParam('x', 'weight', [1]);
  const opt = new AsyncSgd({ delay: 2 });
  const applied: number[] = [];
  for (let t = 0; t < 5; t++) {
    const before = p.value[0]!;
    p.grad[0] = t + 1; // g_t = t + 1
    opt.step([p], 1);
    applied.push(before - p.value[0]!);
  }
  assert.deepEqual(applied, [0, 0, 1, 2, 3]);
});

test('async SGD: stable iff aη < 2 sin(π/(4τ+2)); τ > 0 diverges at an η where τ = 0 converges', () => {
  const a = 1;
  assert.ok(Math.abs(threshold(0) - 2) < 1e-12 && Math.abs(threshold(1) - 1) < 1e-12);
  for (const tau of [1, 2, 4]) {
    const t = threshold(tau);
    assert.ok(quadratic(a, 0.9 * t, tau, 'plain', 0, 3000) < 1e-3, `τ=${tau} should converge at 0.9× threshold`);
    assert.equal(quadratic(a, 1.1 * t, tau, 'plain', 0, 3000), Infinity, `τ=${tau} should diverge at 1.1× threshold`);
  }
  const eta = 0.8; // τ = 0 converges (aη < 2), τ = 2 diverges (threshold 0.618)
  assert.ok(quadratic(a, eta, 0) < 1e-6);
  assert.equal(quadratic(a, eta, 2), Infinity);
});

test('async SGD: largest stable η falls as 1/τ (1/η_max ≈ (2τ+1)/π)', () => {
  const etaMax = (tau: number) => {
    let lo = 0;
    let hi = 2.5;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (quadratic(1, mid, tau, 'plain', 0, 4000) < 1) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  for (const tau of [1, 3, 6]) {
    const measured = etaMax(tau);
    assert.ok(Math.abs(measured - threshold(tau)) < 0.02 * threshold(tau), `τ=${tau}: ${measured} vs ${threshold(tau)}`);
  }
});

test('async SGD with momentum and velocity exchange: both converge at a small η and blow up at a large one', () => {
  for (const variant of ['momentum', 'velocityExchange'] as const) {
    assert.ok(quadratic(1, 0.05, 2, variant, 0.9, 4000) < 1e-3, `${variant} small η`);
    assert.equal(quadratic(1, 50, 2, variant, 0.9, 4000), Infinity, `${variant} large η`);
  }
});

test('async SGD: velocity exchange applies v_{t+1} = m v_{t−τ} − η(1−m) g_{t−τ}', () => {
  const p = makeParam('x', 'weight', [1]);
  const opt = new AsyncSgd({ delay: 1, variant: 'velocityExchange', momentum: 0.5 });
  const moves: number[] = [];
  for (let t = 0; t < 4; t++) {
    const before = p.value[0]!;
    p.grad[0] = 1;
    opt.step([p], 2); // η(1−m) g = 1
    moves.push(+(p.value[0]! - before).toFixed(6));
  }
  // v1 = 0 (no stale grad yet); v2 = m·v0 − 1 = −1; v3 = m·v1 − 1 = −1; v4 = m·v2 − 1 = −1.5
  assert.deepEqual(moves, [0, -1, -1, -1.5]);
});
