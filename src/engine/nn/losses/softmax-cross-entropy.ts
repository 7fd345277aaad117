// Softmax cross-entropy on logits with optional label smoothing. log-softmax is computed with
// the max subtracted (no overflow), and the gradient is the fused (softmax − target)/N.
import { BatchBuffer } from '../tensor.ts';
import type { Loss, LossResult, Tensor } from '../types.ts';
import { smoothingValues, type SmoothingForm } from './label-smoothing.ts';
import { checkClassTargets } from './targets.ts';

export interface SoftmaxCrossEntropyOptions {
  /** ε, default 0. */
  labelSmoothing?: number;
  /** Default 'uniform' (PyTorch's definition). */
  smoothingForm?: SmoothingForm;
}

export class SoftmaxCrossEntropy implements Loss {
  readonly kind = 'softmaxCrossEntropy';
  readonly epsilon: number;
  readonly form: SmoothingForm;
  private grad: BatchBuffer | null = null;
  private classes = 0;

  constructor(options?: SoftmaxCrossEntropyOptions) {
    this.epsilon = options?.labelSmoothing ?? 0;
    this.form = options?.smoothingForm ?? 'uniform';
    smoothingValues(2, this.epsilon, this.form); // validates ε now rather than at the first step
  }

  compute(prediction: Tensor, target: Float32Array): LossResult {
    const n = prediction.shape[0]!;
    const k = prediction.shape[1]!;
    checkClassTargets(prediction, target);
    if (!this.grad || this.classes !== k) {
      this.grad = new BatchBuffer([k]);
      this.classes = k;
    }
    const { onTrue, onOther } = this.epsilon > 0 ? smoothingValues(k, this.epsilon, this.form) : { onTrue: 1, onOther: 0 };
    const grad = this.grad.get(n);
    const z = prediction.data;
    const g = grad.data;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (z[o + j]! > max) max = z[o + j]!;
      let sumExp = 0;
      for (let j = 0; j < k; j++) sumExp += Math.exp(z[o + j]! - max);
      const logSum = max + Math.log(sumExp);
      const label = target[i]!;
      let lossI = 0;
      for (let j = 0; j < k; j++) {
        const q = j === label ? onTrue : onOther;
        const logP = z[o + j]! - logSum;
        if (q !== 0) lossI -= q * logP;
        g[o + j] = (Math.exp(logP) - q) / n;
      }
      total += lossI;
    }
    return { loss: total / n, grad };
  }
}
