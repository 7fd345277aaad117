// SlurmCommands against the real single-node SLURM (skipped with one printed line where it
// cannot start): what scancel says about a job, which the tracker's stop relies on to take back a
// stop that reached nothing (a job that had ended by itself), and the end states that tell a job
// another host cancelled from one that ended by itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { SlurmCommands } from '../../../src/core/slurm/index.ts';
import { jobEnd, startCluster, until, workspace } from './helpers.ts';

const skip = startCluster() ?? false;

function submit(dir: string, command: string): string {
  const result = spawnSync('sbatch', ['--parsable', '--time=2', `--output=${dir}/slurm-%j.out`, '--wrap', command], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split(';')[0]!;
}

test('scancel: true when SLURM takes the cancel; false for a job that had ended by itself, one already cancelled, and an id SLURM does not know (scancel exits 0 for those)', { skip }, async () => {
  const dir = workspace();
  const slurm = new SlurmCommands();
  const ended = submit(dir, 'true');
  assert.equal(await jobEnd(ended), 'COMPLETED');
  assert.equal(await slurm.scancel(ended), false, 'the job had completed by itself: the cancel reached nothing');
  // It stops gracefully on SIGTERM and exits 0, as the job runner does: SLURM still ends it
  // CANCELLED, so the tracker takes a recorded stop for one that ended otherwise as having reached nothing.
  const running = submit(dir, 'trap "exit 0" TERM; sleep 60 & wait');
  await until('the job to run', () => spawnSync('squeue', ['-h', '-j', running, '-o', '%T'], { encoding: 'utf8' }).stdout.trim() === 'RUNNING', 120_000);
  assert.equal(await slurm.scancel(running), true, 'a running job took the cancel');
  assert.equal(await slurm.scancel(running), false, 'cancelled already: a second cancel reaches nothing');
  // Until KillWait is over SLURM shows a cancelled job COMPLETING, as it shows one that ended by
  // itself: the tracker decides whether a stop that reached nothing stands at the job's end.
  assert.match((await slurm.finalState(running))?.state ?? '', /^(COMPLETING|CANCELLED)$/);
  assert.equal(await jobEnd(running), 'CANCELLED');
  assert.deepEqual([(await slurm.finalState(ended))?.state, (await slurm.finalState(running))?.state], ['COMPLETED', 'CANCELLED'], 'the end states that tell the two apart');
  assert.equal((await slurm.finalState(running))?.exitCode, '0:0', 'it exited 0 on the SIGTERM, and is CANCELLED all the same');
  assert.equal(await slurm.scancel('999999999'), false);
});
