// Writes a run's end status, which must not be lost: a busy store is retried on the ingest's
// schedule (BUSY_RETRY); a full one gets the space kept for this (reserve.ts), then a few more
// tries (a moment may free space); when the store still
// cannot take it, the end is kept in a file beside the store for the next open to apply, and the
// caller is told, so it never reports an end the store does not hold.
import { HyperlabError, errorMessage } from '../errors.ts';
import { releaseReserve, sqliteErrorKind, writePendingEnd, type PendingEnd, type Store } from '../store/index.ts';
import { BUSY_RETRY } from './ingest-buffer.ts';

/** Attempts on a full store, 0.5 s apart. */
const FULL_ATTEMPTS = 4;
const FULL_DELAY_MS = 500;

export async function writeEnd(store: Store, runId: number, end: PendingEnd, busyGiveUpMs: number, warn: (message: string) => void): Promise<{ recorded: true } | { recorded: false; problem: string }> {
  const started = Date.now();
  let delay = BUSY_RETRY.firstDelayMs;
  let reserveReleased = false;
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      store.endRun(runId, end.status, end.reason, end.summary);
      return { recorded: true };
    } catch (error) {
      failure = error;
    }
    const kind = sqliteErrorKind(failure);
    if (kind === 'busy' && Date.now() - started < busyGiveUpMs) {
      await sleep(delay);
      delay = Math.min(BUSY_RETRY.maxDelayMs, delay * 2);
      continue;
    }
    if (kind === 'full' && !reserveReleased) {
      // The space the store keeps for this write (reserve.ts): free it and try again at once.
      reserveReleased = true;
      if (releaseReserve(store.path)) {
        warn('the disk is full: released the space kept beside the store to record the end of the run');
        continue;
      }
    }
    if (kind === 'full' && attempt < FULL_ATTEMPTS) {
      await sleep(FULL_DELAY_MS);
      continue;
    }
    const what = `${end.status}${end.reason ? `: ${end.reason}` : ''}`;
    warn(`could not write the end of the run (${what}) to the store: ${errorMessage(failure)}`);
    if (failure instanceof HyperlabError && failure.code === 'RUN_NOT_FOUND') {
      return { recorded: false, problem: `the run ended (${what}) after it was deleted from the store` };
    }
    let kept: string;
    try {
      kept = `it waits in ${writePendingEnd(store.path, runId, end)} and is recorded the next time the store is opened`;
    } catch (error) {
      kept = `it could not be kept beside the store either (${errorMessage(error)}); the next open of the store marks the run failed, its process gone`;
    }
    return { recorded: false, problem: `the run ended (${what}) but the store could not record it: ${errorMessage(failure)}; ${kept}` };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
