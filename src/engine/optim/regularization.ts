// L1 and L2 penalties added to the gradients, plus their value for the reported loss.
// By default only role 'weight' is penalized (not biases or norm parameters).
//   L2: (λ/2)‖θ‖² → ∇ += λθ        L1: λ‖θ‖₁ → ∇ += λ·sign(θ)
import type { Param, ParamRole } from '../nn/types.ts';

export interface PenaltyOptions {
  l1?: number;
  l2?: number;
  roles?: readonly ParamRole[];
}

/** Adds the penalties' gradients to each param's .grad and returns the penalty value. */
export function applyPenalties(params: readonly Param[], options: PenaltyOptions): number {
  const l1 = options.l1 ?? 0;
  const l2 = options.l2 ?? 0;
  if (l1 === 0 && l2 === 0) return 0;
  const roles = options.roles ?? ['weight'];
  let l1Sum = 0;
  let l2Sum = 0;
  for (const p of params) {
    if (!roles.includes(p.role)) continue;
    const w = p.value;
    const g = p.grad;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i]!;
      l2Sum += wi * wi;
      l1Sum += Math.abs(wi);
      g[i] = g[i]! + l2 * wi + l1 * Math.sign(wi);
    }
  }
  return 0.5 * l2 * l2Sum + l1 * l1Sum;
}

/** The penalty value alone (e.g. for validation loss reports). */
export function penaltyValue(params: readonly Param[], options: PenaltyOptions): number {
  const roles = options.roles ?? ['weight'];
  let l1Sum = 0;
  let l2Sum = 0;
  for (const p of params) {
    if (!roles.includes(p.role)) continue;
    for (const wi of p.value) {
      l2Sum += wi * wi;
      l1Sum += Math.abs(wi);
    }
  }
  return 0.5 * (options.l2 ?? 0) * l2Sum + (options.l1 ?? 0) * l1Sum;
}
