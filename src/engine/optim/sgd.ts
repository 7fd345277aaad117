// SGD with optional momentum and Nesterov, in PyTorch's form (default) or the classic velocity form.
//  pytorch:  m ← μm + g;  θ ← θ − α m            (nesterov: θ ← θ − α (g + μ m))
//  classic:  v ← μv − α g; θ ← θ + v             (nesterov: the look-ahead reformulation below)
import { HyperlabError } from '../../core/errors.ts';
import { jsKernels } from '../kernels/js-kernels.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Optimizer, Param } from '../nn/types.ts';
import { ParamState } from './param-state.ts';

export type MomentumForm = 'pytorch' | 'classic';

export interface SgdOptions {
  /** μ, default 0 (plain SGD). */
  momentum?: number;
  nesterov?: boolean;
  /** Default 'pytorch'. */
  form?: MomentumForm;
  /** Runs the element-wise updates (default: the JS reference). */
  kernels?: Kernels;
}

export class Sgd implements Optimizer {
  readonly kind = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly form: MomentumForm;
  private readonly slots: ParamState;
  private readonly k: Kernels;

  constructor(options?: SgdOptions) {
    this.momentum = options?.momentum ?? 0;
    this.nesterov = options?.nesterov ?? false;
    this.form = options?.form ?? 'pytorch';
    const k = options?.kernels ?? jsKernels;
    this.k = k;
    this.slots = new ParamState(['momentum'], (n) => k.alloc(n));
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new HyperlabError('SPEC_INVALID', `optimizer momentum must be in [0, 1), got ${this.momentum}`, 'Use e.g. train.optimizer.momentum = 0.9.');
    }
    if (this.nesterov && this.momentum === 0) {
      throw new HyperlabError('SPEC_INVALID', 'Nesterov needs a momentum > 0', 'Set train.optimizer.momentum (e.g. 0.9) or turn nesterov off.');
    }
  }

  step(params: readonly Param[], lr: number): void {
    const mu = this.momentum;
    for (const p of params) {
      const w = p.value;
      const g = p.grad;
      if (mu === 0) {
        this.k.sgdStep(w, g, lr);
        continue;
      }
      const fresh = !this.slots.has(p, 'momentum');
      const m = this.slots.get(p, 'momentum');
      if (this.form === 'pytorch') {
        this.k.momentumStep(w, g, m, lr, mu, this.nesterov, fresh);
      } else {
        this.k.classicMomentumStep(w, g, m, lr, mu, this.nesterov);
      }
    }
  }

  state(): Map<string, Float32Array> {
    return this.slots.snapshot();
  }

  loadState(state: Map<string, Float32Array>): void {
    this.slots.load(state, this.kind);
  }
}
