import { HyperlabError } from '../../../core/errors.ts';
import { sizeOf } from '../tensor.ts';
import type { Tensor } from '../types.ts';

/** Class-index targets: one integer in [0, k) per row of a [N, k] prediction. */
export function checkClassTargets(prediction: Tensor, target: Float32Array): void {
  const n = prediction.shape[0]!;
  const k = prediction.shape[1]!;
  if (prediction.shape.length !== 2) {
    throw new HyperlabError('SPEC_INVALID', `a classification loss needs [batch, classes] logits, got [${prediction.shape.join(', ')}]`, 'End the model with a dense layer whose units equal the number of classes.');
  }
  if (target.length !== n) {
    throw new HyperlabError('SPEC_INVALID', `classification targets: expected ${n} class indices, got ${target.length}`, 'Pass one class index per sample.');
  }
  for (let i = 0; i < n; i++) {
    const t = target[i]!;
    if (!(Number.isInteger(t) && t >= 0 && t < k)) {
      throw new HyperlabError('SPEC_INVALID', `label ${t} at batch row ${i} is outside [0, ${k})`, `Make the last dense layer's units at least the number of classes (${t + 1} or more).`);
    }
  }
}

/** Value targets: exactly one per prediction element. */
export function checkValueTargets(kind: string, prediction: Tensor, target: Float32Array): void {
  const size = sizeOf(prediction.shape);
  if (target.length !== size) {
    throw new HyperlabError('SPEC_INVALID', `${kind}: expected ${size} target values for prediction [${prediction.shape.join(', ')}], got ${target.length}`, 'The target must have one value per model output.');
  }
}
