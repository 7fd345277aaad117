// The tracker against a real store and real channel files, with SLURM's answers from a fake at
// the command seam (the real daemon is in slurm-run.test.ts): the channel is drained before the
// end is written, a stop asked for during the submission reaches the job once it exists, and a
// host that comes back ingests only what the channel gained.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ClusterTracker, type JobInfo, type SlurmCommands } from '../../../src/core/slurm/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';

class FakeSlurm {
  states = new Map<string, JobInfo>();
  cancelled: string[] = [];
  async squeue(ids: readonly string[]): Promise<Map<string, JobInfo>> {
    return new Map(ids.filter((id) => this.states.has(id) && this.states.get(id)!.state !== 'COMPLETED' && this.states.get(id)!.state !== 'CANCELLED').map((id) => [id, this.states.get(id)!]));
  }
  async finalState(id: string): Promise<JobInfo | undefined> { return this.states.get(id); }
  async scancel(id: string): Promise<void> {
    this.cancelled.push(id);
    this.states.set(id, { ...this.states.get(id)!, state: 'CANCELLED', exitCode: '0:15' });
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
