// A run's summary as Run Detail shows it to a person: what has a section of its own (confusion
// matrix, per-class accuracy) and bookkeeping that says nothing for this run (no SWA epochs, an
// "ensemble" of one, "stopped early: false") left out, and raw seconds written as a duration.
import type { Params } from '../protocol/messages.ts';

export function summaryForPeople(summary: Params): Params {
  const { confusion: _c, perClassAcc: _p, classNames: _n, time_s: seconds, swaEpochs, members, stoppedEarly, ...rest } = summary;
  const shown: Params = { ...rest };
  if (typeof swaEpochs === 'number' && swaEpochs > 0) shown['swaEpochs'] = swaEpochs;
  if (typeof members === 'number' && members > 1) shown['members'] = members;
  if (stoppedEarly === true) shown['stoppedEarly'] = true;
  if (typeof seconds === 'number' && Number.isFinite(seconds)) shown['time'] = formatSeconds(seconds);
  return shown;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
