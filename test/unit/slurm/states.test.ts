// SLURM's states and outputs as Hyperlab reads them: the state → status mapping with the reason
// naming SLURM's state and exit code, and the parsers for squeue, scontrol -o and jobcomp lines
// (the lines below are copied from slurm-wlm 22.05's real output).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideEnd, parseJobcompLine, parseScontrolJob, parseSqueue, phaseOf, type JobInfo } from '../../../src/core/slurm/index.ts';

const job = (state: string, exitCode = '0:0'): JobInfo => ({ jobId: '42', state, exitCode, node: 'vm', reason: null, timeLimit: '00:01:00' });
const facts = { done: null, stopReason: null, lastError: null, plainCommand: false, helloSeen: true };

test('phases: PENDING and requeued states are queued, RUNNING and COMPLETING running, the rest ended', () => {
  for (const state of ['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'CONFIGURING', 'SUSPENDED']) assert.equal(phaseOf(state), 'queued', state);
  for (const state of ['RUNNING', 'COMPLETING']) assert.equal(phaseOf(state), 'running', state);
  for (const state of ['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']) assert.equal(phaseOf(state), 'ended', state);
});

test('end states: each maps to an ended status whose reason names SLURM\'s state and exit code', () => {
  const done = { summary: { steps: 18 }, status: 'finished' };
  assert.deepEqual(decideEnd(job('COMPLETED'), { ...facts, done }), { status: 'finished', reason: null, summary: { steps: 18 } });
  const cases: [string, string, string, RegExp][] = [
    ['CANCELLED', '0:15', 'killed', /^SLURM job 42 CANCELLED, exit code 0:15: cancelled outside Hyperlab/],
    ['TIMEOUT', '0:0', 'failed', /^SLURM job 42 TIMEOUT, exit code 0:0: it ran past its time limit \(00:01:00\)/],
    ['FAILED', '1:0', 'failed', /^SLURM job 42 FAILED, exit code 1:0$/],
    ['NODE_FAIL', '0:0', 'failed', /^SLURM job 42 NODE_FAIL, exit code 0:0: its node failed/],
    ['OUT_OF_MEMORY', '0:125', 'failed', /^SLURM job 42 OUT_OF_MEMORY, exit code 0:125: it used more memory/],
    ['PREEMPTED', '0:15', 'killed', /^SLURM job 42 PREEMPTED, exit code 0:15: preempted/],
    ['BOOT_FAIL', '0:0', 'failed', /BOOT_FAIL/],
    ['DEADLINE', '0:0', 'failed', /DEADLINE/],
  ];
  for (const [state, exit, status, reason] of cases) {
    const end = decideEnd(job(state, exit), facts);
    assert.equal(end.status, status, state);
    assert.match(end.reason ?? '', reason, state);
  }
});

test('a stop Hyperlab asked for (user, pruner) is the reason, with SLURM\'s state after it', () => {
  const end = decideEnd(job('CANCELLED', '0:15'), { ...facts, stopReason: 'pruned: below the median at epoch 1' });
  assert.deepEqual([end.status, end.reason], ['killed', 'pruned: below the median at epoch 1 (SLURM job 42 CANCELLED, exit code 0:15)']);
  // The producer stopped gracefully on the scancel's SIGTERM and exited 0: SLURM still ends the
  // job CANCELLED, so it is killed, with the summary the producer sent.
  const graceful = decideEnd(job('CANCELLED', '0:0'), { ...facts, stopReason: 'stopped by the user', done: { summary: { steps: 3 }, status: 'finished' } });
  assert.deepEqual([graceful.status, graceful.summary], ['killed', { steps: 3 }]);
  // A job that ended otherwise was not reached by the stop: the tracker passes no stop, and the job's own end decides.
  assert.equal(decideEnd(job('COMPLETED', '0:0'), { ...facts, done: { summary: { steps: 3 }, status: 'finished' } }).status, 'finished');
});

test('a completed job without done fails (a plain command that exited 0 finishes); a diverged done stays diverged', () => {
  assert.equal(decideEnd(job('COMPLETED'), facts).status, 'failed');
  assert.match(decideEnd(job('COMPLETED'), { ...facts, lastError: 'boom' }).reason ?? '', /never sent its done message; the producer said: boom/);
  assert.equal(decideEnd(job('COMPLETED'), { ...facts, plainCommand: true, helloSeen: false }).status, 'finished');
  assert.equal(decideEnd(job('COMPLETED'), { ...facts, plainCommand: true, helloSeen: true }).status, 'failed');
  assert.equal(decideEnd(job('CANCELLED'), { ...facts, done: { summary: {}, status: 'diverged', reason: 'loss NaN' } }).status, 'diverged');
});

test('parsers: squeue lines, scontrol show job -o, a jobcomp/filetxt record', () => {
  const live = parseSqueue('7|RUNNING|vm|None|5:00\n8|PENDING||Resources|1:00\n');
  assert.deepEqual(live.get('7'), { jobId: '7', state: 'RUNNING', exitCode: null, node: 'vm', reason: null, timeLimit: '5:00' });
  assert.deepEqual(live.get('8'), { jobId: '8', state: 'PENDING', exitCode: null, node: null, reason: 'Resources', timeLimit: '1:00' });
  const line = 'JobId=2 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15 RunTime=00:00:03 TimeLimit=00:01:00 TimeMin=N/A SubmitTime=2026-11-29T05:08:15 StartTime=2026-11-29T05:08:16 EndTime=2026-11-29T05:08:19 NodeList=vm BatchHost=vm Command=/tmp/a b/trap.sh WorkDir=/tmp';
  assert.deepEqual(parseScontrolJob(line), {
    jobId: '2', state: 'CANCELLED', exitCode: '0:15', node: 'vm', reason: null, timeLimit: '00:01:00',
    startedAt: new Date('2026-11-29T05:08:16').getTime(), endedAt: new Date('2026-11-29T05:08:19').getTime(),
  });
  assert.equal(parseScontrolJob('JobId=3 JobState=PENDING StartTime=Unknown EndTime=Unknown').startedAt, null);
  const comp = 'JobId=1 UserId=root(0) GroupId=root(0) Name=wrap JobState=TIMEOUT Partition=debug TimeLimit=1 StartTime=2026-11-29T05:07:59 EndTime=2026-11-29T05:08:05 NodeList=vm NodeCnt=1 ProcCnt=1 WorkDir=/tmp ReservationName= Tres=cpu=1,mem=256M,node=1,billing=1 Account= QOS= WcKey= Cluster=unknown SubmitTime=2026-11-29T05:07:58 EligibleTime=2026-11-29T05:07:58 DerivedExitCode=0:0 ExitCode=0:15';
  assert.deepEqual(parseJobcompLine(comp), {
    jobId: '1', state: 'TIMEOUT', exitCode: '0:15', node: 'vm', reason: null, timeLimit: '1',
    startedAt: new Date('2026-11-29T05:07:59').getTime(), endedAt: new Date('2026-11-29T05:08:05').getTime(),
  });
});
