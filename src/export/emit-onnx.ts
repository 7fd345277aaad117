// An engine model (layers + tensors + how each weight is stored) as an ONNX model: raw input
// (the engine's data normalization is the graph's first nodes), a symbolic batch dimension,
// logits out. Opset 17 (LayerNormalization); 21 where int4, uint4 or float8 initializers appear;
// 23 where float4e2m1 ones do (its first opset).
import { HyperlabError } from '../core/errors.ts';
import type { ExportLayer } from './model-layers.ts';
import { OnnxGraph } from './onnx-graph.ts';
import { DataType } from './onnx-proto.ts';
import type { ActivationQuant, QuantizedBias, StoredWeight } from './stored-weight.ts';

export interface EmitInput {
  graphName: string;
  layers: readonly ExportLayer[];
  /** Every parameter and buffer by checkpoint name (float32 values). */
  tensors: ReadonlyMap<string, Float32Array>;
  /** How dense/conv weights are stored; a weight not named here is plain float32. */
  stored: ReadonlyMap<string, StoredWeight>;
  /** Input quantization of dense/conv layers by layer name (QDQ), or none. */
  activations: ReadonlyMap<string, ActivationQuant> | null;
  /** INT32 biases by bias name, where input and weight are quantized (lets ONNX Runtime fuse the QDQ group). */
  biases?: ReadonlyMap<string, QuantizedBias>;
  inputShape: readonly number[];
  classes: number;
  /** (x − offset)·scale, per element (length 1) or per feature (the input's size). */
  normalizer: { offset: Float32Array; scale: Float32Array } | null;
  metadata: Record<string, string>;
  producerVersion: string;
}

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

/** 4-bit codes, two per byte, first in the low nibble (ONNX's packing for INT4/UINT4). */
export function packNibbles(codes: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  for (let i = 0; i < codes.length; i++) out[i >> 1]! |= (codes[i]! & 0xf) << ((i & 1) * 4);
  return out;
}

/** The lowest opset whose types cover the stored weights, and the IR version that opset needs. */
function opsetFor(stored: ReadonlyMap<string, StoredWeight>): { opset: number; irVersion: number } {
  let opset = 17;
  for (const w of stored.values()) {
    if (w.kind === 'fp4') opset = 23;
    else if (w.kind === 'fp8' || (w.kind === 'linear' && (w.bits === 4 || w.blockSize !== null)) || (w.kind === 'codebook' && w.bits <= 4)) opset = Math.max(opset, 21);
  }
  return { opset, irVersion: opset >= 23 ? 11 : opset >= 21 ? 10 : 8 };
}

class Emitter {
  readonly g: OnnxGraph;
  private readonly input: EmitInput;
  constructor(input: EmitInput) {
    this.input = input;
    this.g = new OnnxGraph(input.graphName);
  }

  tensor(name: string): Float32Array {
    const t = this.input.tensors.get(name);
    if (!t) throw new HyperlabError('EXPORT_FAILED', `the checkpoint has no tensor ${name}`, 'Export a run whose checkpoint was written by this version of Hyperlab.');
    return t;
  }

  float(name: string, dims: readonly number[]): string {
    return this.g.initializer(name, dims, this.tensor(name));
  }

