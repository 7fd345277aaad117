// Sweeps on a real single-node SLURM (skipped with one printed line where it cannot start): every
// trial is an sbatch job of the real engine, the sweep's parallelism is the jobs in flight, the
// pruner's early stop is a scancel, and `sweep --resume` follows the jobs of a driver that died.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINE, PYTHON, ROOT, channelPoints, cli, cliAsync, startCluster, storedPoints, tinySpec, until, withStore, workspace, writeSpec } from './helpers.ts';

const skip = startCluster() ?? (fs.existsSync(ENGINE) ? false : 'dist/engine.cjs is missing: npm run build');

function sweepSpec(trials: number, parallelism: number, pruner: object, execution: object = {}): object {
  return {
    ...tinySpec({ time: '10', ...execution }, { epochs: 3 }),
    search: {
      method: 'random', seed: 3, budget: { trials }, parallelism,
      objective: { metric: 'val.acc', direction: 'max', value: 'best' },
      pruner,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 1e-5, high: 0.3 } },
    },
  };
}

/** The most runs whose job was submitted and not yet ended at one moment. */
function maxInFlight(intervals: { from: number; to: number }[]): number {
  const edges = intervals.flatMap(({ from, to }) => [{ at: from, d: 1 }, { at: to, d: -1 }]).sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.d));
  return most;
}

test('a sweep of 8 trials at parallelism 4 runs as SLURM jobs, at most 4 in flight, and finishes; pruned trials were scancelled', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'sweep8', sweepSpec(8, 4, { kind: 'asha', minResource: 1, reductionFactor: 3 }));
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { outcome: { status: string; trials: number; byStatus: { [status: string]: number } } };
  assert.equal(out.outcome.status, 'finished');
  assert.equal(out.outcome.trials, 8);
  withStore(dir, (store) => {
    const runs = store.listRuns();
    assert.equal(runs.length, 8);
    const jobs = store.cluster.byRun(runs.map((r) => r.id));
    assert.equal(jobs.size, 8, 'every trial was a SLURM job');
    assert.equal(new Set([...jobs.values()].map((j) => j.jobId)).size, 8);
    const inFlight = maxInFlight(runs.map((r) => ({ from: jobs.get(r.id)!.submittedAt, to: r.endedAt! })));
    assert.equal(inFlight, 4, 'the parallelism is the number of jobs in flight');
    for (const run of runs) {
      const job = jobs.get(run.id)!;
      assert.ok(['finished', 'pruned'].includes(run.status), `run ${run.id}: ${run.status} ${run.reason ?? ''}`);
      assert.equal(storedPoints(store, run.id), channelPoints(job.channel), `run ${run.id}: every point its engine wrote`);
      if (run.status === 'pruned') {
        assert.match(run.reason ?? '', /^pruned: at rung \d+/);
        // Stopped early by scancel: CANCELLED. Or the job completed before the scancel reached
        // it, which then reached nothing and was taken back.
        assert.match(job.state ?? '', /^(CANCELLED|COMPLETED)$/);
        if (job.state === 'CANCELLED') assert.match(job.stopReason ?? '', /^pruned: /);
        else assert.equal(job.stopReason, null);
      } else {
        assert.equal(job.state, 'COMPLETED');
      }
    }
    const pruned = runs.filter((r) => r.status === 'pruned').length;
    assert.equal(out.outcome.byStatus['pruned'] ?? 0, pruned);
  });
  assert.match(result.stderr, /trial 7 (finished|pruned)/);
});

