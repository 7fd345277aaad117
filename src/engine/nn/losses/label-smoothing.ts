// Target distributions for label smoothing, in the two forms the field uses.
//  'uniform' (PyTorch's label_smoothing=ε): true class 1 − ε + ε/k, every class gets ε/k.
//  'others'  (textbook): true class 1 − ε, each other class ε/(k − 1).
import { HyperlabError } from '../../../core/errors.ts';

export type SmoothingForm = 'uniform' | 'others';

export interface SmoothedValues {
  onTrue: number;
  onOther: number;
}

export function smoothingValues(classes: number, epsilon: number, form: SmoothingForm): SmoothedValues {
  if (!(epsilon >= 0 && epsilon < 1)) {
    throw new HyperlabError('SPEC_INVALID', `label smoothing must be in [0, 1), got ${epsilon}`, 'Set train.labelSmoothing to e.g. 0.1, or 0 to turn it off.');
  }
  if (!(Number.isInteger(classes) && classes >= 2)) {
    throw new HyperlabError('SPEC_INVALID', `label smoothing needs at least 2 classes, got ${classes}`, 'Check the number of output units.');
  }
  if (form === 'uniform') return { onTrue: 1 - epsilon + epsilon / classes, onOther: epsilon / classes };
  return { onTrue: 1 - epsilon, onOther: epsilon / (classes - 1) };
}

/** The full target vector for one sample of class `trueClass`. */
export function smoothedTargets(classes: number, trueClass: number, epsilon: number, form: SmoothingForm): Float64Array {
  const { onTrue, onOther } = smoothingValues(classes, epsilon, form);
  const q = new Float64Array(classes).fill(onOther);
  q[trueClass] = onTrue;
  return q;
}
