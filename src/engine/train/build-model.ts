// From the spec's model section to a Sequential of the numerical core's layers, initialized
// from a seeded generator. Layer names ("dense1", "res3.conv0") key checkpoints and statistics.
import { HyperlabError } from '../../core/errors.ts';
import type { ActivationName, InitScheme, LayerSpec, ModelSpec } from '../../core/spec/types.ts';
import type { ActivationKind, Kernels } from '../kernels/types.ts';
import { initParams, type BiasInit, type WeightInit } from '../nn/init.ts';
import { Activation } from '../nn/layers/activation.ts';
import { BatchNorm } from '../nn/layers/batch-norm.ts';
import { Conv2D } from '../nn/layers/conv2d.ts';
import { Dense } from '../nn/layers/dense.ts';
import { Dropout } from '../nn/layers/dropout.ts';
import { Flatten } from '../nn/layers/flatten.ts';
import { LayerNorm } from '../nn/layers/layer-norm.ts';
import { AvgPool2D, MaxPool2D } from '../nn/layers/pool2d.ts';
import { Residual } from '../nn/layers/residual.ts';
import { Sequential } from '../nn/sequential.ts';
import type { Layer } from '../nn/types.ts';
import type { Rng } from '../rng.ts';

const ACTIVATION_KIND: Record<ActivationName, ActivationKind> = {
  relu: 'relu', leakyrelu: 'leakyRelu', elu: 'elu', gelu: 'gelu', sigmoid: 'sigmoid', tanh: 'tanh',
};

function weightInit(scheme: InitScheme, init: ModelSpec['init']): WeightInit {
  switch (scheme) {
    case 'he-normal': return { kind: 'heNormal' };
    case 'he-uniform': return { kind: 'heUniform' };
    case 'glorot-normal': return { kind: 'glorotNormal' };
    case 'glorot-uniform': return { kind: 'glorotUniform' };
    case 'normal': return { kind: 'normal', std: init.std };
    case 'uniform': return { kind: 'uniform', a: init.bound };
  }
}

interface Built {
  layers: Layer[];
  shape: number[];
}

interface Context {
  spec: ModelSpec;
  kernels: Kernels | undefined;
  wrap: ((layer: Dense | Conv2D) => Layer) | undefined;
  /** Layers with weights, in construction order, with the scheme each uses. */
  initOrder: { layer: Layer; scheme: InitScheme }[];
}

function shapeError(path: string, message: string, hint: string): HyperlabError {
  return new HyperlabError('SPEC_INVALID', `${path}: ${message}`, hint);
}

function buildLayers(specs: readonly LayerSpec[], inputShape: number[], prefix: string, path: string, ctx: Context): Built {
  const layers: Layer[] = [];
  let shape = inputShape;
  const add = (layer: Layer, at: string): void => {
    try {
      shape = layer.outputShape(shape);
    } catch (error) {
      throw shapeError(at, `does not fit its input of shape [${shape.join(', ')}]: ${(error as Error).message}`,
        'Check the layer sizes; a dense layer after images needs a flatten layer before it.');
    }
    layers.push(layer);
  };
  specs.forEach((l, i) => {
    const at = `${path}.${i}`;
    const name = `${prefix}${l.type === 'residual' ? 'res' : l.type}${i}`;
    const activation = (kind: ActivationName | 'none'): void => {
      if (kind !== 'none') add(new Activation(`${name}.${kind}`, ACTIVATION_KIND[kind], { kernels: ctx.kernels }), at);
    };
    switch (l.type) {
      case 'dense': {
        const features = shape.reduce((a, b) => a * b, 1);
        if (shape.length !== 1) throw shapeError(at, `dense needs a flat input but gets [${shape.join(', ')}]`, `Insert {"type": "flatten"} before ${at}.`);
        const layer = new Dense(name, features, l.units, { kernels: ctx.kernels });
        ctx.initOrder.push({ layer, scheme: l.init ?? ctx.spec.init.weight });
        add(ctx.wrap ? ctx.wrap(layer) : layer, at);
        activation(l.activation);
        break;
      }
      case 'conv2d': {
        if (shape.length !== 3) throw shapeError(at, `conv2d needs a [channels, height, width] input but gets [${shape.join(', ')}]`, 'Set model.inputShape to [C, H, W] or move the conv layers before flatten.');
        const layer = new Conv2D(name, { inChannels: shape[0]!, outChannels: l.filters, kernel: l.kernel, stride: l.stride, padding: l.padding }, { kernels: ctx.kernels });
        ctx.initOrder.push({ layer, scheme: l.init ?? ctx.spec.init.weight });
        add(ctx.wrap ? ctx.wrap(layer) : layer, at);
        activation(l.activation);
        break;
      }
      case 'maxpool':
        add(new MaxPool2D(name, { kernel: l.size, stride: l.stride ?? l.size }), at);
        break;
      case 'avgpool':
        add(new AvgPool2D(name, { kernel: l.size, stride: l.stride ?? l.size }), at);
        break;
      case 'flatten':
        add(new Flatten(name), at);
        break;
      case 'dropout':
        add(new Dropout(name, l.rate), at);
        break;
      case 'batchnorm':
        add(new BatchNorm(name, shape[0]!, { eps: l.eps, momentum: l.momentum }), at);
        break;
      case 'layernorm':
        add(new LayerNorm(name, shape, { eps: l.eps }), at);
        break;
      case 'activation':
        add(new Activation(name, ACTIVATION_KIND[l.fn], { kernels: ctx.kernels, ...(l.alpha === null ? {} : { alpha: l.alpha }) }), at);
        break;
      case 'residual': {
        if (l.layers.length === 0) throw shapeError(`${at}.layers`, 'a residual block needs at least one inner layer', 'Add the layers f of y = x + f(x).');
        const inner = buildLayers(l.layers, shape, `${name}.`, `${at}.layers`, ctx);
        const projection = inner.shape.join('x') === shape.join('x') ? null : buildProjection(l.layers, shape, inner.shape, `${name}.proj`, `${at}.layers`, ctx);
        add(new Residual(name, inner.layers, projection), at);
        break;
      }
    }
  });
  return { layers, shape };
}

