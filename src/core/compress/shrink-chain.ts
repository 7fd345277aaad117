// Removes the units chosen by structured pruning from a sequential chain, and with them the
// matching inputs of the next parametric layer, so the model really shrinks:
//   dense → dense:                 rows of W1 and b1, columns of W2;
//   conv → conv:                   filters of K1 and b1, input channels of K2;
//   conv → flatten → dense:        filters of K1, and for each removed channel its H·W
//                                  consecutive columns of W2 (NCHW flattening);
//   BatchNorm after a pruned layer: γ, β, running mean and variance of the removed channels;
//   activations, pooling, dropout (passthrough) act per channel and pass the selection on.
// `keep` maps a layer name to the ascending indices of its output units to keep (from
// selectUnits). The last parametric layer produces the model's outputs and cannot be pruned.
// Pure: returns new layers with new arrays; the input is not modified.
import { compressError } from './errors.ts';
import type { ChainLayer } from './types.ts';

type Live = { readonly kind: 'channels' | 'features'; readonly keep: Int32Array } | null;

function checkKeep(name: string, keep: Int32Array, units: number): void {
  if (keep.length === 0) throw compressError(name, 'structured pruning would remove every unit', 'Keep at least one unit (a lower sparsity).');
  for (let i = 0; i < keep.length; i++) {
    if (!Number.isInteger(keep[i]) || keep[i]! < 0 || keep[i]! >= units || (i > 0 && keep[i]! <= keep[i - 1]!)) {
      throw compressError(name, `kept unit indices must be ascending and within 0..${units - 1}, got ${keep[i]} at position ${i}`, 'Pass the keep list from selectUnits.');
    }
  }
}

function checkLength(name: string, what: string, array: Float32Array | null, expected: number): void {
  if (array && array.length !== expected) {
    throw compressError(name, `${what} has ${array.length} values, expected ${expected}`, 'Describe the layer with the sizes its weights have.');
  }
}

/** Rows `rows` (or all) and columns `cols` (or all) of a [rows, cols·inner] matrix. */
function slice2(data: Float32Array, rowCount: number, colCount: number, inner: number, rows: Int32Array | null, cols: Int32Array | null): Float32Array {
  const r = rows ?? Int32Array.from({ length: rowCount }, (_, i) => i);
  const c = cols ?? Int32Array.from({ length: colCount }, (_, i) => i);
  const out = new Float32Array(r.length * c.length * inner);
  let o = 0;
  for (const row of r) {
    for (const col of c) {
      const start = (row * colCount + col) * inner;
      out.set(data.subarray(start, start + inner), o);
      o += inner;
    }
  }
  return out;
}

