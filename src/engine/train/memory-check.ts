// Refuses a model whose memory estimate (memory-estimate.ts) cannot fit, before anything of it is
// allocated, naming the layer that needs the most and the figures, so the run fails at once with a
// reason a person can act on instead of swapping the machine or dying in V8.
import { constants as bufferConstants } from 'node:buffer';
import os from 'node:os';
import { HyperlabError } from '../../core/errors.ts';
import { WASM_ARENA_CAP_BYTES } from '../kernels/wasm-memory.ts';
import type { LayerEstimate, MemoryEstimate } from './memory-estimate.ts';

export interface MemoryLimits {
  /** Memory the process can still use (cgroup limit and MemAvailable: process.availableMemory()). */
  availableBytes: number;
  /** os.totalmem(), for the message. */
  totalBytes: number;
  /** The kernels' linear memory, or null for the JS kernels (no such limit). */
  kernelBytes: number | null;
  /** The longest Float32Array V8 allocates. */
  maxArrayFloats: number;
}

/** This machine's limits for a run on `kernelsName` ("js", "wasm-relaxed", "wasm-simd"). */
export function machineMemoryLimits(kernelsName: string): MemoryLimits {
  return {
    // Node ≥ 22 (cgroup limits and MemAvailable); older runtimes: free memory, which is stricter
    availableBytes: typeof process.availableMemory === 'function' ? process.availableMemory() : os.freemem(),
    totalBytes: os.totalmem(),
    kernelBytes: kernelsName.startsWith('wasm') ? WASM_ARENA_CAP_BYTES : null,
    maxArrayFloats: Math.floor(bufferConstants.MAX_LENGTH / 4),
  };
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${unit === 0 ? value : value.toPrecision(3)} ${units[unit]}`;
}

function layerNeeds(e: LayerEstimate): number {
  return e.paramBytes + e.activationBytes;
}

/** The layer first: the message may be cut short where a run's reason is stored. */
function describeLayer(e: LayerEstimate, batch: number): string {
  return `${e.path} (${e.what}) needs about ${formatBytes(layerNeeds(e))} (${formatBytes(e.paramBytes)} of parameters with their gradients, optimizer state and snapshots, `
    + `${formatBytes(e.activationBytes)} of outputs and gradients for batches of up to ${batch}${e.what.startsWith('conv2d') ? ' and im2col buffers' : ''})`;
}

const HINT = 'Make that layer smaller (fewer units or filters, a larger stride, pooling before it) or lower train.batchSize; evaluation runs in batches of up to 500 samples.';

/** Throws SPEC_INVALID naming the layer that needs the most when the estimate does not fit `limits`. */
export function checkMemoryFits(estimate: MemoryEstimate, limits: MemoryLimits): void {
  if (estimate.layers.length === 0) return;
  const biggest = estimate.layers.reduce((a, b) => (layerNeeds(b) > layerNeeds(a) ? b : a));
  const longest = estimate.layers.reduce((a, b) => (b.largestArray > a.largestArray ? b : a));
  const total = formatBytes(estimate.totalBytes);
  const members = estimate.members > 1 ? ` for ${estimate.members} ensemble members` : '';
  if (longest.largestArray > limits.maxArrayFloats) {
    throw new HyperlabError('SPEC_INVALID', `model too large: ${longest.path} (${longest.what}) needs one array of ${longest.largestArray.toLocaleString('en-US')} floats, `
      + `more than the ${limits.maxArrayFloats.toLocaleString('en-US')} a JavaScript typed array can hold`, HINT);
  }
  if (estimate.totalBytes > limits.availableBytes) {
    throw new HyperlabError('SPEC_INVALID', `model too large: ${describeLayer(biggest, estimate.batch)}; training needs about ${total} in all${members}, `
      + `more than the ${formatBytes(limits.availableBytes)} of memory available (${formatBytes(limits.totalBytes)} in this machine)`, HINT);
  }
  if (limits.kernelBytes !== null && estimate.kernelBytes > limits.kernelBytes) {
    throw new HyperlabError('SPEC_INVALID', `model too large for the WebAssembly kernels: ${describeLayer(biggest, estimate.batch)}; their buffers need about ${formatBytes(estimate.kernelBytes)}${members}, `
      + `more than the ${formatBytes(limits.kernelBytes)} of WebAssembly memory the engine uses (a wasm32 memory is at most 4 GiB)`,
      `${HINT} The JS kernels (HYPERLAB_KERNELS=js) have no such limit but are slower.`);
  }
}
