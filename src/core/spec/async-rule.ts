// The one rule between train.async and train.optimizer: with a delay, the "plain" variant feeds
// the delayed gradients to the chosen optimizer, but the momentum and velocity-exchange variants
// are SGD update rules of their own (TECHNIQUES.md, asynchronous SGD) and would replace it. So
// they are allowed only with optimizer "sgd": a stored `adam` must never hide a run of SGD.
import type { Spec } from './types.ts';

export function asyncOptimizerProblems(spec: Spec): string[] {
  const { delay, variant } = spec.train.async;
  const kind = spec.train.optimizer.kind;
  if (delay === 0 || variant === 'plain' || kind === 'sgd') return [];
  return [`train.async.variant: "${variant}" is asynchronous SGD with its own momentum (train.async.momentum) and would replace train.optimizer.kind "${kind}"; `
    + `set train.optimizer.kind to "sgd" for it, or use train.async.variant "plain", which gives ${kind} each gradient ${delay} step${delay === 1 ? '' : 's'} late`];
}
