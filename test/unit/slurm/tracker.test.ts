// The tracker against a real store and real channel files, with SLURM's answers from a fake at
// the command seam (the real daemon is in slurm-run.test.ts): the channel is drained before the
// end is written, a stop asked for during the submission reaches the job once it exists, and a
// host that comes back ingests only what the channel gained.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ClusterTracker, JOB_FILE, type JobInfo, type SlurmCommands } from '../../../src/core/slurm/index.ts';
import { writeJobFile } from '../../../src/core/slurm/job-file.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';

class FakeSlurm {
  states = new Map<string, JobInfo>();
  cancelled: string[] = [];
  async squeue(ids: readonly string[]): Promise<Map<string, JobInfo>> {
    return new Map(ids.filter((id) => this.states.has(id) && this.states.get(id)!.state !== 'COMPLETED' && this.states.get(id)!.state !== 'CANCELLED').map((id) => [id, this.states.get(id)!]));
  }
  async finalState(id: string): Promise<JobInfo | undefined> { return this.states.get(id); }
  /** What scancel does besides: 'refuse' as SLURM does when it cannot be reached. */
  scancelFails: Error | null = null;
  async scancel(id: string): Promise<boolean> {
    if (this.scancelFails) throw this.scancelFails;
    const state = this.states.get(id)?.state;
    if (state === undefined || state === 'COMPLETED' || state === 'CANCELLED' || state === 'COMPLETING') return false; // "already completing or completed"
    this.cancelled.push(id);
    this.states.set(id, { ...this.states.get(id)!, state: 'CANCELLED', exitCode: '0:15' });
    return true;
  }
}

const job = (jobId: string, state: string, exitCode: string | null = null): JobInfo => ({ jobId, state, exitCode, node: 'n1', reason: null, timeLimit: null });
const line = (message: object) => `${JSON.stringify(message)}\n`;

function setup() {
  const dir = tempDir('hyperlab-tracker-');
  const store = openStore(path.join(dir, 'runs.db'));
  const runId = store.createRun({ experiment: 'x' }).id;
  const channel = path.join(dir, 'channel.jsonl');
  const slurm = new FakeSlurm();
  const tracker = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 20 });
  return { dir, store, runId, channel, slurm, tracker };
}

test('a job that ended with lines still unread: every point is ingested before the run ends finished', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '7', channel });
  fs.writeFileSync(channel, line({ type: 'hello', protocol: 1, producer: 'p' })
    + Array.from({ length: 30 }, (_, step) => line({ type: 'metrics', step, time: 1, values: { loss: 1 / (step + 1), acc: step } })).join('')
    + line({ type: 'done', summary: { steps: 30 }, status: 'finished' }));
  slurm.states.set('7', job('7', 'COMPLETED', '0:0'));
  const outcome = await tracker.track(runId).done;
  assert.deepEqual([outcome.status, outcome.points, outcome.summary], ['finished', 60, { steps: 30 }]);
  assert.equal(store.getRun(runId)!.status, 'finished');
  assert.equal(store.cluster.get(runId)!.state, 'COMPLETED');
  tracker.close();
});

test('a stop asked for while the job is being submitted cancels the job once it exists; the reason is the stop\'s', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  let submitted!: () => void;
  const submission = new Promise<void>((resolve) => { submitted = resolve; });
  const handle = tracker.track(runId, { submitted: submission });
  handle.stop('stopped by the user');
  store.cluster.register({ runId, backend: 'slurm', jobId: '8', channel });
  slurm.states.set('8', job('8', 'PENDING'));
  submitted();
  const outcome = await handle.done;
  assert.deepEqual(slurm.cancelled, ['8']);
  assert.deepEqual([outcome.status, outcome.reason], ['killed', 'stopped by the user before it started (SLURM job 8 CANCELLED, exit code 0:15)'], 'never ran: not a filesystem problem');
  tracker.close();
});

