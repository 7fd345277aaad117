// A model as an ordered list of layers: forward in order, backward in reverse. Itself a Layer,
// so residual blocks and nested stacks compose.
import { Rng } from '../rng.ts';
import { modelError } from './tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from './types.ts';

export class Sequential implements Layer {
  readonly name: string;
  readonly kind = 'sequential';
  readonly layers: readonly Layer[];
  /** Used when forward() is called without a context. */
  training = true;
  private readonly rng: Rng;
  private outputs: Tensor[] = [];

  constructor(name: string, layers: readonly Layer[], rng: Rng = new Rng(0)) {
    const seen = new Set<string>();
    for (const layer of layers) {
      if (seen.has(layer.name)) throw modelError(layer.name, 'two layers share this name', 'Give every layer a unique name.');
      seen.add(layer.name);
    }
    this.name = name;
    this.layers = layers;
    this.rng = rng;
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

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  buffers(): Buffer[] {
    return this.layers.flatMap((l) => l.buffers());
  }

  zeroGrad(): void {
    for (const p of this.params()) p.grad.fill(0);
  }
}
