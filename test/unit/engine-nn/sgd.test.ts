import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';

function param(value: number, grad: number) {
  const p = makeParam('w', 'weight', [1]);
  p.value[0] = value;
  p.grad[0] = grad;
  return p;
}

test('sgd: plain step is θ − α g', () => {
  const p = param(1, 0.5);
  new Sgd().step([p], 0.1);
  assert.ok(Math.abs(p.value[0]! - 0.95) < 1e-7);
});

test('sgd: PyTorch momentum m ← μm + g, θ ← θ − α m over two steps', () => {
  const p = param(1, 1);
  const opt = new Sgd({ momentum: 0.9 });
  opt.step([p], 0.1); // m = 1, θ = 0.9
  p.grad[0] = 0.5;
  opt.step([p], 0.1); // m = 0.9 + 0.5 = 1.4, θ = 0.9 − 0.14 = 0.76
  assert.ok(Math.abs(p.value[0]! - 0.76) < 1e-6, `${p.value[0]}`);
  assert.ok(Math.abs(opt.state().get('w.momentum')![0]! - 1.4) < 1e-6);
});

test('sgd: PyTorch Nesterov θ ← θ − α (g + μ m)', () => {
  const p = param(1, 1);
  const opt = new Sgd({ momentum: 0.9, nesterov: true });
  opt.step([p], 0.1); // m = 1, d = 1 + 0.9 = 1.9, θ = 0.81
  assert.ok(Math.abs(p.value[0]! - 0.81) < 1e-6);
  p.grad[0] = 0.5;
  opt.step([p], 0.1); // m = 1.4, d = 0.5 + 1.26 = 1.76, θ = 0.81 − 0.176 = 0.634
  assert.ok(Math.abs(p.value[0]! - 0.634) < 1e-6, `${p.value[0]}`);
});

test('sgd: classic velocity form v ← μv − α g, θ ← θ + v', () => {
  const p = param(1, 1);
  const opt = new Sgd({ momentum: 0.5, form: 'classic' });
  opt.step([p], 0.1); // v = −0.1, θ = 0.9
  p.grad[0] = 2;
  opt.step([p], 0.1); // v = −0.05 − 0.2 = −0.25, θ = 0.65
  assert.ok(Math.abs(p.value[0]! - 0.65) < 1e-6);
});

test('sgd: classic Nesterov θ ← θ − μ v_old + (1 + μ) v_new', () => {
  const p = param(1, 1);
  const opt = new Sgd({ momentum: 0.5, form: 'classic', nesterov: true });
  opt.step([p], 0.1); // v = −0.1; θ = 1 − 0 + 1.5·(−0.1) = 0.85
  assert.ok(Math.abs(p.value[0]! - 0.85) < 1e-6);
  p.grad[0] = 2;
  opt.step([p], 0.1); // v = −0.25; θ = 0.85 + 0.05 − 0.375 = 0.525
  assert.ok(Math.abs(p.value[0]! - 0.525) < 1e-6, `${p.value[0]}`);
});

test('sgd: invalid momentum is a typed error', () => {
  assert.throws(() => new Sgd({ momentum: 1.5 }), /momentum must be in \[0, 1\)/);
  assert.throws(() => new Sgd({ nesterov: true }), /Nesterov needs a momentum/);
});
