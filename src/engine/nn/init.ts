// Weight initializers. Fans come from the parameter's shape as PyTorch computes them:
// [out, in] → fan_in = in, fan_out = out; conv [outC, inC, kh, kw] → fan_in = inC·kh·kw,
// fan_out = outC·kh·kw.
import { HyperlabError } from '../../core/errors.ts';
import type { Rng } from '../rng.ts';
import type { Param } from './types.ts';

export type WeightInit =
  | { kind: 'uniform'; a: number }
  | { kind: 'normal'; std: number }
  | { kind: 'glorotUniform' }
  | { kind: 'glorotNormal' }
  | { kind: 'heUniform' }
  | { kind: 'heNormal' }
  /** nn.Linear / nn.Conv2d's own default: U(±1/√fan_in) (kaiming_uniform with a = √5). */
  | { kind: 'pytorchDefault' };

export type BiasInit = { kind: 'zeros' } | { kind: 'constant'; value: number } | { kind: 'pytorchDefault' };

export const WEIGHT_INIT_KINDS = ['uniform', 'normal', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'pytorchDefault'] as const;

export interface Fans {
  fanIn: number;
  fanOut: number;
}

export function fansOf(shape: readonly number[]): Fans {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function fillUniform(v: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
}

function fillNormal(v: Float32Array, std: number, rng: Rng): void {
  for (let i = 0; i < v.length; i++) v[i] = std * rng.normal();
}

/** Fill a weight tensor of the given shape. */
export function initWeight(value: Float32Array, shape: readonly number[], init: WeightInit, rng: Rng): void {
  const { fanIn, fanOut } = fansOf(shape);
  switch (init.kind) {
    case 'uniform':
      if (!(init.a >= 0)) throw new HyperlabError('SPEC_INVALID', `uniform init bound a must be ≥ 0, got ${init.a}`, 'Set init.a to e.g. 0.05.');
      return fillUniform(value, init.a, rng);
    case 'normal':
      if (!(init.std >= 0)) throw new HyperlabError('SPEC_INVALID', `normal init std must be ≥ 0, got ${init.std}`, 'Set init.std to e.g. 0.1 (σ² = 0.01).');
      return fillNormal(value, init.std, rng);
    case 'glorotUniform':
      return fillUniform(value, Math.sqrt(6 / (fanIn + fanOut)), rng);
    case 'glorotNormal':
      return fillNormal(value, Math.sqrt(2 / (fanIn + fanOut)), rng);
    case 'heUniform':
      return fillUniform(value, Math.sqrt(6 / fanIn), rng);
    case 'heNormal':
      return fillNormal(value, Math.sqrt(2 / fanIn), rng);
    case 'pytorchDefault':
      return fillUniform(value, 1 / Math.sqrt(fanIn), rng);
  }
}

/**
 * Initialize a model's parameters in order: weights by `weight`, biases by `bias` (whose
 * 'pytorchDefault' uses the fan-in of the weight just before it). Norm parameters keep their
 * γ = 1, β = 0 from construction.
 */
export function initParams(params: readonly Param[], weight: WeightInit, bias: BiasInit, rng: Rng): void {
  let lastFanIn = 1;
  for (const p of params) {
    if (p.role === 'weight') {
      initWeight(p.value, p.shape, weight, rng);
      lastFanIn = fansOf(p.shape).fanIn;
    } else if (p.role === 'bias') {
      if (bias.kind === 'zeros') p.value.fill(0);
      else if (bias.kind === 'constant') p.value.fill(bias.value);
      else fillUniform(p.value, 1 / Math.sqrt(lastFanIn), rng);
    }
  }
}