  /** The weight as a float32 value of shape `dims`, through whatever dequantization its storage needs. */
  weight(name: string, dims: readonly number[]): string {
    const w = this.input.stored.get(name);
    const rows = dims[0]!;
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    const g = this.g;
    const as2d = dims.length === 2;
    const reshaped = (value2d: string): string => (as2d ? value2d : g.node('Reshape', [value2d, g.ints(`${name}.shape`, dims)], name));
    if (!w || w.kind === 'float32') {
      const values = w ? w.values : this.tensor(name);
      return w?.sparse ? g.sparseInitializer(name, dims, values) : g.initializer(name, dims, values);
    }
    switch (w.kind) {
      case 'float16': {
        const halves = new Uint16Array(new Float16Array(w.values).buffer);
        const stored = g.initializer(`${name}.fp16`, dims, halves, DataType.FLOAT16);
        return g.node('Cast', [stored], name, { to: DataType.FLOAT });
      }
      case 'linear': {
        const blocked = w.blockSize !== null;
        const type = w.bits === 4 ? DataType.INT4 : DataType.INT8;
        const raw = (codes: Int8Array): Uint8Array => (w.bits === 4 ? packNibbles(codes) : new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength).slice());
        // per tensor/channel dequantizes the weight in its own shape (a Reshape between DQ and Conv blocks ORT's QDQ fusion)
        const qDims = blocked ? [rows, fanIn] : [...dims];
        const q = g.initializerRaw(`${name}.q`, type, qDims, raw(w.q));
        const scaleDims = blocked ? [rows, Math.ceil(fanIn / w.blockSize!)] : w.axis === 0 ? [rows] : [];
        const scale = g.initializer(`${name}.scale`, scaleDims, w.scale);
        const inputs = [q, scale];
        if (w.zeroPoint) inputs.push(g.initializerRaw(`${name}.zero_point`, type, scaleDims, raw(w.zeroPoint)));
        const attrs: Record<string, number> = blocked ? { axis: 1, block_size: w.blockSize! } : w.axis === 0 ? { axis: 0 } : {};
        if (!blocked) return g.node('DequantizeLinear', inputs, name, attrs);
        return reshaped(g.node('DequantizeLinear', inputs, as2d ? name : `${name}.2d`, attrs));
      }
      case 'bfloat16': {
        // DequantizeLinear takes no bfloat16 input (a type error in ONNX Runtime 1.30); Cast does
        const stored = g.initializerRaw(`${name}.bf16`, DataType.BFLOAT16, dims, new Uint8Array(w.codes.buffer, w.codes.byteOffset, w.codes.byteLength).slice());
        return g.node('Cast', [stored], name, { to: DataType.FLOAT });
      }
      case 'fp8': {
        const codes = g.initializerRaw(`${name}.fp8`, w.format === 'float8e5m2' ? DataType.FLOAT8E5M2 : DataType.FLOAT8E4M3FN, [rows, fanIn], w.codes.slice());
        const scale = g.initializer(`${name}.scale`, [], new Float32Array([w.scale]));
        return reshaped(g.node('DequantizeLinear', [codes, scale], as2d ? name : `${name}.2d`));
      }
      case 'fp4': {
        const codes = g.initializerRaw(`${name}.fp4`, DataType.FLOAT4E2M1, [rows, fanIn], packNibbles(w.codes));
        const scale = g.initializer(`${name}.scale`, [rows, Math.ceil(fanIn / w.blockSize)], w.scale);
        return reshaped(g.node('DequantizeLinear', [codes, scale], as2d ? name : `${name}.2d`, { axis: 1, block_size: w.blockSize }));
      }
      case 'codebook': {
        const packed = w.bits <= 4;
        const indices = g.initializerRaw(`${name}.indices`, packed ? DataType.UINT4 : DataType.UINT8, [rows, fanIn], packed ? packNibbles(w.indices) : w.indices.slice());
        const wide = g.node('Cast', [indices], `${name}.index`, { to: DataType.INT32 });
        const book = g.initializer(`${name}.codebook`, [w.codebook.length], w.codebook);
        return reshaped(g.node('Gather', [book, wide], as2d ? name : `${name}.2d`, { axis: 0 }));
      }
    }
  }

  bias(name: string, outputs: number): string {
    const b = this.input.biases?.get(name);
    if (!b) return this.float(name, [outputs]);
    const g = this.g;
    const q = g.initializer(`${name}.q`, [outputs], b.q);
    const scale = g.initializer(`${name}.scale`, b.scale.length === 1 ? [] : [outputs], b.scale);
    return g.node('DequantizeLinear', [q, scale], name, b.scale.length === 1 ? {} : { axis: 0 });
  }

  /** QuantizeLinear → DequantizeLinear on a layer's input where calibration gave it a range. */
  quantizedInput(x: string, layer: string): string {
    const a = this.input.activations?.get(layer);
    if (!a) return x;
    const g = this.g;
    const scale = g.scalar(`${layer}.input.scale`, a.scale);
    const zero = g.initializer(`${layer}.input.zero_point`, [], new Uint8Array([a.zeroPoint]));
    const q = g.node('QuantizeLinear', [x, scale, zero], `${layer}.input.q`);
    return g.node('DequantizeLinear', [q, scale, zero], `${layer}.input.dq`);
  }

  /** Q → DQ on a conv output too: ORT fuses a conv QDQ group into QLinearConv only when its output is quantized. */
  quantizedOutput(y: string, layer: string): string {
    const a = this.input.activations?.get(`${layer}:output`);
    if (!a) return y;
    const g = this.g;
    const scale = g.scalar(`${layer}.output.scale`, a.scale);
    const zero = g.initializer(`${layer}.output.zero_point`, [], new Uint8Array([a.zeroPoint]));
    return g.node('DequantizeLinear', [g.node('QuantizeLinear', [y, scale, zero], `${layer}.output.q`), scale, zero], `${layer}.output.dq`);
  }

  layers(x: string, layers: readonly ExportLayer[]): string {
    let h = x;
    for (const l of layers) h = this.layer(h, l);
    return h;
  }

  layer(x: string, l: ExportLayer): string {
    const g = this.g;
    switch (l.kind) {
      case 'dense': {
        const inputs = [this.quantizedInput(x, l.name), this.weight(l.weight, [l.outFeatures, l.inFeatures])];
        if (l.bias) inputs.push(this.bias(l.bias, l.outFeatures));
        // alpha and beta spelled out: ORT's QDQ Gemm fusion reads beta from the node's attributes
        return g.node('Gemm', inputs, l.name, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
      }
      case 'conv': {
        const inputs = [this.quantizedInput(x, l.name), this.weight(l.weight, [l.outChannels, l.inChannels, ...l.kernel])];
        if (l.bias) inputs.push(this.bias(l.bias, l.outChannels));
        const [ph, pw] = l.padding;
        return this.quantizedOutput(g.node('Conv', inputs, l.name, { kernel_shape: [...l.kernel], strides: [...l.stride], pads: [ph, pw, ph, pw], dilations: [1, 1], group: 1 }), l.name);
      }
      case 'maxpool':
        return g.node('MaxPool', [x], l.name, { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride], pads: [l.padding, l.padding, l.padding, l.padding] });
      case 'avgpool':
        // the engine divides by the whole window, padding included
        return g.node('AveragePool', [x], l.name, { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride], pads: [l.padding, l.padding, l.padding, l.padding], count_include_pad: 1 });
      case 'flatten':
        return g.node('Flatten', [x], l.name, { axis: 1 });
      case 'batchnorm': {
        const t = (s: string): string => this.float(`${l.name}.${s}`, [l.channels]);
        return g.node('BatchNormalization', [x, t('weight'), t('bias'), t('running_mean'), t('running_var')], l.name, { epsilon: { float: l.eps } });
      }
      case 'layernorm': {
        // statistics over the whole sample, as the engine's layer norm
        return g.node('LayerNormalization', [x, this.float(`${l.name}.weight`, l.shape), this.float(`${l.name}.bias`, l.shape)], l.name, { axis: 1, epsilon: { float: l.eps } });
      }
      case 'activation':
        return this.activation(x, l);
      case 'residual': {
        const body = this.layers(x, l.body);
        const skip = l.projection ? this.layer(x, l.projection) : x;
        return g.node('Add', [body, skip], l.name);
      }
    }
  }

  activation(x: string, l: Extract<ExportLayer, { kind: 'activation' }>): string {
    const g = this.g;
    switch (l.fn) {
      case 'relu': return g.node('Relu', [x], l.name);
      case 'leakyRelu': return g.node('LeakyRelu', [x], l.name, { alpha: { float: l.alpha } });
      case 'elu': return g.node('Elu', [x], l.name, { alpha: { float: l.alpha } });
      case 'sigmoid': return g.node('Sigmoid', [x], l.name);
      case 'tanh': return g.node('Tanh', [x], l.name);
      case 'gelu': {
        // exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), as the engine computes it
        const scaled = g.node('Mul', [x, g.scalar(`${l.name}.inv_sqrt2`, Math.SQRT1_2)], `${l.name}.scaled`);
        const erf = g.node('Erf', [scaled], `${l.name}.erf`);
        const onePlus = g.node('Add', [erf, g.scalar(`${l.name}.one`, 1)], `${l.name}.one_plus`);
        const half = g.node('Mul', [x, g.scalar(`${l.name}.half`, 0.5)], `${l.name}.half_x`);
        return g.node('Mul', [half, onePlus], l.name);
      }
    }
  }
}

