// The engine's one WebAssembly memory and its allocator. The memory is *shared*
// (SharedArrayBuffer-backed): when it grows, arrays handed out earlier stay attached and keep
// addressing the same bytes, so a layer can never be left holding a detached view mid-training.
// Blocks are bump-allocated, 64-byte aligned, and never reclaimed (one model per engine).
import { HyperlabError } from '../../core/errors.ts';

const PAGE = 65536;
const ALIGN = 64;
/** Bytes below this are left to the kernels' own scratch (set up by the kernels module). */
const RESERVED = PAGE;
/** Past this, alloc() hands out ordinary arrays (still correct, copied per call) instead of growing further. */
export const WASM_ARENA_CAP_BYTES = 1024 * 1024 * 1024;
const MAX_PAGES = 32768;

export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private top = RESERVED;
  private readonly capBytes: number;
  /** Every buffer object this memory has exposed: arrays over any of them live in linear memory. */
  private readonly buffers = new Set<ArrayBufferLike>();

  constructor(initialBytes = 4 * 1024 * 1024, capBytes = WASM_ARENA_CAP_BYTES) {
    try {
      this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE), maximum: MAX_PAGES, shared: true });
    } catch (error) {
      throw new HyperlabError('KERNELS_UNAVAILABLE', `cannot create a shared WebAssembly memory: ${(error as Error).message}`, 'Use the JS kernels (HYPERLAB_KERNELS=js) on this runtime.');
    }
    this.capBytes = Math.min(capBytes, MAX_PAGES * PAGE);
    this.buffers.add(this.memory.buffer);
  }

  /** Whether `a` lies in this memory (then its address is a.byteOffset). */
  owns(a: Float32Array): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Reserves `bytes` (64-byte aligned), growing the memory if needed; returns the address, or -1 past the cap. */
  reserve(bytes: number): number {
    const start = this.top;
    const end = start + Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    if (end > this.capBytes) return -1;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // grow by at least half again, so a run of small allocations grows rarely
      const want = Math.min(MAX_PAGES, Math.max(Math.ceil(end / PAGE), Math.ceil((have * 1.5) / PAGE)));
      this.memory.grow(want - have / PAGE);
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    return start;
  }

  /** A zeroed array of `length` floats in linear memory (an ordinary array past the cap). */
  alloc(length: number): Float32Array {
    const at = this.reserve(length * 4);
    if (at < 0) return new Float32Array(length);
    return new Float32Array(this.memory.buffer, at, length);
  }

  /** A view of `length` floats at address `at` (over the current buffer). */
  view(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  get bytesUsed(): number {
    return this.top;
  }
}
