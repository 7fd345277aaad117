// Binary cross-entropy on logits, averaged over every element, in the overflow-free form
//   ℓ(z, t) = max(z, 0) − z·t + log(1 + e^{−|z|}),   ∂ℓ/∂z = σ(z) − t.
import { BatchBuffer, sizeOf } from '../tensor.ts';
import type { Loss, LossResult, Tensor } from '../types.ts';
import { checkValueTargets } from './targets.ts';

export class BinaryCrossEntropyWithLogits implements Loss {
  readonly kind = 'bceWithLogits';
  private grad: BatchBuffer | null = null;
  private key = '';

  compute(prediction: Tensor, target: Float32Array): LossResult {
    checkValueTargets(this.kind, prediction, target);
    const key = prediction.shape.slice(1).join('x');
    if (!this.grad || key !== this.key) {
      this.grad = new BatchBuffer(prediction.shape.slice(1));
      this.key = key;
    }
    const grad = this.grad.get(prediction.shape[0]!);
    const size = sizeOf(prediction.shape);
    let total = 0;
    for (let i = 0; i < size; i++) {
      const z = prediction.data[i]!;
      const t = target[i]!;
      total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      grad.data[i] = (s - t) / size;
    }
    return { loss: total / size, grad };
  }
}
