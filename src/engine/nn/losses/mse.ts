// Mean squared error averaged over every element (PyTorch's reduction='mean').
import { BatchBuffer, sizeOf } from '../tensor.ts';
import type { Loss, LossResult, Tensor } from '../types.ts';
import { checkValueTargets } from './targets.ts';

export class MeanSquaredError implements Loss {
  readonly kind = 'mse';
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
      const d = prediction.data[i]! - target[i]!;
      total += d * d;
      grad.data[i] = (2 * d) / size;
    }
    return { loss: total / size, grad };
  }
}