function pick(data: Float32Array, keep: Int32Array): Float32Array {
  const out = new Float32Array(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = data[keep[i]!]!;
  return out;
}

export function shrinkChain(layers: readonly ChainLayer[], keep: ReadonlyMap<string, Int32Array>): ChainLayer[] {
  const parametric = layers.filter((l) => l.kind === 'dense' || l.kind === 'conv2d');
  const last = parametric[parametric.length - 1];
  for (const name of keep.keys()) {
    const layer = parametric.find((l) => l.name === name);
    if (!layer) throw compressError(name, 'is not a dense or conv layer of this model', `Structured pruning applies to: ${parametric.map((l) => l.name).join(', ')}.`);
    if (layer === last) throw compressError(name, "is the output layer: its units are the model's outputs", 'Exclude the last layer from structured pruning.');
  }
  let live: Live = null;
  // what the last flatten produced (original sizes), checked against the next dense layer
  let flattened: { readonly name: string; readonly channels: number; readonly spatial: number } | null = null;
  return layers.map((layer): ChainLayer => {
    switch (layer.kind) {
      case 'dense': {
        checkLength(layer.name, 'weight', layer.weight, layer.outFeatures * layer.inFeatures);
        checkLength(layer.name, 'bias', layer.bias, layer.outFeatures);
        if (live?.kind === 'channels') throw compressError(layer.name, 'follows a pruned convolution without a flatten layer', 'Describe the flatten layer between them ({ kind: "flatten" }).');
        if (flattened && flattened.channels * flattened.spatial !== layer.inFeatures) {
          throw compressError(layer.name, `has ${layer.inFeatures} inputs but ${flattened.name} before it gives ${flattened.channels} channels × ${flattened.spatial} = ${flattened.channels * flattened.spatial}`, 'Give the flatten layer the channel count and H·W of the layer before it.');
        }
        flattened = null;
        const cols = live?.keep ?? null;
        if (cols && cols[cols.length - 1]! >= layer.inFeatures) throw compressError(layer.name, `receives feature ${cols[cols.length - 1]} but has ${layer.inFeatures} inputs`, 'Check the flatten layer\'s channels and spatial size.');
        const rows = keep.get(layer.name) ?? null;
        if (rows) checkKeep(layer.name, rows, layer.outFeatures);
        live = rows ? { kind: 'features', keep: rows } : null;
        const outFeatures = rows?.length ?? layer.outFeatures;
        const inFeatures = cols?.length ?? layer.inFeatures;
        return {
          ...layer, inFeatures, outFeatures,
          weight: rows || cols ? slice2(layer.weight, layer.outFeatures, layer.inFeatures, 1, rows, cols) : layer.weight.slice(),
          bias: layer.bias ? (rows ? pick(layer.bias, rows) : layer.bias.slice()) : null,
        };
      }
      case 'conv2d': {
        const kernel = layer.kernelH * layer.kernelW;
        checkLength(layer.name, 'weight', layer.weight, layer.outChannels * layer.inChannels * kernel);
        checkLength(layer.name, 'bias', layer.bias, layer.outChannels);
        if (live?.kind === 'features') throw compressError(layer.name, 'follows a pruned dense layer', 'A convolution needs image-shaped input; describe the chain in model order.');
        flattened = null;
        const cols = live?.keep ?? null;
        if (cols && cols[cols.length - 1]! >= layer.inChannels) throw compressError(layer.name, `receives channel ${cols[cols.length - 1]} but has ${layer.inChannels} input channels`, 'Describe the chain in model order.');
        const rows = keep.get(layer.name) ?? null;
        if (rows) checkKeep(layer.name, rows, layer.outChannels);
        live = rows ? { kind: 'channels', keep: rows } : null;
        return {
          ...layer, outChannels: rows?.length ?? layer.outChannels, inChannels: cols?.length ?? layer.inChannels,
          weight: rows || cols ? slice2(layer.weight, layer.outChannels, layer.inChannels, kernel, rows, cols) : layer.weight.slice(),
          bias: layer.bias ? (rows ? pick(layer.bias, rows) : layer.bias.slice()) : null,
        };
      }
      case 'batchnorm': {
        for (const [what, array] of [['gamma', layer.gamma], ['beta', layer.beta], ['running mean', layer.runningMean], ['running variance', layer.runningVar]] as const) {
          checkLength(layer.name, what, array, layer.channels);
        }
        const k = live?.keep ?? null;
        if (k && k[k.length - 1]! >= layer.channels) throw compressError(layer.name, `receives channel ${k[k.length - 1]} but has ${layer.channels} channels`, 'Describe the chain in model order.');
        const take = (a: Float32Array): Float32Array => (k ? pick(a, k) : a.slice());
        return { ...layer, channels: k?.length ?? layer.channels, gamma: take(layer.gamma), beta: take(layer.beta), runningMean: take(layer.runningMean), runningVar: take(layer.runningVar) };
      }
      case 'flatten': {
        flattened = { name: layer.name, channels: layer.channels, spatial: layer.spatial };
        if (live?.kind === 'channels') {
          const channels = live.keep;
          if (channels[channels.length - 1]! >= layer.channels) throw compressError(layer.name, `receives channel ${channels[channels.length - 1]} but flattens ${layer.channels} channels`, 'Give the flatten layer the channel count of the layer before it.');
          const features = new Int32Array(channels.length * layer.spatial);
          let i = 0;
          for (const c of channels) for (let s = 0; s < layer.spatial; s++) features[i++] = c * layer.spatial + s;
          live = { kind: 'features', keep: features };
          return { ...layer, channels: channels.length };
        }
        return { ...layer };
      }
      case 'passthrough':
        return { ...layer };
    }
  });
}
