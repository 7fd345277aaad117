// The contract between layers, models, optimizers and the training loop.
// Tensors are row-major Float32Arrays; images are NCHW. Shapes exclude nothing: dim 0 is the batch.
import type { Rng } from '../rng.ts';

export interface Tensor {
  data: Float32Array;
  shape: readonly number[];
}

/** What regularizers act on: L1/L2/weight decay touch 'weight' only by default. */
export type ParamRole = 'weight' | 'bias' | 'norm';

export interface Param {
  /** Stable, unique within a model, e.g. "dense1.weight" (also the safetensors key). */
  name: string;
  role: ParamRole;
  shape: readonly number[];
  value: Float32Array;
  /** Accumulated by backward(); zeroed by the training loop before each step. */
  grad: Float32Array;
}

/** Non-trainable state saved in checkpoints (BatchNorm running mean/var). */
export interface Buffer {
  name: string;
  shape: readonly number[];
  value: Float32Array;
}

export interface ForwardContext {
  training: boolean;
  rng: Rng;
}

export interface Layer {
  readonly name: string;
  readonly kind: string;
  /** Per-sample output shape for a per-sample input shape (batch dim excluded). */
  outputShape(inputShape: readonly number[]): number[];
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /** Given dL/dy for the last forward, accumulate parameter gradients and return dL/dx. */
  backward(dy: Tensor): Tensor;
  params(): Param[];
  buffers(): Buffer[];
}

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** dLoss/dLogits, same shape as the prediction. */
  grad: Tensor;
}

export interface Loss {
  readonly kind: string;
  /** `target` holds class indices (length N) for classification losses, values (N×k) for regression. */
  compute(prediction: Tensor, target: Float32Array): LossResult;
}

export interface Optimizer {
  readonly kind: string;
  /** One update of every param from its .grad at learning rate `lr`. */
  step(params: readonly Param[], lr: number): void;
  /** Moment buffers etc., by param name, for checkpoints and resume. */
  state(): Map<string, Float32Array>;
  loadState(state: Map<string, Float32Array>): void;
}
