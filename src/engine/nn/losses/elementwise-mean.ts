// What MSE and binary cross-entropy share: the loss is the mean over every element of a term
// ℓ(z, t) with one value target per element, so ∂L/∂z = ℓ′(z, t)/size. The gradient buffer is
// kept while the per-sample shape holds.
import { BatchBuffer, sizeOf } from '../tensor.ts';
import type { LossResult, Tensor } from '../types.ts';
import { checkValueTargets } from './targets.ts';

export interface ElementwiseTerm {
  /** ℓ(z, t) for one prediction element z and its target t. */
  value(z: number, t: number): number;
  /** ∂ℓ/∂z. */
  slope(z: number, t: number): number;
}

export class ElementwiseMean {
  private readonly kind: string;
  private readonly term: ElementwiseTerm;
  private grad: BatchBuffer | null = null;
  private key = '';

  constructor(kind: string, term: ElementwiseTerm) {
    this.kind = kind;
    this.term = term;
  }

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
      total += this.term.value(z, t);
      grad.data[i] = this.term.slope(z, t) / size;
    }
    return { loss: total / size, grad };
  }
}
