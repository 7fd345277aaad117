// A run's status: waiting, going, or how it ended ('pruned': stopped early by its sweep's pruner).
import type { RunEndStatus } from '../protocol/messages.ts';

export type RunStatus = 'queued' | 'running' | RunEndStatus | 'pruned';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'finished', 'failed', 'killed', 'diverged', 'pruned'];
