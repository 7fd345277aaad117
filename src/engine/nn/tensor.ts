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

/** Makes a zeroed Float32Array (Kernels.alloc: WebAssembly kernels place it in their memory). */
export type Allocate = (length: number) => Float32Array;

/**
 * A tensor of shape [batch, ...sample] reused across steps. Without `alloc`, a new
 * Float32Array is made whenever the batch size differs from the previous call. With `alloc`
 * (kernel memory, never reclaimed), the largest batch seen so far is kept and smaller batches
 * get a view of its start, so alternating batch sizes (last batch of an epoch, evaluation)
 * allocate nothing; callers overwrite or clear the data, as before.
 */
export class BatchBuffer {
  private current: Tensor | null = null;
  private readonly sampleShape: readonly number[];
  private readonly alloc: Allocate | undefined;
  private storage: Float32Array = new Float32Array(0);
  constructor(sampleShape: readonly number[], alloc?: Allocate) {
    this.sampleShape = sampleShape;
    this.alloc = alloc;
  }
  get(batch: number): Tensor {
    if (this.current === null || this.current.shape[0] !== batch) {
      const shape = [batch, ...this.sampleShape];
      const size = sizeOf(shape);
      if (!this.alloc) {
        this.current = { data: new Float32Array(size), shape };
      } else {
        if (this.storage.length < size) this.storage = this.alloc(size);
        this.current = { data: this.storage.length === size ? this.storage : this.storage.subarray(0, size), shape };
      }
    }
    return this.current;
  }
}

/** A flat Float32Array scratch reused across calls while its length is unchanged (with `alloc`: while it fits). */
export class Scratch {
  private buffer: Float32Array = new Float32Array(0);
  private view = this.buffer;
  private readonly alloc: Allocate | undefined;
  constructor(alloc?: Allocate) {
    this.alloc = alloc;
  }
  get(length: number): Float32Array {
    if (!this.alloc) {
      if (this.buffer.length !== length) this.buffer = new Float32Array(length);
      return this.buffer;
    }
    if (this.view.length !== length) {
      if (this.buffer.length < length) this.buffer = this.alloc(length);
      this.view = this.buffer.length === length ? this.buffer : this.buffer.subarray(0, length);
    }
    return this.view;
  }
}

export function makeParam(name: string, role: ParamRole, shape: readonly number[], fill = 0, alloc?: Allocate): Param {
  const n = sizeOf(shape);
  const value = alloc ? alloc(n) : new Float32Array(n);
  if (fill !== 0) value.fill(fill);
  return { name, role, shape, value, grad: alloc ? alloc(n) : new Float32Array(n) };
}
