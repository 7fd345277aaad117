// Decides how a run ended, from what the supervisor observed. One place for the precedence
// rules, so every path yields a status and a reason a person can act on.
import type { ProducerMessage, RunEndStatus } from '../protocol/messages.ts';

type Done = Extract<ProducerMessage, { type: 'done' }>;

export interface RunFacts {
  spawnError: string | null;
  /** The store failed for good while the run was being written (a full disk): the run failed. */
  storageFailure: string | null;
  /** Why the host stopped the run, if it did. */
  stop: { cause: 'user' | 'timeout' | 'protocol' | 'divergence' | 'storage'; reason: string; doneBefore: boolean } | null;
  /** The signal the host had to escalate to, if the producer ignored the stop message. */
  forcedWith: 'SIGTERM' | 'SIGKILL' | null;
  divergence: string | null;
  done: Done | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  lastStderr: string | null;
  lastProducerError: string | null;
  protocolErrors: number;
}

export function decideOutcome(facts: RunFacts): { status: RunEndStatus; reason: string | null } {
  if (facts.spawnError) return { status: 'failed', reason: `could not start the producer: ${facts.spawnError}` };
  // Whatever else happened, points were lost: never 'finished' after a failed write.
  if (facts.storageFailure) return { status: 'failed', reason: facts.storageFailure };
  const stop = facts.stop;
  const forced = facts.forcedWith ? ` (did not stop on request; ended with ${facts.forcedWith})` : '';
  if (stop?.cause === 'user' && !stop.doneBefore) return { status: 'killed', reason: `${stop.reason}${forced}` };
  if (stop?.cause === 'protocol' || stop?.cause === 'timeout') return { status: 'failed', reason: `${stop.reason}${forced}` };
  if (facts.done?.status === 'diverged') return { status: 'diverged', reason: facts.done.reason ?? 'the producer reported divergence' };
  if (facts.divergence) return { status: 'diverged', reason: facts.divergence };
  // The script's own account of an exception (the traceback's last lines) or an interrupt beats
  // the bare exit code that follows it.
  if (facts.done?.status === 'failed') return { status: 'failed', reason: facts.done.reason ?? 'the producer reported a failure' };
  if (facts.done?.status === 'killed') return { status: 'killed', reason: facts.done.reason ?? 'the producer was interrupted' };

  // A SIGTERM or SIGINT the host did not send is a person (Stop Run in another window, `kill PID`)
  // or a shutdown asking the run to end: a stop, not a crash. SIGKILL stays a failure (the OOM
  // killer sends it). Windows has no signals: a kill there arrives as an exit code, so 'failed'.
  if (!stop && (facts.signal === 'SIGTERM' || facts.signal === 'SIGINT')) {
    return { status: 'killed', reason: `terminated by ${facts.signal} from outside Hyperlab (another window, the command line or a kill command)` };
  }
  const exit = describeExit(facts.exitCode, facts.signal);
  const clues = [facts.lastProducerError && `producer error: ${facts.lastProducerError}`, facts.lastStderr && `last stderr: ${facts.lastStderr}`]
    .filter(Boolean).join('; ');
  const withClues = (text: string) => (clues ? `${text}; ${clues}` : text);
  if (facts.done && facts.exitCode === 0) {
    const note = [facts.done.reason, facts.protocolErrors > 0 && `${facts.protocolErrors} invalid protocol line(s) ignored`].filter(Boolean).join('; ');
    return { status: 'finished', reason: note || null };
  }
  if (facts.done) return { status: 'failed', reason: withClues(`${exit} after reporting done`) };
  if (facts.exitCode === 0) return { status: 'failed', reason: withClues('exited with code 0 without a done message') };
  return { status: 'failed', reason: withClues(exit) };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `terminated by ${signal}`;
  if (code !== null) return `exited with code ${code}`;
  return 'ended without an exit status';
}

/** A metric whose name says it is a loss ("loss", "train/loss", "val_loss", "train.loss"). */
export function isLossKey(key: string): boolean {
  return /(^|[/._\-\s])loss$/i.test(key) || key.toLowerCase() === 'loss';
}
