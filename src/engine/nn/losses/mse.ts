// Mean squared error averaged over every element (PyTorch's reduction='mean').
import type { Loss, LossResult, Tensor } from '../types.ts';
import { ElementwiseMean, type ElementwiseTerm } from './elementwise-mean.ts';

const squaredError: ElementwiseTerm = {
  value: (z, t) => (z - t) * (z - t),
  slope: (z, t) => 2 * (z - t),
};

export class MeanSquaredError implements Loss {
  readonly kind = 'mse';
  private readonly mean = new ElementwiseMean(this.kind, squaredError);

  compute(prediction: Tensor, target: Float32Array): LossResult {
    return this.mean.compute(prediction, target);
  }
}
