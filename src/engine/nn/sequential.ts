// A model as an ordered list of layers: forward in order, backward in reverse. Itself a Layer,
// so residual blocks and nested stacks compose.
import { Rng } from '../rng.ts';
import { modelError } from './tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from './types.ts';

export interface SequentialOptions {
  /**
   * Whether backward() must return dL/dx for the model's input (default true: nested stacks
   * such as residual bodies need it). A top-level model can pass false, so its first dense or
   * conv layer skips that product (about a third of that layer's backward); backward() then
   * returns an empty tensor.
   */
  inputGradient?: boolean;
}

/** Layers that can skip computing dL/dx when nobody consumes it. */
export interface InputGradientOptional {
  computeInputGradient: boolean;
}

function canSkipInputGradient(layer: Layer): layer is Layer & InputGradientOptional {
  return 'computeInputGradient' in layer;
}

export class Sequential implements Layer {
  readonly name: string;
  readonly kind = 'sequential';
  readonly layers: readonly Layer[];
  /** Used when forward() is called without a context. */
  training = true;
  private readonly rng: Rng;
  private outputs: Tensor[] = [];
  private paramList: Param[] | null = null;

  constructor(name: string, layers: readonly Layer[], rng: Rng = new Rng(0), options?: SequentialOptions) {
    const seen = new Set<string>();
    for (const layer of layers) {
      if (seen.has(layer.name)) throw modelError(layer.name, 'two layers share this name', 'Give every layer a unique name.');
      seen.add(layer.name);
    }
    this.name = name;
    this.layers = layers;
    this.rng = rng;
    if (options?.inputGradient === false) {
      // the first layer that does real work; parameter-free reshapes before it just pass through
      const first = layers.find((l) => l.params().length > 0);
      if (first && first === layers.find((l) => l.kind !== 'flatten') && canSkipInputGradient(first)) first.computeInputGradient = false;
    }
  }

  setTraining(training: boolean): void {
    this.training = training;
  }

  outputShape(inputShape: readonly number[]): number[] {
    let shape = [...inputShape];
    for (const layer of this.layers) shape = layer.outputShape(shape);
    return shape;
  }

  forward(x: Tensor, ctx?: ForwardContext): Tensor {
    const context = ctx ?? { training: this.training, rng: this.rng };
    let h = x;
    this.outputs.length = this.layers.length;
    for (let i = 0; i < this.layers.length; i++) {
      h = this.layers[i]!.forward(h, context);
      this.outputs[i] = h;
    }
    return h;
  }

  backward(dy: Tensor): Tensor {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i]!.backward(g);
    return g;
  }

  /** Output of layer i in the last forward (activation statistics). */
  layerOutput(i: number): Tensor | undefined {
    return this.outputs[i];
  }

  /** The same array on every call (layers' parameter sets are fixed at construction). */
  params(): Param[] {
    return (this.paramList ??= this.layers.flatMap((l) => l.params()));
  }

  buffers(): Buffer[] {
    return this.layers.flatMap((l) => l.buffers());
  }

  zeroGrad(): void {
    for (const p of this.params()) p.grad.fill(0);
  }
}
