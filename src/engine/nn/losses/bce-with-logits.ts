// Binary cross-entropy on logits, averaged over every element, in the overflow-free form
//   ℓ(z, t) = max(z, 0) − z·t + log(1 + e^{−|z|}),   ∂ℓ/∂z = σ(z) − t.
import type { Loss, LossResult, Tensor } from '../types.ts';
import { ElementwiseMean, type ElementwiseTerm } from './elementwise-mean.ts';

const logisticLoss: ElementwiseTerm = {
  value: (z, t) => Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z))),
  // σ(z) written so that neither branch overflows
  slope: (z, t) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))) - t,
};

export class BinaryCrossEntropyWithLogits implements Loss {
  readonly kind = 'bceWithLogits';
  private readonly mean = new ElementwiseMean(this.kind, logisticLoss);

  compute(prediction: Tensor, target: Float32Array): LossResult {
    return this.mean.compute(prediction, target);
  }
}
