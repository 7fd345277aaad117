// What a model will need in memory before anything of it is allocated: parameters, gradients,
// optimizer state and weight snapshots; each layer's output buffer for the largest batch it sees
// (training, or evaluation's 500) and its input-gradient buffer for the training batch; conv
// im2col buffers; what the WebAssembly kernels stage into their memory. Computed from the spec and
// the data's shape with the layers' own shape rules, so a model that cannot fit is refused in
// microseconds instead of taking the machine down (a conv2d of 100,000 filters took 20.8 GB) or
// failing inside V8 ("Array buffer allocation failed").
import type { LayerSpec, Spec } from '../../core/spec/types.ts';
import { convOutputSize } from '../kernels/types.ts';

const FLOAT = 4;
/** evaluate() runs the model in batches of this many samples (src/engine/train/evaluate.ts). */
export const EVAL_BATCH = 500;

export interface LayerEstimate {
  /** The spec path ("model.layers.0", "model.layers.2.layers.1"); a fused activation is part of its layer. */
  path: string;
  /** What the layer is, for a message ("conv2d 100000 filters 3×3 on [1, 28, 28]"). */
  what: string;
  params: number;
  /** Bytes of parameters and everything kept per parameter (gradients, optimizer state, snapshots). */
  paramBytes: number;
  /** Bytes of the batch buffers (outputs, input gradients) and scratch (im2col). */
  activationBytes: number;
  /** The largest single array this layer allocates, in floats. */
  largestArray: number;
  /** Bytes the layer keeps in the kernels' memory (WebAssembly linear memory with the wasm kernels). */
  kernelBytes: number;
}

export interface MemoryEstimate {
  layers: LayerEstimate[];
  /** Every byte above (and the input batch), times the ensemble's members (each keeps its own model). */
  totalBytes: number;
  /** What the WebAssembly kernels hold in their linear memory (with the JS kernels: ordinary arrays). */
  kernelBytes: number;
  /** The largest batch a buffer is sized for (training or evaluation). */
  batch: number;
  members: number;
}

export interface EstimateInput {
  spec: Spec;
  /** The model's input shape (after model.inputShape). */
  inputShape: readonly number[];
  trainCount: number;
  /** The largest of the validation and test sets (evaluated in batches of EVAL_BATCH). */
  evalCount: number;
}

/**
 * Float arrays kept per parameter: value, gradient, the optimizer's slots, the delay ring,
 * snapshots (`all`); of those, value, gradient and the optimizer's slots live in the kernels' memory.
 */
