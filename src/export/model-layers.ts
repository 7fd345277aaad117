// The inference view of an engine model: its layers in order with their tensors, dropout left
// out (identity at inference), BatchNorm with its running statistics. Read from a built
// Sequential, so every layer type the engine has is covered here or rejected by name.
import { HyperlabError } from '../core/errors.ts';
import type { ActivationKind } from '../engine/kernels/types.ts';
import { Activation } from '../engine/nn/layers/activation.ts';
import { BatchNorm } from '../engine/nn/layers/batch-norm.ts';
import { Conv2D } from '../engine/nn/layers/conv2d.ts';
import { Dense } from '../engine/nn/layers/dense.ts';
import { Dropout } from '../engine/nn/layers/dropout.ts';
import { Flatten } from '../engine/nn/layers/flatten.ts';
import { LayerNorm } from '../engine/nn/layers/layer-norm.ts';
import { AvgPool2D, MaxPool2D } from '../engine/nn/layers/pool2d.ts';
import { Residual } from '../engine/nn/layers/residual.ts';
import type { Layer } from '../engine/nn/types.ts';

export type ExportLayer =
  | { kind: 'dense'; name: string; weight: string; bias: string | null; inFeatures: number; outFeatures: number }
  | { kind: 'conv'; name: string; weight: string; bias: string | null; inChannels: number; outChannels: number; kernel: [number, number]; stride: [number, number]; padding: [number, number] }
  | { kind: 'maxpool' | 'avgpool'; name: string; kernel: number; stride: number; padding: number }
  | { kind: 'flatten'; name: string }
  | { kind: 'batchnorm'; name: string; eps: number; channels: number }
  | { kind: 'layernorm'; name: string; eps: number; shape: number[] }
  | { kind: 'activation'; name: string; fn: ActivationKind; alpha: number }
  | { kind: 'residual'; name: string; body: ExportLayer[]; projection: ExportLayer | null };

/** Tensors are referred to by their checkpoint names ("dense1.weight", "batchnorm2.running_var"). */
export function describeLayers(layers: readonly Layer[]): ExportLayer[] {
  const out: ExportLayer[] = [];
  for (const layer of layers) {
    if (layer instanceof Dropout) continue;
    out.push(describe(layer));
  }
  return out;
}

function describe(layer: Layer): ExportLayer {
  if (layer instanceof Dense) {
    const [outFeatures, inFeatures] = layer.weight.shape as [number, number];
    return { kind: 'dense', name: layer.name, weight: layer.weight.name, bias: layer.bias?.name ?? null, inFeatures, outFeatures };
  }
  if (layer instanceof Conv2D) {
    return {
      kind: 'conv', name: layer.name, weight: layer.weight.name, bias: layer.bias?.name ?? null, inChannels: layer.inChannels, outChannels: layer.outChannels,
      kernel: [...layer.kernelSize], stride: [...layer.stride], padding: [...layer.padding],
    };
  }
  if (layer instanceof MaxPool2D || layer instanceof AvgPool2D) {
    return { kind: layer instanceof MaxPool2D ? 'maxpool' : 'avgpool', name: layer.name, kernel: layer.kernel, stride: layer.stride, padding: layer.padding };
  }
  if (layer instanceof Flatten) return { kind: 'flatten', name: layer.name };
  if (layer instanceof BatchNorm) return { kind: 'batchnorm', name: layer.name, eps: layer.eps, channels: layer.channels };
  if (layer instanceof LayerNorm) return { kind: 'layernorm', name: layer.name, eps: layer.eps, shape: [...layer.sampleShape] };
  if (layer instanceof Activation) return { kind: 'activation', name: layer.name, fn: layer.kind, alpha: layer.alpha };
  if (layer instanceof Residual) {
    return { kind: 'residual', name: layer.name, body: describeLayers(layer.body.layers), projection: layer.projection ? describe(layer.projection) : null };
  }
  throw new HyperlabError('EXPORT_FAILED', `layer "${layer.name}" of kind ${layer.kind} has no ONNX translation`, 'Export supports dense, conv2d, pooling, flatten, dropout, batch/layer norm, activations and residual blocks.');
}

/** Every dense and conv layer, residual bodies and projections included, in forward order. */
export function weightedLayers(layers: readonly ExportLayer[]): Extract<ExportLayer, { kind: 'dense' | 'conv' }>[] {
  const out: Extract<ExportLayer, { kind: 'dense' | 'conv' }>[] = [];
  for (const l of layers) {
    if (l.kind === 'dense' || l.kind === 'conv') out.push(l);
    else if (l.kind === 'residual') {
      out.push(...weightedLayers(l.body));
      if (l.projection) out.push(...weightedLayers([l.projection]));
    }
  }
  return out;
}