export interface EmittedModel {
  bytes: Uint8Array;
  opset: number;
}

export function emitOnnx(input: EmitInput): EmittedModel {
  const e = new Emitter(input);
  const g = e.g;
  const x = g.input(INPUT_NAME, DataType.FLOAT, ['batch', ...input.inputShape]);
  let h = x;
  const n = input.normalizer;
  if (n) {
    // per-feature statistics take the input's per-sample shape so they broadcast over the batch
    const dims = n.offset.length === 1 ? [] : [...input.inputShape];
    h = g.node('Sub', [h, g.initializer('normalize.offset', dims, n.offset)], 'normalize.centered');
    h = g.node('Mul', [h, g.initializer('normalize.scale', dims, n.scale)], 'normalized');
  }
  const logits = e.layers(h, input.layers);
  const out = g.node('Identity', [logits], OUTPUT_NAME);
  g.output(out, DataType.FLOAT, ['batch', input.classes]);
  const { opset, irVersion } = opsetFor(input.stored);
  const bytes = g.encode({
    opset, irVersion, producerVersion: input.producerVersion,
    docString: `Exported by Hyperlab. Input: raw samples (e.g. pixel values 0-255) shaped [batch, ${input.inputShape.join(', ')}]; the data normalization is part of the graph. Output: logits [batch, ${input.classes}].`,
    metadata: input.metadata,
  });
  return { bytes, opset };
}