export function copiesPerParam(spec: Spec): { all: number; kernel: number } {
  const t = spec.train;
  const slots: Record<Spec['train']['optimizer']['kind'], number> = {
    sgd: 0, momentum: 1, nesterov: 1, rmsprop: 2, adam: 2, adamw: 2, adagrad: 1, adadelta: 2,
  };
  const delay = t.async.delay;
  const asyncSgd = delay > 0 && t.async.variant !== 'plain';
  const kernelSlots = asyncSgd ? 0 : slots[t.optimizer.kind];
  // the SGD-only async variants keep gradient and velocity rings; the plain one a gradient ring
  const rings = asyncSgd ? 2 * (delay + 1) : delay > 0 ? delay + 1 : 0;
  // the last good weights (restored on divergence), the best ones (early stopping), the SWA average
  const snapshots = 1 + (t.earlyStopping.enabled && t.earlyStopping.restoreBest ? 1 : 0) + (t.swa.enabled ? 1 : 0);
  return { all: 2 + kernelSlots + rings + snapshots, kernel: 2 + kernelSlots };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** One buffer-owning layer as the walk sees it (a fused activation is a second node, same path). */
interface Node {
  path: string;
  what: string;
  inFloats: number;
  outFloats: number;
  params: number;
  /** Its largest parameter array (a dense layer's weight matrix). */
  largestParam: number;
  /** Per-sample scratch (im2col) in floats, not scaled by the batch. */
  scratch: number;
  /** Extra per-sample buffers kept for the backward pass (x̂ of the normalizations). */
  kept: number;
  /** Takes its buffers from the kernels (dense, conv2d, activation); the others use JS arrays. */
  resident: boolean;
}

function walkLayers(specs: readonly LayerSpec[], inputShape: readonly number[], path: string, nodes: Node[]): number[] {
  let shape = [...inputShape];
  const add = (node: Omit<Node, 'inFloats' | 'outFloats' | 'scratch' | 'kept' | 'largestParam'> & Partial<Node>, out: number[]): void => {
    nodes.push({ scratch: 0, kept: 0, largestParam: node.params, inFloats: size(shape), outFloats: size(out), ...node });
    shape = out;
  };
  specs.forEach((l, i) => {
    const at = `${path}.${i}`;
    const activation = (fn: string): void => {
      if (fn !== 'none') add({ path: at, what: fn, params: 0, resident: true }, shape);
    };
    switch (l.type) {
      case 'dense': {
        // a shape that does not fit is build-model's error to report, with its own hint
        const features = size(shape);
        add({ path: at, what: `dense ${l.units} units on ${features} inputs`, params: features * l.units + l.units, largestParam: features * l.units, resident: true }, [l.units]);
        activation(l.activation);
        break;
      }
      case 'conv2d': {
        const [channels = 1, height = 1, width = 1] = shape.length === 3 ? shape : [1, 1, size(shape)];
        const oh = Math.max(1, convOutputSize(height, l.kernel, l.stride, l.padding));
        const ow = Math.max(1, convOutputSize(width, l.kernel, l.stride, l.padding));
        const weights = l.filters * channels * l.kernel * l.kernel;
        add({ path: at, what: `conv2d ${l.filters} filters ${l.kernel}×${l.kernel} on ${shapeText(shape)}`, params: weights + l.filters, largestParam: weights,
          scratch: 2 * channels * l.kernel * l.kernel * oh * ow, resident: true }, [l.filters, oh, ow]);
        activation(l.activation);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const [channels = 1, height = 1, width = 1] = shape;
        const stride = l.stride ?? l.size;
        add({ path: at, what: `${l.type} ${l.size}×${l.size} on ${shapeText(shape)}`, params: 0, resident: false },
          [channels, Math.max(1, convOutputSize(height, l.size, stride, 0)), Math.max(1, convOutputSize(width, l.size, stride, 0))]);
        break;
      }
      case 'flatten':
        shape = [size(shape)];
        break;
      case 'dropout':
        add({ path: at, what: `dropout on ${shapeText(shape)}`, params: 0, kept: size(shape), resident: false }, shape);
        break;
      case 'activation':
        add({ path: at, what: `${l.fn} on ${shapeText(shape)}`, params: 0, resident: true }, shape);
        break;
      case 'batchnorm':
      case 'layernorm':
        add({ path: at, what: `${l.type} on ${shapeText(shape)}`, params: 2 * (l.type === 'batchnorm' ? (shape[0] ?? 1) : size(shape)), kept: size(shape), resident: false }, shape);
        break;
      case 'residual': {
        const before = shape;
        const inner = walkLayers(l.layers, shape, `${at}.layers`, nodes);
        const same = inner.join('x') === before.join('x');
        const projection = same ? 0 : before.length === 3 && inner.length === 3 ? before[0]! * inner[0]! : size(before) * size(inner);
        shape = before;
        add({ path: at, what: `residual block on ${shapeText(before)}`, params: projection, resident: false }, inner);
        break;
      }
    }
  });
  return shape;
}

export function estimateMemory(input: EstimateInput): MemoryEstimate {
  const { spec } = input;
  const train = Math.max(1, Math.min(spec.train.batchSize, input.trainCount));
  const batch = Math.max(train, Math.min(EVAL_BATCH, input.evalCount));
  const copies = copiesPerParam(spec);
  const nodes: Node[] = [];
  walkLayers(spec.model.layers, input.inputShape, 'model.layers', nodes);

  const byPath = new Map<string, LayerEstimate>();
  // Operands in JS arrays are copied into kernel memory for each call, in a slot per operand
  // that grows to the largest copy; a slot that grows leaves its old block behind (bump
  // allocation), so count each slot twice: inputs going forward, gradients coming back.
  let stagingIn = 0, stagingBack = 0;
  nodes.forEach((n, i) => {
    // The output for any batch; the input gradient only in training, and never for the data.
    const dx = i === 0 ? 0 : train * n.inFloats;
    const buffers = batch * n.outFloats + dx + train * n.kept + n.scratch;
    let kernel = 0;
    if (n.resident) {
      kernel = (buffers + n.params * copies.kernel) * FLOAT;
      // An operand in a JS array is copied into kernel memory for each call (reused slots).
      const previous = nodes[i - 1], next = nodes[i + 1];
      if (!previous || !previous.resident) stagingIn = Math.max(stagingIn, batch * n.inFloats);
      if (next && !next.resident) stagingBack = Math.max(stagingBack, train * n.outFloats);
    }
    const e = byPath.get(n.path) ?? { path: n.path, what: n.what, params: 0, paramBytes: 0, activationBytes: 0, largestArray: 0, kernelBytes: 0 };
    e.params += n.params;
    e.paramBytes += n.params * copies.all * FLOAT;
    e.activationBytes += buffers * FLOAT;
    e.kernelBytes += kernel;
    e.largestArray = Math.max(e.largestArray, n.largestParam, batch * n.outFloats, dx);
    byPath.set(n.path, e);
  });
  const layers = [...byPath.values()];
  const members = spec.train.ensemble.members;
  // the training batch, which the loop places in kernel memory; data arrays are loaded already
  const inputBytes = train * size(input.inputShape) * FLOAT;
  const sum = (pick: (e: LayerEstimate) => number): number => layers.reduce((s, e) => s + pick(e), 0);
  return {
    layers,
    totalBytes: members * (inputBytes + sum((e) => e.paramBytes + e.activationBytes)),
    kernelBytes: members * (inputBytes + 2 * (stagingIn + stagingBack) * FLOAT + sum((e) => e.kernelBytes)),
    batch,
    members,
  };
}