test('a host that comes back ingests only what the channel gained; a refused submission fails the run with SLURM\'s message', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '9', channel });
  fs.writeFileSync(channel, line({ type: 'hello', protocol: 1, producer: 'p' }) + line({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }));
  slurm.states.set('9', job('9', 'RUNNING'));
  const first = tracker.track(runId);
  await tracker.pollOnce();
  tracker.close();
  assert.equal(store.getRun(runId)!.status, 'running');
  assert.equal(store.points(runId, 'loss').length, 1);
  // The first host is gone; the job wrote on meanwhile and ended.
  fs.appendFileSync(channel, line({ type: 'metrics', step: 1, time: 2, values: { loss: 0.5 } }) + line({ type: 'done', summary: {}, status: 'finished' }));
  slurm.states.set('9', job('9', 'COMPLETED', '0:0'));
  const again = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 20 });
  const [handle] = again.reattach();
  assert.equal(handle!.runId, runId);
  assert.equal((await handle!.done).status, 'finished');
  assert.deepEqual(store.points(runId, 'loss').map((p) => p.value), [1, 0.5], 'each point once');
  again.close();
  void first;

  const refused = store.createRun({ experiment: 'x' }).id;
  const outcome = await again.track(refused, { submitted: Promise.reject(new Error('sbatch: error: invalid partition specified: nope')) }).done;
  assert.deepEqual([outcome.status, outcome.reason], ['failed', 'not submitted: sbatch: error: invalid partition specified: nope']);
  assert.equal(store.getRun(refused)!.status, 'failed');
});

const hello = (run?: object) => line({ type: 'hello', protocol: 1, producer: 'p', ...(run ? { run } : {}) });

test('a job SLURM has forgotten (no accounting, no completion file) ends as its channel\'s done message says, not failed', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '11', channel });
  fs.writeFileSync(channel, hello() + line({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }));
  // Unknown to squeue, scontrol, sacct and the completion file from the first look.
  const handle = tracker.track(runId);
  await tracker.pollOnce();
  assert.equal(store.getRun(runId)!.status, 'queued', 'no done yet: not given up before the grace period');
  fs.appendFileSync(channel, line({ type: 'metrics', step: 1, time: 2, values: { loss: 0.5 } }) + line({ type: 'done', summary: { steps: 2 }, status: 'finished' }));
  const outcome = await handle.done;
  assert.deepEqual([outcome.status, outcome.reason, outcome.points, outcome.summary], ['finished', null, 2, { steps: 2 }]);
  assert.deepEqual([store.getRun(runId)!.status, store.cluster.get(runId)!.state], ['finished', 'UNKNOWN']);
  tracker.close();
  void slurm;
});

test('a stop whose scancel finds the job already ended, or fails, is taken back: the run that then finishes is finished', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '12', channel });
  fs.writeFileSync(channel, hello() + line({ type: 'done', summary: { steps: 1 }, status: 'finished' }));
  slurm.states.set('12', job('12', 'COMPLETED', '0:0'));
  await tracker.stop(runId, 'stopped by the user');
  assert.equal(store.cluster.get(runId)!.stopReason, null);
  assert.equal((await tracker.track(runId).done).status, 'finished');

  const other = store.createRun({ experiment: 'x' }).id;
  const otherChannel = `${channel}.2`;
  store.cluster.register({ runId: other, backend: 'slurm', jobId: '13', channel: otherChannel });
  slurm.states.set('13', job('13', 'RUNNING'));
  slurm.scancelFails = new Error('scancel: error: Unable to contact slurm controller');
  await tracker.stop(other, 'stopped by the user');
  assert.equal(store.cluster.get(other)!.stopReason, null, 'the cancel never reached SLURM');
  slurm.scancelFails = null;
  // A stop that did reach the job keeps its reason; a second stop that finds it ended does not take it back.
  await tracker.stop(other, 'stopped by the user');
  await tracker.stop(other, 'stopped by the user');
  assert.equal(store.cluster.get(other)!.stopReason, 'stopped by the user');
  fs.writeFileSync(otherChannel, hello() + line({ type: 'done', summary: {}, status: 'finished' }));
  const outcome = await tracker.track(other).done;
  assert.deepEqual([outcome.status, outcome.reason], ['killed', 'stopped by the user (SLURM job 13 CANCELLED, exit code 0:15)']);
  tracker.close();
});

