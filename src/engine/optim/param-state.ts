// Per-parameter optimizer buffers keyed by parameter name, created lazily on first use, so
// checkpoints can save and restore them by the same names as the weights.
import { HyperlabError } from '../../core/errors.ts';
import type { Param } from '../nn/types.ts';

export class ParamState {
  private readonly slots = new Map<string, Float32Array>();
  private readonly slotNames: readonly string[];
  private readonly alloc: (length: number) => Float32Array;

  /** `alloc` (Kernels.alloc) places the buffers where the kernels work on them in place. */
  constructor(slotNames: readonly string[], alloc: (length: number) => Float32Array = (n) => new Float32Array(n)) {
    this.slotNames = slotNames;
    this.alloc = alloc;
  }

  /** The buffer `slot` of `param` (zeros the first time), e.g. "momentum" → key "dense1.weight.momentum". */
  get(param: Param, slot: string): Float32Array {
    const key = `${param.name}.${slot}`;
    let buf = this.slots.get(key);
    if (!buf) {
      buf = this.alloc(param.value.length);
      this.slots.set(key, buf);
    }
    return buf;
  }

  has(param: Param, slot: string): boolean {
    return this.slots.has(`${param.name}.${slot}`);
  }

  snapshot(): Map<string, Float32Array> {
    return new Map([...this.slots].map(([k, v]) => [k, v.slice()]));
  }

  load(state: Map<string, Float32Array>, kind: string): void {
    this.slots.clear();
    for (const [key, value] of state) {
      if (!this.slotNames.some((s) => key.endsWith(`.${s}`)) && !key.startsWith('#')) {
        throw new HyperlabError('SPEC_INVALID', `${kind} optimizer state has unexpected entry "${key}"`, 'Resume with the optimizer the checkpoint was trained with.');
      }
      if (!key.startsWith('#')) {
        const buf = this.alloc(value.length);
        buf.set(value);
        this.slots.set(key, buf);
      }
    }
  }
}

/** The step counter, carried in the state map as "#step" so resume keeps bias corrections right. */
export function stepToState(state: Map<string, Float32Array>, step: number): Map<string, Float32Array> {
  state.set('#step', Float32Array.of(step));
  return state;
}

export function stepFromState(state: Map<string, Float32Array>): number {
  return state.get('#step')?.[0] ?? 0;
}
