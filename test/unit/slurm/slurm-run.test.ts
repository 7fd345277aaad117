// Runs on a real single-node SLURM (slurm-wlm, started by test/slurm/start-slurm.sh; skipped with
// one printed line where it cannot start: not root and no passwordless sudo). Every run is a real
// sbatch job running the real engine or a real producer on the node; the host is the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  ENGINE, PRODUCER, PYTHON, ROOT, channelPoints, cli, cliAsync, jobEnd, jobRecord, jobReport, jobsFrom, startCluster, storedPoints, tinySpec, until, withStore, workspace, writeSpec,
} from './helpers.ts';

const skip = startCluster() ?? (fs.existsSync(ENGINE) ? false : 'dist/engine.cjs is missing: npm run build');

// Submitted first: a job past its 1-minute limit takes SLURM a minute or more to end TIMEOUT.
let timeoutCase: { dir: string; runId: number; jobId: string } | undefined;

test('a job that exceeds its time limit is submitted (checked at the end of this file)', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'limited', { execution: { backend: 'slurm', time: '1' } });
  const result = cli(['run', '--execution', spec, '--detach', '--json', '--', 'sleep', '600'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number }; cluster: { jobId: string } };
  timeoutCase = { dir, runId: out.run.id, jobId: out.cluster.jobId };
});

test('hyperlab run SPEC on SLURM: the real engine trains as a job; every point it wrote is stored; runs show names the job', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'tiny', tinySpec({ time: '10' }));
  const result = cli(['run', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; summary: { steps: number } }; cluster: { jobId: string; state: string; exitCode: string; channel: string }; outcome: { points: number } };
  assert.equal(out.run.status, 'finished');
  assert.equal(out.cluster.state, 'COMPLETED');
  assert.equal(out.cluster.exitCode, '0:0');
  assert.equal(out.run.summary.steps, 18, '300 samples, 10% validate: 270 / 32 → 9 steps × 2 epochs');
  const written = channelPoints(out.cluster.channel);
  assert.ok(written > 18, `the engine wrote ${written} points`);
  assert.equal(out.outcome.points, written, 'every point the producer wrote is in the store');
  withStore(dir, (store) => {
    assert.equal(storedPoints(store, out.run.id), written);
    assert.ok(store.artifacts(out.run.id).some((a) => a.path.endsWith('last.safetensors') && a.sha256), 'the checkpoint is an artifact, hashed on the host');
    assert.ok(store.log(out.run.id).some((line) => line.text.includes(`SLURM job ${out.cluster.jobId} started on`)), 'the node\'s log reached the run');
  });
  assert.match(result.stderr, new RegExp(`run ${out.run.id} submitted as SLURM job ${out.cluster.jobId}`));
  const show = cli(['runs', 'show', String(out.run.id)], dir);
  assert.match(show.stdout, new RegExp(`cluster: {2}SLURM job ${out.cluster.jobId} \\(COMPLETED, exit code 0:0 on \\S+\\)`));
});

test('hyperlab run --execution SPEC -- CMD: a producer\'s 24 points, all stored; the job script is what sbatch ran', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'cmd', { execution: { backend: 'slurm', time: '5', setup: 'echo setup ran on $(hostname)' } });
  const result = cli(['run', '--execution', spec, '--json', '--', process.execPath, PRODUCER, 'normal'], dir, { HL_STEPS: '12' });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string }; outcome: { points: number }; cluster: { jobId: string; channel: string } };
  assert.equal(out.run.status, 'finished');
  assert.equal(out.outcome.points, 24, 'the producer sends 12 steps × 2 keys');
  assert.equal(channelPoints(out.cluster.channel), 24);
  const runDir = path.dirname(out.cluster.channel);
  assert.match(fs.readFileSync(path.join(runDir, 'job.sbatch'), 'utf8'), /#SBATCH --time=5\n[\s\S]*echo setup ran on \$\(hostname\)\n[\s\S]*slurm-job /);
  assert.match(fs.readFileSync(path.join(runDir, `slurm-${out.cluster.jobId}.out`), 'utf8'), /setup ran on \S+\n[\s\S]*step 11 loss/);
});