for (const seen of ['CANCELLED', 'COMPLETING'] as const) {
  test(`two hosts stop the same run at once: the one whose scancel finds the job already cancelled by the other keeps the stop (SLURM shows it ${seen})`, async () => {
    const { store, runId, channel, slurm, tracker } = setup();
    store.cluster.register({ runId, backend: 'slurm', jobId: '14', channel });
    slurm.states.set('14', job('14', 'RUNNING'));
    // Host B shares SLURM and the store. Host A records its stop first; B's record is then a no-op,
    // B's scancel reaches the job, and A's finds it already ending. The real SLURM shows such a
    // job COMPLETING until KillWait is over, CANCELLED after.
    const hostB = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 20 });
    const scancel = slurm.scancel.bind(slurm);
    let first = true;
    slurm.scancel = async (id: string) => {
      if (first) {
        first = false;
        await hostB.stop(runId, 'stopped by the sweep');
        if (seen === 'COMPLETING') slurm.states.set('14', job('14', 'COMPLETING'));
      }
      return scancel(id);
    };
    await tracker.stop(runId, 'stopped by the user');
    assert.deepEqual(slurm.cancelled, ['14'], 'one cancel reached the job, host B\'s');
    assert.equal(store.cluster.get(runId)!.stopReason, 'stopped by the user', 'the stop stands (or waits for the job\'s end)');
    fs.writeFileSync(channel, hello() + line({ type: 'done', summary: {}, status: 'finished' }));
    slurm.states.set('14', job('14', 'CANCELLED', '0:15'));
    const outcome = await tracker.track(runId).done;
    assert.deepEqual([outcome.status, outcome.reason], ['killed', 'stopped by the user (SLURM job 14 CANCELLED, exit code 0:15)']);
    hostB.close();
    tracker.close();
  });
}

test('a stop whose scancel finds the job COMPLETING by itself waits for the end: the job COMPLETED, so the run is finished', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '15', channel });
  fs.writeFileSync(channel, hello() + line({ type: 'done', summary: { steps: 1 }, status: 'finished' }));
  slurm.states.set('15', job('15', 'COMPLETING'));
  await tracker.stop(runId, 'stopped by the user');
  assert.deepEqual(slurm.cancelled, []);
  slurm.states.set('15', job('15', 'COMPLETED', '0:0'));
  const outcome = await tracker.track(runId).done;
  assert.deepEqual([outcome.status, outcome.reason], ['finished', null], 'the end state decides: COMPLETED, so the stop reached nothing');
  tracker.close();
});

test('a stop whose scancel is still on its way when the poll sees the job COMPLETED by itself does not make the run killed', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '16', channel });
  fs.writeFileSync(channel, hello() + line({ type: 'done', summary: { steps: 2 }, status: 'finished' }));
  slurm.states.set('16', job('16', 'RUNNING'));
  const handle = tracker.track(runId);
  const scancel = slurm.scancel.bind(slurm);
  slurm.scancel = async (id: string) => {
    // The job ends by itself while scancel waits on a busy slurmctld; the poll sees its end first.
    slurm.states.set('16', job('16', 'COMPLETED', '0:0'));
    await handle.done;
    return scancel(id);
  };
  await tracker.stop(runId, 'stopped by the user');
  const outcome = await handle.done;
  assert.deepEqual(slurm.cancelled, [], 'the cancel reached nothing');
  assert.deepEqual([outcome.status, outcome.reason], ['finished', null]);
  assert.equal(store.getRun(runId)!.status, 'finished');
  tracker.close();
});

