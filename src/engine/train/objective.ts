// The training loss from the spec: class-index targets for cross-entropy, one-hot targets for
// MSE and BCE (which compare every output with its own target value).
import type { TrainSpec } from '../../core/spec/types.ts';
import { BinaryCrossEntropyWithLogits } from '../nn/losses/bce-with-logits.ts';
import { MeanSquaredError } from '../nn/losses/mse.ts';
import { SoftmaxCrossEntropy } from '../nn/losses/softmax-cross-entropy.ts';
import type { Loss, LossResult, Tensor } from '../nn/types.ts';

export interface Objective {
  /** labels: class indices, length ≥ N (only the first N are read). */
  compute(logits: Tensor, labels: Float32Array): LossResult;
}

export function makeObjective(loss: TrainSpec['loss']): Objective {
  if (loss.kind === 'cross-entropy') {
    const ce = new SoftmaxCrossEntropy({ labelSmoothing: loss.labelSmoothing, smoothingForm: loss.smoothingForm });
    return { compute: (logits, labels) => ce.compute(logits, labels.subarray(0, logits.shape[0]!)) };
  }
  const inner: Loss = loss.kind === 'mse' ? new MeanSquaredError() : new BinaryCrossEntropyWithLogits();
  let oneHot = new Float32Array(0);
  return {
    compute(logits, labels) {
      const n = logits.shape[0]!, k = logits.shape[1]!;
      if (oneHot.length !== n * k) oneHot = new Float32Array(n * k);
      oneHot.fill(0);
      for (let i = 0; i < n; i++) oneHot[i * k + labels[i]!] = 1;
      return inner.compute(logits, oneHot);
    },
  };
}