test('sweep --resume after the driver was SIGKILLed follows the trials still running as jobs (not restarted) and finishes the budget', { skip }, async () => {
  const dir = workspace();
  // Each job sleeps 5 s before it trains (execution.setup): the driver dies while they run.
  const spec = writeSpec(dir, 'resumed', sweepSpec(4, 2, { kind: 'none' }, { setup: 'sleep 5' }));
  const driver = cliAsync(['sweep', spec], dir);
  // Both submitted and one running (the other may wait for a CPU while other tests hold one).
  await until('two trials submitted as jobs, one running', () => fs.existsSync(path.join(dir, '.hyperlab', 'runs.db'))
    && withStore(dir, (store) => store.cluster.unfinished().length === 2 && store.listRuns({ status: 'running' }).length >= 1), 240_000);
  const before = withStore(dir, (store) => new Map(store.cluster.unfinished().map((job) => [job.runId, job.jobId])));
  driver.kill('SIGKILL');
  await new Promise((resolve) => driver.on('close', resolve));
  const resumed = cli(['sweep', '--resume', '1', '--json'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /trial [01] started/, 'the two trials that ran on were not started again');
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    assert.deepEqual(trials.map((t) => t.number).sort(), [0, 1, 2, 3], 'every trial number once');
    assert.ok(trials.every((t) => t.status === 'finished'), JSON.stringify(trials.map((t) => [t.number, t.status, t.reason])));
    assert.ok(before.size >= 1);
    for (const [runId, jobId] of before) {
      assert.equal(store.cluster.get(runId)!.jobId, jobId, `run ${runId} kept its job ${jobId}: followed, not submitted again`);
      assert.equal(storedPoints(store, runId), channelPoints(store.cluster.get(runId)!.channel), `run ${runId}: no point lost`);
    }
  });
});

test('PBT across jobs: each segment is a job resuming the member\'s checkpoint; an exploited member trains on at the new learning rate', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'pbt', {
    ...tinySpec({ time: '10' }, { epochs: 3 }),
    search: {
      method: 'pbt', parallelism: 2, budget: { trials: 4 }, seed: 1,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.0001, high: 0.3 } },
      pbt: { populationSize: 4, interval: 1, quantile: 0.25 },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    assert.equal(trials.length, 4);
    let exploits = 0;
    for (const trial of trials) {
      assert.equal(trial.status, 'finished');
      assert.deepEqual(store.points(trial.runId, 'epoch.val.acc').map((p) => p.epoch), [1, 2, 3], 'every epoch once, across three jobs');
      const log = store.log(trial.runId);
      assert.equal(log.filter((line) => /^\[info\] SLURM job \d+ started on /.test(line.text)).length, 3, 'one job per segment');
      for (const line of log) {
        const m = /^\[pbt\] after epoch (\d+): copied member \d+'s checkpoint; (\{.*\})/.exec(line.text);
        if (!m) continue;
        exploits++;
        const epoch = Number(m[1]);
        const lr = (JSON.parse(m[2]!) as { [k: string]: number })['train.optimizer.lr']!;
        const next = store.points(trial.runId, 'lr').filter((p) => p.epoch === epoch + 1).map((p) => p.value);
        assert.ok(next.length > 0 && next.every((value) => value === lr), `run ${trial.runId} trains epoch ${epoch + 1} at ${lr} in its next job`);
      }
    }
    assert.ok(exploits >= 1, 'at least one member exploited another');
  });
});

test('a sweep of a spec with a producer section on SLURM: each trial is a job running the script with its value', { skip }, () => {
  const dir = workspace();
  const sideDir = path.join(dir, 'sides');
  fs.mkdirSync(sideDir);
  const script = path.join(ROOT, 'test', 'unit', 'client', 'scripts', 'configured.py');
  const spec = writeSpec(dir, 'own-sweep', {
    producer: { command: PYTHON, args: [script], env: { SIDE_DIR: sideDir } },
    train: { lr: 0.1, epochs: 1 },
    execution: { backend: 'slurm', time: '5' },
    search: { method: 'grid', space: { 'train.lr': { type: 'categorical', choices: [0.2, 0.4, 0.6] } }, objective: { metric: 'val.loss', direction: 'min' }, parallelism: 3 },
  });
  const result = cli(['sweep', spec, '--json'], dir, { PYTHONPATH: path.join(ROOT, 'python') });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { outcome: { status: string; trials: number; best: { params: { [key: string]: number } } | null } };
  assert.deepEqual([out.outcome.status, out.outcome.trials], ['finished', 3]);
  assert.equal(out.outcome.best?.params['train.lr'], 0.6, 'the largest step size leaves the smallest 0.5·x²');
  const used = fs.readdirSync(sideDir).map((f) => (JSON.parse(fs.readFileSync(path.join(sideDir, f), 'utf8')) as { lr: number }).lr).sort();
  assert.deepEqual(used, [0.2, 0.4, 0.6]);
  withStore(dir, (store) => {
    const runs = store.listRuns();
    assert.equal(store.cluster.byRun(runs.map((r) => r.id)).size, 3, 'every trial was a SLURM job');
    assert.ok(runs.every((r) => r.status === 'finished' && r.experimentName === 'own-sweep'), 'trials stay in the sweep\'s experiment');
  });
});