test('a Python script with the real client on SLURM: filed where its init() says, as on this machine; --experiment still wins', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'py', { execution: { backend: 'slurm', time: '5' } });
  const env = { PYTHONPATH: path.join(ROOT, 'python'), STEPS: '6' };
  const script = path.join(ROOT, 'test', 'unit', 'client', 'scripts', 'tracked.py');
  const named = cli(['run', '--execution', spec, '--json', '--', PYTHON, script], dir, env);
  assert.equal(named.code, 0, named.stderr);
  const own = cli(['run', '--execution', spec, '--experiment', 'mine', '--json', '--', PYTHON, script], dir, env);
  assert.equal(own.code, 0, own.stderr);
  withStore(dir, (store) => {
    const [first, second] = [named, own].map((result) => store.getRun((JSON.parse(result.stdout) as { run: { id: number } }).run.id)!);
    assert.deepEqual([first!.status, first!.experimentName, first!.name, Object.keys(store.tags(first!.id)).sort()], ['finished', 'client-test', 'quadratic', ['quadratic', 'test']]);
    assert.deepEqual([second!.status, second!.experimentName, second!.name], ['finished', 'mine', 'quadratic']);
    assert.equal(store.points(first!.id, 'train.loss').length, 6);
  });
});

test('hyperlab run on a spec with a producer section and execution on SLURM: the script runs as a job with its config; the run records what it reported', { skip }, () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const script = path.join(ROOT, 'test', 'unit', 'client', 'scripts', 'configured.py');
  const spec = writeSpec(dir, 'own-script', {
    producer: { command: PYTHON, args: [script], env: { SIDE: side, EXPERIMENT: 'from-init' } },
    train: { lr: 0.1, epochs: 1 },
    execution: { backend: 'slurm', time: '5' },
  });
  const result = cli(['run', spec, '--set', 'lr=0.5', '--json'], dir, { PYTHONPATH: path.join(ROOT, 'python') });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; experimentName: string; name: string; params: unknown }; cluster: { jobId: string } };
  assert.deepEqual([out.run.status, out.run.experimentName, out.run.name], ['finished', 'from-init', 'lr=0.5']);
  assert.deepEqual(out.run.params, { train: { lr: 0.5, epochs: 1, steps: 3 }, model: { hidden: 8 } }, 'what the script ran with, as it reported it');
  assert.equal((JSON.parse(fs.readFileSync(side, 'utf8')) as { lr: number }).lr, 0.5, 'the override reached the script on the node');
  withStore(dir, (store) => assert.equal(store.points(out.run.id, 'train.loss').length, 3));
  assert.match(result.stderr, new RegExp(`submitted as SLURM job ${out.cluster.jobId}`));
});

test('scancel of a job from outside: its run ends killed, the reason names CANCELLED and the exit code', { skip }, async () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'cancelled', { execution: { backend: 'slurm', time: '5' } });
  const submitted = cli(['run', '--execution', spec, '--detach', '--json', '--', process.execPath, PRODUCER, 'slow'], dir, { HL_STEPS: '5' });
  assert.equal(submitted.code, 0, submitted.stderr);
  const { run, cluster } = JSON.parse(submitted.stdout) as { run: { id: number }; cluster: { jobId: string; channel: string } };
  await until('the producer\'s 10 points in the channel', () => fs.existsSync(cluster.channel) && channelPoints(cluster.channel) === 10, 240_000);
  assert.equal(spawnSync('scancel', [cluster.jobId]).status, 0);
  const synced = cli(['sync', '--wait', '--json'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  withStore(dir, (store) => {
    const ended = store.getRun(run.id)!;
    assert.equal(ended.status, 'killed');
    assert.match(ended.reason ?? '', new RegExp(`^SLURM job ${cluster.jobId} CANCELLED, exit code \\d+:\\d+: cancelled outside Hyperlab`));
    assert.equal(storedPoints(store, run.id), 10);
  });
});

