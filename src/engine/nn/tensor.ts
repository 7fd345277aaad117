// Small tensor helpers shared by layers: sizes, shape checks with errors that name the layer,
// and a buffer that is reallocated only when the batch size changes.
import { HyperlabError } from '../../core/errors.ts';
import type { Param, ParamRole, Tensor } from './types.ts';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(data: Float32Array, shape: readonly number[]): Tensor {
  return { data, shape };
}

/** Returned by backward() when the input gradient was not asked for. */
export const EMPTY_TENSOR: Tensor = Object.freeze({ data: new Float32Array(0), shape: Object.freeze([0]) as readonly number[] });

/** Throws a typed error unless the per-sample shape of `x` equals `expected`. */
export function expectSampleShape(layer: string, x: Tensor, expected: readonly number[]): void {
  const got = x.shape.slice(1);
  if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
    throw new HyperlabError(
      'SPEC_INVALID',
      `model layer "${layer}" expects per-sample input [${expected.join(', ')}], got [${got.join(', ')}]`,
      'Check the layer sizes in the model section of the spec against the data shape.',
    );
  }
}

export function modelError(layer: string, message: string, hint: string): HyperlabError {
  return new HyperlabError('SPEC_INVALID', `model layer "${layer}": ${message}`, hint);
}

/**
 * A tensor of shape [batch, ...sample] reused across steps: a new Float32Array is made only
 * when the batch size differs from the previous call.
 */
export class BatchBuffer {
  private current: Tensor | null = null;
  private readonly sampleShape: readonly number[];
  constructor(sampleShape: readonly number[]) {
    this.sampleShape = sampleShape;
  }
  get(batch: number): Tensor {
    if (this.current === null || this.current.shape[0] !== batch) {
      const shape = [batch, ...this.sampleShape];
      this.current = { data: new Float32Array(sizeOf(shape)), shape };
    }
    return this.current;
  }
}

/** A flat Float32Array scratch reused across calls while its length is unchanged. */
export class Scratch {
  private buffer = new Float32Array(0);
  get(length: number): Float32Array {
    if (this.buffer.length !== length) this.buffer = new Float32Array(length);
    return this.buffer;
  }
}

export function makeParam(name: string, role: ParamRole, shape: readonly number[], fill = 0): Param {
  const n = sizeOf(shape);
  const value = new Float32Array(n);
  if (fill !== 0) value.fill(fill);
  return { name, role, shape, value, grad: new Float32Array(n) };
}
