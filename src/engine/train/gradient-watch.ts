// Turns the gradient flags of each statistics step into run-log lines. The Gradient monitor
// panel computes its own alerts from the stored layer statistics; the log is for a person
// reading the run's output, so each kind (vanishing, exploding) is announced once when it
// starts, all its findings in one line, and once when it clears — not at every statistics
// step while it lasts.
import type { LayerStat } from '../../core/protocol/messages.ts';
import { diagnoseGradients, type GradientFlag, type GradientFlagKind } from '../nn/stats/gradient-flags.ts';

export interface GradientLogLine {
  level: 'warn' | 'info';
  message: string;
}

export class GradientWatch {
  private readonly label: string;
  private previous: readonly LayerStat[] | undefined;
  private active = new Set<GradientFlagKind>();

  /** `prefix` names the ensemble member ("member1." → "member1: " in the log) or is "" for a single model. */
  constructor(prefix = '') {
    this.label = prefix === '' ? '' : `${prefix.replace(/\.$/, '')}: `;
  }

  /** The log lines for the statistics taken at `step`; empty while nothing changes. */
  observe(step: number, stats: readonly LayerStat[]): GradientLogLine[] {
    const flags = diagnoseGradients(stats, this.previous);
    this.previous = stats;
    const byKind = new Map<GradientFlagKind, GradientFlag[]>();
    for (const f of flags) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
    const lines: GradientLogLine[] = [];
    for (const [kind, found] of byKind) {
      if (this.active.has(kind)) continue;
      lines.push({ level: 'warn', message: `step ${step}: ${this.label}${kind} gradients: ${found.map((f) => f.detail).join('; ')} — ${found[0]!.remedy}` });
    }
    for (const kind of this.active) {
      if (!byKind.has(kind)) lines.push({ level: 'info', message: `step ${step}: ${this.label}${kind} gradients no longer flagged` });
    }
    this.active = new Set(byKind.keys());
    return lines;
  }
}
