// Which scale group each element of a tensor belongs to, for the three granularities of
// types.ts (tensor, channel along an axis, blocks along an axis). One Int32Array of group
// indices lets every quantizer loop over the data once, whatever the granularity. Group order
// is the row-major order of the ONNX scale tensor (paramShape), so scale[g] is ONNX's scale.
import { compressError } from './errors.ts';
import type { Granularity, WeightTensor } from './types.ts';

export interface GroupLayout {
  /** Number of groups (length of scale / zero point arrays). */
  readonly groups: number;
  /** Shape of the scale tensor in ONNX layout. */
  readonly paramShape: number[];
  /** Group of every element. */
  readonly index: Int32Array;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws a clear error when the tensor's data does not match its shape or holds NaN/Infinity. */
export function checkTensor(tensor: WeightTensor): void {
  const n = elementCount(tensor.shape);
  if (tensor.shape.some((d) => !Number.isInteger(d) || d < 0) || n !== tensor.data.length) {
    throw compressError(tensor.name, `shape [${tensor.shape.join(', ')}] does not match ${tensor.data.length} values`, 'Pass the tensor with its own shape (engine layout: dense [out, in], conv [out, in, kh, kw]).');
  }
  for (let i = 0; i < tensor.data.length; i++) {
    if (!Number.isFinite(tensor.data[i]!)) {
      throw compressError(tensor.name, `value ${tensor.data[i]} at index ${i} is not finite`, 'The model diverged or the checkpoint is damaged; compress a run whose weights are finite.');
    }
  }
}

export function groupLayout(name: string, shape: readonly number[], granularity: Granularity): GroupLayout {
  const n = elementCount(shape);
  if (granularity.kind === 'tensor') return { groups: 1, paramShape: [], index: new Int32Array(n) };
  const axis = granularity.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw compressError(name, `axis ${axis} is outside the tensor's ${shape.length} dimensions [${shape.join(', ')}]`, 'Use axis 0 (output channels) or 1 (inputs) for dense and conv weights.');
  }
  const outer = elementCount(shape.slice(0, axis));
  const size = shape[axis]!;
  const inner = elementCount(shape.slice(axis + 1));
  const index = new Int32Array(n);
  if (granularity.kind === 'channel') {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let d = 0; d < size; d++) {
        index.fill(d, i, i + inner);
        i += inner;
      }
    }
    return { groups: size, paramShape: [size], index };
  }
  const block = granularity.blockSize;
  if (!Number.isInteger(block) || block < 1) {
    throw compressError(name, `block size ${block} is not a positive integer`, 'Use a block size such as 32 or 64.');
  }
  const blocks = Math.ceil(size / block);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let d = 0; d < size; d++) {
      const rowStart = (o * blocks + Math.floor(d / block)) * inner;
      for (let r = 0; r < inner; r++) index[i++] = rowStart + r;
    }
  }
  const paramShape = [...shape];
  paramShape[axis] = blocks;
  return { groups: outer * blocks * inner, paramShape, index };
}

/** Per-group minimum and maximum of the data. */
export function groupMinMax(data: Float32Array, layout: GroupLayout): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(layout.groups).fill(Infinity);
  const max = new Float64Array(layout.groups).fill(-Infinity);
  for (let i = 0; i < data.length; i++) {
    const g = layout.index[i]!;
    const v = data[i]!;
    if (v < min[g]!) min[g] = v;
    if (v > max[g]!) max[g] = v;
  }
  return { min, max };
}