for (const how of ['the stopping host closed', 'both hosts follow it'] as const) {
  test(`a stop whose scancel found the job COMPLETING by itself is taken back by any host that sees it COMPLETED (${how})`, async () => {
    const { store, runId, channel, slurm, tracker } = setup();
    tracker.close(); // hosts A and B below
    store.cluster.register({ runId, backend: 'slurm', jobId: '17', channel });
    fs.writeFileSync(channel, hello() + line({ type: 'done', summary: { steps: 3 }, status: 'finished' }));
    slurm.states.set('17', job('17', 'COMPLETING'));
    // Host A follows the run and stops it as the job ends by itself; B shares the store and SLURM
    // and polls the job's end before A's next poll (or after A's window closed).
    const hostA = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 60_000 });
    hostA.track(runId);
    await hostA.stop(runId, 'stopped by the user');
    if (how === 'the stopping host closed') hostA.close();
    else await new Promise((resolve) => setTimeout(resolve, 20)); // A's poll after the stop (a 0 ms timer, due first) has seen COMPLETING
    const hostB = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 20 });
    const followed = hostB.track(runId).done;
    slurm.states.set('17', job('17', 'COMPLETED', '0:0'));
    const outcome = await followed;
    assert.deepEqual(slurm.cancelled, []);
    assert.deepEqual([outcome.status, outcome.reason], ['finished', null], 'no cancel reached the job: it completed');
    assert.equal(store.getRun(runId)!.status, 'finished');
    hostA.close();
    hostB.close();
    tracker.close();
  });
}

test('init(experiment=, name=, tags=) in the job\'s hello files the run where its job file lets the script name it; tags always', async () => {
  const { dir, store, runId, channel, slurm, tracker } = setup();
  const named = store.createRun({ experiment: 'x' }).id;
  const namedDir = path.join(dir, 'runs', String(named));
  fs.mkdirSync(namedDir, { recursive: true });
  const namedChannel = path.join(namedDir, 'channel.jsonl');
  writeJobFile(path.join(namedDir, JOB_FILE), {
    version: 1, runId: named, argv: ['python3', 'train.py'], cwd: dir, env: {}, start: null, runDir: namedDir, channel: namedChannel,
    plainCommand: true, channelTimeoutMs: 1000, namesRun: { experiment: true, name: true },
  });
  const identity = { experiment: 'mnist-cnn', name: 'baseline', tags: ['resnet'] };
  fs.writeFileSync(namedChannel, hello(identity) + line({ type: 'done', summary: {}, status: 'finished' }));
  // No job file for this one (as for an engine run): it keeps its experiment and name.
  fs.writeFileSync(channel, hello(identity) + line({ type: 'done', summary: {}, status: 'finished' }));
  store.cluster.register({ runId: named, backend: 'slurm', jobId: '14', channel: namedChannel });
  store.cluster.register({ runId, backend: 'slurm', jobId: '15', channel });
  slurm.states.set('14', job('14', 'COMPLETED', '0:0'));
  slurm.states.set('15', job('15', 'COMPLETED', '0:0'));
  await Promise.all([tracker.track(named).done, tracker.track(runId).done]);
  const filed = store.getRun(named)!;
  assert.deepEqual([filed.experimentName, filed.name, Object.keys(store.tags(named))], ['mnist-cnn', 'baseline', ['resnet']]);
  const kept = store.getRun(runId)!;
  assert.deepEqual([kept.experimentName, kept.name === 'baseline', Object.keys(store.tags(runId))], ['x', false, ['resnet']]);
  tracker.close();
});

test('a retired tracker (the window moved to another store) lets go of reattached runs and follows its own submissions to their end, then stops', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '16', channel });
  slurm.states.set('16', job('16', 'RUNNING'));
  const [reattached] = tracker.reattach();
  const own = store.createRun({ experiment: 'x' }).id;
  const ownChannel = `${channel}.own`;
  const handle = tracker.track(own, { submitted: Promise.resolve().then(() => store.cluster.register({ runId: own, backend: 'slurm', jobId: '17', channel: ownChannel })) });
  slurm.states.set('17', job('17', 'RUNNING'));
  await tracker.pollOnce();
  tracker.retire();
  assert.equal(tracker.size, 1, 'only the run submitted through it');
  assert.equal(tracker.handle(reattached!.runId), undefined);
  fs.writeFileSync(ownChannel, hello() + line({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }) + line({ type: 'done', summary: {}, status: 'finished' }));
  slurm.states.set('17', job('17', 'COMPLETED', '0:0'));
  const outcome = await handle.done;
  assert.deepEqual([outcome.status, outcome.points], ['finished', 1]);
  assert.equal(tracker.size, 0);
  // Nothing tracked: the reattached run's job ends, and nothing here polls it any more.
  slurm.states.set('16', job('16', 'COMPLETED', '0:0'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(store.getRun(runId)!.status, 'running', 'left for the next host that opens this store');
});

