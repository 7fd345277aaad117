// How a trial is drawn in every sweep plot: one color and shape per status, so the history, the
// intermediate values and the timeline read alike (the legend under the history says which).
import type { RunStatus } from '../../src/core/store/types.ts';
import type { ThemeColors } from '../shared/theme.ts';

export interface TrialLook {
  color: string;
  shape: 'dot' | 'ring' | 'cross';
  label: string;
}

export function trialLook(status: RunStatus | string, theme: ThemeColors): TrialLook {
  switch (status) {
    case 'finished': return { color: theme.palette[0]!, shape: 'dot', label: 'finished' };
    case 'pruned': return { color: theme.warning, shape: 'ring', label: 'pruned (stopped early)' };
    case 'running': return { color: theme.palette[2] ?? theme.focus, shape: 'ring', label: 'running' };
    case 'queued': return { color: theme.muted, shape: 'ring', label: 'queued' };
    case 'killed': return { color: theme.muted, shape: 'cross', label: 'stopped' };
    default: return { color: theme.error, shape: 'cross', label: status === 'diverged' ? 'diverged' : 'failed' };
  }
}

export const LEGEND_STATUSES = ['finished', 'pruned', 'running', 'failed', 'killed'] as const;
