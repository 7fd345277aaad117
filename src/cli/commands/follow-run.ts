// Follows a started run in the terminal for `hyperlab run`, spec or command alike: the progress
// line, and Ctrl-C that asks the run to stop on the first press and kills it on the second (the
// runner then marks it, keeping every point written so far).
import type { RunHandle, RunOutcome } from '../../core/runner/index.ts';
import type { Run } from '../../core/store/types.ts';
import { formatNumber, formatPairs } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { Progress } from './progress.ts';

/**
 * Resolves with the run's outcome once it has ended and the progress line is closed.
 * `killGroup`: the second Ctrl-C kills the producer's whole process group (a user's script and
 * the workers it started), not only the process itself.
 */
export async function followRun(io: CliIO, handle: RunHandle, runId: number, killGroup: boolean): Promise<RunOutcome> {
  const progress = new Progress(io, runId);
  handle.on('plan', (event) => progress.setPlan(event.plan, event.time));
  handle.on('metrics', (event) => progress.update(event.lastStep, event.latest));
  let interrupts = 0;
  const unregister = io.onInterrupt((signal) => {
    interrupts++;
    if (interrupts === 1) {
      progress.note('stopping the run (Ctrl-C again to kill it now)');
      handle.stop(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `stopped: the hyperlab command received ${signal}`);
    } else if (handle.pid !== undefined) {
      try { process.kill(killGroup ? -handle.pid : handle.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
  const outcome = await handle.done.finally(unregister);
  progress.end();
  return outcome;
}

/** 0 only for a run that finished and whose end the store holds (RunOutcome.recorded). */
export function exitCodeOf(outcome: RunOutcome): ExitCode {
  return outcome.status === 'finished' && outcome.recorded ? EXIT.ok : EXIT.failure;
}

/**
 * What `hyperlab run` prints when a run has ended: the run and its outcome as JSON (`json`, with
 * `extra` fields beside them), or a status line, the summary and the point count.
 */
export function reportOutcome(io: CliIO, report: { runId: number; run: Run | undefined; experiment: string; outcome: RunOutcome; json: boolean; extra?: { [key: string]: unknown } }): void {
  const { runId, run, outcome } = report;
  if (report.json) {
    io.stdout(toJson({ run, ...report.extra, outcome }) + '\n');
    return;
  }
  const reason = outcome.reason ? `: ${outcome.reason}` : '';
  io.stdout(`Run ${runId} (${run?.experimentName ?? report.experiment}) ${outcome.status}${reason}\n`);
  if (outcome.summary && Object.keys(outcome.summary).length > 0) io.stdout(`  summary: ${formatPairs(outcome.summary, 400)}\n`);
  io.stdout(`  ${formatNumber(outcome.points)} metric points; details: hyperlab runs show ${runId}\n`);
}