/** How far a block's layers step over the image: the product of their strides. */
function blockStride(specs: readonly LayerSpec[]): number {
  return specs.reduce((product, l) => {
    switch (l.type) {
      case 'conv2d': return product * l.stride;
      case 'maxpool': case 'avgpool': return product * (l.stride ?? l.size);
      case 'residual': return product * blockStride(l.layers);
      default: return product;
    }
  }, 1);
}

/**
 * The skip path of a residual block whose inner layers change the shape: a 1×1 conv with the
 * block's stride for images, a dense layer for flat features. He-normal init whatever the model's
 * scheme (the skip feeds a sum that ReLU-family layers usually follow), and no bias: the
 * block's own layers already add one to the same sum.
 */
function buildProjection(specs: readonly LayerSpec[], from: number[], to: number[], name: string, path: string, ctx: Context): Layer {
  const fits = (layer: Layer): boolean => {
    try { return layer.outputShape(from).join('x') === to.join('x'); } catch { return false; }
  };
  let layer: Dense | Conv2D | null = null;
  if (from.length === 3 && to.length === 3) {
    const stride = blockStride(specs);
    layer = new Conv2D(name, { inChannels: from[0]!, outChannels: to[0]!, kernel: 1, stride, bias: false }, { kernels: ctx.kernels });
  } else if (from.length === 1 && to.length === 1) {
    layer = new Dense(name, from[0]!, to[0]!, { kernels: ctx.kernels, bias: false });
  }
  if (!layer || !fits(layer)) {
    const tried = layer ? `a ${layer.kind === 'dense' ? 'dense' : `1×1 conv2d with stride ${blockStride(specs)}`} projection gives [${layer.outputShape(from).join(', ')}]` : 'no projection maps images to flat features';
    throw shapeError(path, `the inner layers turn [${from.join(', ')}] into [${to.join(', ')}] and ${tried}`,
      'Inside a residual block keep "same" padding (padding = (kernel − 1)/2) so only the stride and channel count change, and keep flatten outside the block.');
  }
  ctx.initOrder.push({ layer, scheme: 'he-normal' });
  return ctx.wrap ? ctx.wrap(layer) : layer;
}

export interface BuildOptions {
  inputShape: number[];
  classes: number;
  rng: Rng;
  kernels?: Kernels;
  /**
   * Each dense and conv layer as the model computes with it: quantization-aware training wraps
   * them to fake-quantize their inputs (and conv outputs) as the exported INT8 model will.
   */
  wrapWeighted?: (layer: Dense | Conv2D) => Layer;
}

export function buildModel(spec: ModelSpec, options: BuildOptions): Sequential {
  const inputShape = spec.inputShape ?? options.inputShape;
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  if (size(inputShape) !== size(options.inputShape)) {
    throw shapeError('model.inputShape', `[${inputShape.join(', ')}] has ${size(inputShape)} values but the data's samples have ${size(options.inputShape)} ([${options.inputShape.join(', ')}])`,
      'Set model.inputShape to null to take the data\'s shape.');
  }
  const ctx: Context = { spec, kernels: options.kernels, wrap: options.wrapWeighted, initOrder: [] };
  const built = buildLayers(spec.layers, [...inputShape], '', 'model.layers', ctx);
  if (built.shape.length !== 1 || built.shape[0] !== options.classes) {
    throw shapeError('model.layers', `the last layer outputs [${built.shape.join(', ')}] but the data has ${options.classes} classes`,
      `End with {"type": "dense", "units": ${options.classes}} (the logits).`);
  }
  const bias: BiasInit = spec.init.bias === 'zeros' ? { kind: 'zeros' } : { kind: 'constant', value: spec.init.biasValue };
  for (const { layer, scheme } of ctx.initOrder) initParams(layer.params(), weightInit(scheme, spec.init), bias, options.rng);
  // the training loop never uses dL/dx of the data, so the first dense/conv layer skips it
  return new Sequential('model', built.layers, options.rng.fork(), { inputGradient: false });
}

/** Model input shape for loaded data (the spec may reshape, e.g. [784] → [1, 28, 28]). */
export function modelInputShape(spec: ModelSpec, dataShape: number[]): number[] {
  return spec.inputShape ?? dataShape;
}