test('a retired tracker with nothing in flight still follows a run submitted through it afterwards (a SLURM sweep in the old store starts its next trial)', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  tracker.retire(); // nothing in flight: it closes at once
  const submitted = Promise.resolve().then(() => store.cluster.register({ runId, backend: 'slurm', jobId: '18', channel }));
  const handle = tracker.track(runId, { submitted });
  fs.writeFileSync(channel, hello() + line({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }) + line({ type: 'done', summary: {}, status: 'finished' }));
  slurm.states.set('18', job('18', 'COMPLETED', '0:0'));
  const outcome = await Promise.race([handle.done, new Promise<'never settled'>((resolve) => setTimeout(() => resolve('never settled'), 3000))]);
  assert.notEqual(outcome, 'never settled', 'the trial\'s handle never settled: nothing polled its job');
  assert.equal(store.getRun(runId)!.status, 'finished');
  tracker.close();
});

test('a retired tracker keeps a reattached run someone here waits on (a resumed SLURM sweep attached its trial): its handle settles when the job ends', async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  store.cluster.register({ runId, backend: 'slurm', jobId: '19', channel });
  slurm.states.set('19', job('19', 'RUNNING'));
  tracker.reattach(); // the window's watcher picked it up first
  const handle = tracker.track(runId); // then the resumed sweep's executor.attach
  await tracker.pollOnce();
  tracker.retire();
  assert.equal(tracker.size, 1);
  fs.writeFileSync(channel, hello() + line({ type: 'done', summary: {}, status: 'finished' }));
  slurm.states.set('19', job('19', 'COMPLETED', '0:0'));
  const outcome = await Promise.race([handle.done, new Promise<'never settled'>((resolve) => setTimeout(() => resolve('never settled'), 3000))]);
  assert.notEqual(outcome, 'never settled', 'the sweep\'s handle of its trial never settled');
  tracker.close();
});

test('back to the first store while its run is in flight: the retired tracker and the new one both follow it; every point once, one end, both handles settle alike', { timeout: 30_000 }, async () => {
  const { store, runId, channel, slurm, tracker } = setup();
  const submitted = Promise.resolve().then(() => store.cluster.register({ runId, backend: 'slurm', jobId: '20', channel }));
  const own = tracker.track(runId, { submitted });
  slurm.states.set('20', job('20', 'RUNNING'));
  fs.writeFileSync(channel, hello() + line({ type: 'metrics', step: 0, time: 1, values: { loss: 1 } }));
  await tracker.pollOnce();
  tracker.retire(); // the window opened another store...
  const again = new ClusterTracker({ store, slurm: slurm as unknown as SlurmCommands, pollMs: 20 }); // ...and came back
  const [followed] = again.reattach();
  fs.appendFileSync(channel, line({ type: 'metrics', step: 1, time: 2, values: { loss: 0.5 } }) + line({ type: 'done', summary: { steps: 2 }, status: 'finished' }));
  slurm.states.set('20', job('20', 'COMPLETED', '0:0'));
  const [first, second] = await Promise.all([own.done, followed!.done]);
  assert.deepEqual([first.status, second.status], ['finished', 'finished']);
  assert.equal(store.points(runId, 'loss').length, 2, 'every point once');
  assert.equal(store.getRun(runId)!.status, 'finished');
  tracker.close();
  again.close();
});
