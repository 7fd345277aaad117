// The spec's optimizer section (and train.async) to one of the numerical core's optimizers.
import type { TrainSpec } from '../../core/spec/types.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer } from '../nn/types.ts';
import { Adadelta } from '../optim/adadelta.ts';
import { Adagrad } from '../optim/adagrad.ts';
import { Adam } from '../optim/adam.ts';
import { AsyncSgd } from '../optim/async-sgd.ts';
import { DelayedGradients } from '../optim/delayed-gradients.ts';
import { RmsProp } from '../optim/rmsprop.ts';
import { Sgd } from '../optim/sgd.ts';

export interface BuiltOptimizer {
  optimizer: Optimizer;
  /** Whether the optimizer applies train.weightDecay itself (Adam/AdamW); else the loop does. */
  ownsWeightDecay: boolean;
}

/**
 * `kernels` run the element-wise updates of every optimizer but asynchronous SGD (default: JS).
 * With train.async.delay τ > 0, the "plain" variant feeds each gradient τ steps late to the
 * chosen optimizer (plain SGD gives TECHNIQUES.md's x ← x − η∇f(x_{t−τ})); the momentum and
 * velocity-exchange variants are SGD rules of their own, which spec validation allows only with
 * train.optimizer.kind "sgd" (src/core/spec/async-rule.ts), so what the params say is what ran.
 */
export function makeOptimizer(train: TrainSpec, kernels?: Kernels): BuiltOptimizer {
  const delay = train.async.delay;
  if (delay > 0 && train.async.variant !== 'plain') {
    const variant = train.async.variant === 'velocity-exchange' ? 'velocityExchange' : train.async.variant;
    return { optimizer: new AsyncSgd({ delay, variant, momentum: train.async.momentum }), ownsWeightDecay: false };
  }
  const built = synchronousOptimizer(train, kernels);
  return delay > 0 ? { optimizer: new DelayedGradients(built.optimizer, delay), ownsWeightDecay: built.ownsWeightDecay } : built;
}

function synchronousOptimizer(train: TrainSpec, kernels?: Kernels): BuiltOptimizer {
  const k = kernels ? { kernels } : {};
  const o = train.optimizer;
  const eps = o.eps ?? undefined;
  switch (o.kind) {
    case 'sgd':
      return { optimizer: new Sgd(k), ownsWeightDecay: false };
    case 'momentum':
      return { optimizer: new Sgd({ momentum: o.momentum, form: o.momentumForm, ...k }), ownsWeightDecay: false };
    case 'nesterov':
      return { optimizer: new Sgd({ momentum: o.momentum, nesterov: true, form: o.momentumForm, ...k }), ownsWeightDecay: false };
    case 'rmsprop':
      return { optimizer: new RmsProp({ beta: o.rho ?? 0.99, ...(eps === undefined ? {} : { eps }), ...k }), ownsWeightDecay: false };
    case 'adam':
    case 'adamw':
      return { optimizer: new Adam({ beta1: o.beta1, beta2: o.beta2, weightDecay: train.weightDecay, ...(eps === undefined ? {} : { eps }), ...k }), ownsWeightDecay: true };
    case 'adagrad':
      return { optimizer: new Adagrad({ ...(eps === undefined ? {} : { eps }), ...k }), ownsWeightDecay: false };
    case 'adadelta':
      return { optimizer: new Adadelta({ rho: o.rho ?? 0.9, ...(eps === undefined ? {} : { eps }), ...k }), ownsWeightDecay: false };
  }
}
