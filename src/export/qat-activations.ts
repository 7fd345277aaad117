// Activation fake quantization for quantization-aware training of INT8 variants: the export puts
// QuantizeLinear → DequantizeLinear (uint8, per tensor, calibrated ranges) on the input of every
// dense and conv layer and on each conv's output (emit-onnx.ts), so during QAT each such layer
// computes on its input fake-quantized with the same scale and zero point, and a conv's output
// is fake-quantized too. The gradient passes by the straight-through estimator: unchanged where
// the value lay within the range, zero where it was clamped (as PyTorch's FakeQuantize).
import { fakeQuantize } from '../core/compress/index.ts';
import { Conv2D } from '../engine/nn/layers/conv2d.ts';
import { Dense } from '../engine/nn/layers/dense.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../engine/nn/types.ts';
import type { Sequential } from '../engine/nn/sequential.ts';
import { buildModel } from '../engine/train/build-model.ts';
import type { ModelSpec } from '../core/spec/types.ts';
import { Rng } from '../engine/rng.ts';
import { HyperlabError } from '../core/errors.ts';
import { jsKernels } from '../engine/kernels/js-kernels.ts';
import type { ActivationQuant } from './stored-weight.ts';

/** Calibrated uint8 ranges by layer name (its input) and "<conv>:output", as calibrateActivations gives them. */
export type ActivationRanges = ReadonlyMap<string, ActivationQuant>;

function fakeQuantUint8(x: Float32Array, q: ActivationQuant): { y: Float32Array; passMask: Uint8Array } {
  return fakeQuantize(x, Float32Array.of(q.scale), Int32Array.of(q.zeroPoint), 0, 255, null);
}

function masked(t: Tensor, mask: Uint8Array): Tensor {
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = mask[i] ? t.data[i]! : 0;
  return { data, shape: t.shape };
}

/** A dense or conv layer computing on its fake-quantized input (and, for a conv, giving its output fake-quantized). */
export class FakeQuantActivations implements Layer {
  readonly name: string;
  readonly kind: string;
  private readonly inner: Dense | Conv2D;
  private readonly input: ActivationQuant | undefined;
  private readonly output: ActivationQuant | undefined;
  private inputMask: Uint8Array | null = null;
  private outputMask: Uint8Array | null = null;

  constructor(inner: Dense | Conv2D, input: ActivationQuant | undefined, output: ActivationQuant | undefined) {
    this.inner = inner;
    this.name = inner.name;
    this.kind = inner.kind;
    this.input = input;
    this.output = output;
  }

  // the first layer of a model skips dL/dx of the data (SequentialOptions.inputGradient)
  get computeInputGradient(): boolean { return this.inner.computeInputGradient; }
  set computeInputGradient(value: boolean) { this.inner.computeInputGradient = value; }

  outputShape(inputShape: readonly number[]): number[] {
    return this.inner.outputShape(inputShape);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let h = x;
    if (this.input) {
      const fq = fakeQuantUint8(x.data, this.input);
      this.inputMask = fq.passMask;
      h = { data: fq.y, shape: x.shape };
    }
    const y = this.inner.forward(h, ctx);
    if (!this.output) return y;
    const fq = fakeQuantUint8(y.data, this.output);
    this.outputMask = fq.passMask;
    return { data: fq.y, shape: y.shape };
  }

  backward(dy: Tensor): Tensor {
    const dx = this.inner.backward(this.output && this.outputMask ? masked(dy, this.outputMask) : dy);
    // an empty dx: the model's first layer, whose input gradient nobody uses
    return this.input && this.inputMask && dx.data.length === this.inputMask.length ? masked(dx, this.inputMask) : dx;
  }

  params(): Param[] {
    return this.inner.params();
  }

  buffers(): Buffer[] {
    return this.inner.buffers();
  }
}

/** buildModel's wrapWeighted for these ranges: every dense/conv layer with a calibrated input range is wrapped. */
export function activationFakeQuant(ranges: ActivationRanges): (layer: Dense | Conv2D) => Layer {
  return (layer) => {
    const input = ranges.get(layer.name);
    const output = layer instanceof Conv2D ? ranges.get(`${layer.name}:output`) : undefined;
    return input || output ? new FakeQuantActivations(layer, input, output) : layer;
  };
}

/**
 * An engine model of `modelSpec` holding `tensors` whose dense/conv layers compute with fake-quantized
 * activations: what the exported INT8 QDQ model computes, given the weights as it stores them.
 */
export function engineModelWithActivations(modelSpec: ModelSpec, inputShape: readonly number[], classes: number, tensors: ReadonlyMap<string, Float32Array>, ranges: ActivationRanges): Sequential {
  const model = buildModel(modelSpec, { inputShape: [...inputShape], classes, rng: new Rng(0), kernels: jsKernels, wrapWeighted: activationFakeQuant(ranges) });
  for (const item of [...model.params(), ...model.buffers()]) {
    const t = tensors.get(item.name);
    if (!t || t.length !== item.value.length) throw new HyperlabError('EXPORT_FAILED', `the weights lack ${item.name}`, 'Export with the spec the checkpoint was trained with.');
    item.value.set(t);
  }
  return model;
}