test('killing the host mid-run leaves the job running; the next host reconciles it and no point is lost', { skip }, async () => {
  const dir = workspace();
  // A producer that takes 4 s for its 40 steps, so the host is surely killed while the job runs
  // (the engine on a small subset could finish between the host's first points and the kill).
  const spec = writeSpec(dir, 'detached', { execution: { backend: 'slurm', time: '10' } });
  const host = cliAsync(['run', '--execution', spec, '--', process.execPath, PRODUCER, 'normal'], dir, { HL_STEPS: '40', HL_STEP_MS: '100' });
  let stderr = '';
  host.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const runId = 1;
  await until('points stored while the job trains', () => fs.existsSync(path.join(dir, '.hyperlab', 'runs.db')) && withStore(dir, (store) => storedPoints(store, runId) > 0 && store.getRun(runId)?.status === 'running'), 240_000);
  const pointsAtKill = withStore(dir, (store) => storedPoints(store, runId));
  host.kill('SIGKILL');
  await new Promise((resolve) => host.on('close', resolve));
  const jobId = /submitted as SLURM job (\d+)/.exec(stderr)?.[1];
  assert.ok(jobId, stderr);
  // Another command opening the store meanwhile does not take the cluster run for an orphan.
  const listed = JSON.parse(cli(['runs', 'ls', '--json'], dir).stdout) as { id: number; status: string }[];
  assert.equal(listed.find((r) => r.id === runId)?.status, 'running');
  assert.equal(await jobEnd(jobId), 'COMPLETED', jobRecord(jobId));
  const synced = cli(['sync'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  assert.match(synced.stdout, /cluster: 1 unfinished run\(s\) reconciled with SLURM, 1 ended, 0 still queued or running\n {2}run 1: finished/);
  withStore(dir, (store) => {
    assert.equal(store.getRun(runId)!.status, 'finished');
    const channel = store.cluster.get(runId)!.channel;
    assert.equal(storedPoints(store, runId), channelPoints(channel), 'every point the engine wrote, including those written while no host ran');
    assert.ok(pointsAtKill < channelPoints(channel), `killed mid-run: ${pointsAtKill} of ${channelPoints(channel)} points stored then`);
    assert.deepEqual(store.cluster.unfinished(), []);
  });
});

test('a requeued job (as after preemption) resumes from the run\'s last checkpoint: the curve continues, every epoch once', { skip }, async () => {
  const dir = workspace();
  // Many epochs: the engine trains this subset at 50,000–130,000 samples/s on an idle machine (an
  // epoch in 0.1 s), and the requeue must land while it trains, not after its last epoch.
  const EPOCHS = 60;
  const spec = writeSpec(dir, 'requeued', tinySpec({ time: '10' }, { epochs: EPOCHS, batchSize: 8 }, 8000));
  const submitted = cli(['run', spec, '--detach', '--json'], dir);
  assert.equal(submitted.code, 0, submitted.stderr);
  const { run, cluster } = JSON.parse(submitted.stdout) as { run: { id: number }; cluster: { jobId: string; channel: string } };
  const checkpoint = path.join(path.dirname(cluster.channel), 'last.safetensors');
  await until('the first epoch\'s checkpoint', () => fs.existsSync(checkpoint) && fs.readFileSync(cluster.channel, 'utf8').includes('"epoch.val.acc"'));
  assert.equal(spawnSync('scontrol', ['requeue', cluster.jobId]).status, 0);
  // The end the wait below looks for is the requeued job's, not the first start's.
  await until(`job ${cluster.jobId} requeued`, () => /\bRestarts=[1-9]/.test(jobRecord(cluster.jobId)), 60_000);
  assert.equal(await jobEnd(cluster.jobId, 300_000), 'COMPLETED', jobReport(cluster.jobId, cluster.channel));
  const synced = cli(['sync'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  withStore(dir, (store) => {
    const ended = store.getRun(run.id)!;
    assert.equal(ended.status, 'finished', ended.reason ?? '');
    const log = store.log(run.id).map((line) => line.text);
    assert.ok(log.some((text) => new RegExp(`SLURM job ${cluster.jobId} started on \\S+ \\(requeued: restart 1\\)`).test(text)), log.join('\n'));
    assert.ok(log.some((text) => text.includes(`resuming from ${checkpoint} after the requeue`)));
    assert.deepEqual(store.points(run.id, 'epoch.val.acc').map((p) => p.epoch), Array.from({ length: EPOCHS }, (_, i) => i + 1), 'every epoch once: the curve continues');
    assert.equal(storedPoints(store, run.id), channelPoints(cluster.channel));
  });
});

test('bad configuration is refused before anything is submitted: sbatch not on PATH, an unknown partition (SLURM\'s message)', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'bad', tinySpec({ partition: 'no-such-partition' }));
  const unknown = cli(['run', spec], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /sbatch --test-only failed: .*invalid partition specified: no-such-partition/i);
  const noSlurm = cli(['run', writeSpec(dir, 'nopath', tinySpec({}))], dir, { PATH: path.dirname(process.execPath) });
  assert.equal(noSlurm.code, 1);
  assert.match(noSlurm.stderr, /sbatch is not on PATH: this machine is not a SLURM login node/);
  assert.match(noSlurm.stderr, /hint: Run Hyperlab on the cluster's login node \(in VS Code: Remote-SSH to it\)/);
  assert.equal(jobsFrom(dir), 0, 'no job was submitted from this folder');
  withStore(dir, (store) => assert.equal(store.listRuns().length, 0, 'no run was recorded'));
});

test('a job that never creates its channel file fails, naming a run folder the nodes do not see', { skip }, () => {
  const dir = workspace();
  // The setup outlasts the channel timeout and the job's output goes outside the run folder: on a
  // real cluster the node writes neither file where the host looks (not on a shared filesystem).
  const spec = writeSpec(dir, 'nochannel', tinySpec({ setup: 'sleep 60', channelTimeout: 2, sbatch: ['--output=/tmp/hyperlab-nochannel-%j.out'] }));
  const result = cli(['run', spec, '--json'], dir);
  assert.equal(result.code, 1);
  const out = JSON.parse(result.stdout) as { run: { status: string; reason: string } };
  assert.equal(out.run.status, 'failed');
  assert.match(out.run.reason, /^the job ran 2 s on \S+ without creating its channel file .*channel\.jsonl: the run's folder is probably not on a filesystem the compute nodes share .* \(SLURM job \d+ CANCELLED/);
});

test('the job past its time limit ended TIMEOUT, and its run says so', { skip }, async () => {
  assert.ok(timeoutCase, 'submitted by the first test');
  const { dir, runId, jobId } = timeoutCase;
  assert.equal(await jobEnd(jobId, 240_000), 'TIMEOUT', jobRecord(jobId));
  const synced = cli(['sync'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  withStore(dir, (store) => {
    const run = store.getRun(runId)!;
    assert.equal(run.status, 'failed');
    assert.match(run.reason ?? '', new RegExp(`^SLURM job ${jobId} TIMEOUT, exit code \\d+:\\d+: it ran past its time limit \\(00:01:00\\)`));
    // No host watched it run: its times are the job's own, from SLURM (a minute or more).
    assert.ok(run.startedAt !== null && run.endedAt !== null && run.endedAt - run.startedAt >= 60_000, `ran ${String(run.startedAt)} → ${String(run.endedAt)}`);
  });
});
