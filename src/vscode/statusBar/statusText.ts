// What the status bar item says, from the runs going now. Pure (no vscode import) so the wording
// is unit-tested: idle when nothing runs (it said "0 running" forever), the run itself when one
// runs, a count when several do, and a tooltip that lists each.
import { formatProgress, formatSeconds, type RunProgress } from '../../core/progress.ts';
import type { LatestValue, Run } from '../../core/store/types.ts';
import { describeRun } from '../runExplorer/runDescription.ts';

export interface StatusText { text: string; tooltip: string; busy: boolean }

/** Runs listed in the tooltip before "and N more". */
export const TOOLTIP_RUNS = 8;

export function statusText(running: readonly Run[], queued: number, latest: (runId: number) => readonly LatestValue[], now: number,
  progress: (runId: number) => RunProgress | null = () => null): StatusText {
  const queue = queued > 0 ? `, ${queued} queued` : '';
  if (running.length === 0) {
    return queued > 0
      ? { text: `$(clock) ${queued} queued`, tooltip: `Hyperlab: ${queued} run${queued === 1 ? '' : 's'} waiting for a free slot. Click to show the Run Explorer.`, busy: true }
      : { text: '$(beaker) Hyperlab', tooltip: 'Hyperlab: no run is going. Click to show the Run Explorer.', busy: false };
  }
  const lines = running.slice(0, TOOLTIP_RUNS).map((run) => {
    const going = progress(run.id);
    const described = [going ? formatProgress(going) : '', describeRun(run, latest(run.id), now)].filter((t) => t !== '').join(' · ');
    return `${run.name} (#${run.id}, ${run.experimentName}): ${described || 'starting'}`;
  });
  if (running.length > TOOLTIP_RUNS) lines.push(`and ${running.length - TOOLTIP_RUNS} more`);
  const only = running.length === 1 ? progress(running[0]!.id) : null;
  const text = running.length === 1
    ? `$(sync~spin) ${clip(running[0]!.name, 24)}${only ? ` · ${Math.floor(only.fraction * 100)}%${only.etaSeconds !== null ? ` · ETA ${formatSeconds(only.etaSeconds)}` : ''}` : ''}${queue ? ` +${queued} queued` : ''}`
    : `$(sync~spin) ${running.length} running${queue}`;
  return { text, tooltip: `Hyperlab: ${running.length} run${running.length === 1 ? '' : 's'} going${queue}\n${lines.join('\n')}\nClick to show the Run Explorer.`, busy: true };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
