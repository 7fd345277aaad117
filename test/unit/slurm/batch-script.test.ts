// The batch script Hyperlab submits: #SBATCH lines from the execution section, the setup
// command, the job runner with the run's job file; and the execution section's validation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { batchScript, outputPattern, sbatchOptions } from '../../../src/core/slurm/index.ts';
import { defaultSpec, parseSpec, specSchema } from '../../../src/core/spec/index.ts';
import type { ExecutionSpec } from '../../../src/core/spec/index.ts';
import { jobEnd, jobRecord, startCluster, workspace } from './helpers.ts';

const execution = (fields: Partial<ExecutionSpec>): ExecutionSpec => parseSpec({ ...defaultSpec(), execution: { backend: 'slurm', ...fields } }).execution!;

test('the script: every field becomes its #SBATCH line, setup runs before the job runner', () => {
  const text = batchScript({
    runId: 7, runDir: '/shared/proj/.hyperlab/runs/7', cwd: '/shared/proj',
    execution: execution({ partition: 'gpu', time: '1:30:00', cpusPerTask: 4, mem: '8G', gpus: 'gpu:a100:1', account: 'lab', qos: 'high', constraint: 'avx512', sbatch: ['--exclusive', '--mail-type=END'], setup: 'module load nodejs/22', requeue: false }),
    runner: ['/opt/node/bin/node', '/opt/hyperlab dist/cli.cjs', 'slurm-job'],
  });
  assert.equal(text, [
    '#!/bin/bash',
    '#SBATCH --job-name=hyperlab-run-7',
    '#SBATCH --output=/shared/proj/.hyperlab/runs/7/slurm-%j.out',
    '#SBATCH --open-mode=append',
    '#SBATCH --chdir=/shared/proj',
    '#SBATCH --partition=gpu',
    '#SBATCH --time=1:30:00',
    '#SBATCH --cpus-per-task=4',
    '#SBATCH --mem=8G',
    '#SBATCH --gres=gpu:a100:1',
    '#SBATCH --account=lab',
    '#SBATCH --qos=high',
    '#SBATCH --constraint=avx512',
    '#SBATCH --no-requeue',
    '#SBATCH --exclusive',
    '#SBATCH --mail-type=END',
    '# Written by Hyperlab for run 7. The job runner starts the training on the node and',
    '# writes the protocol to /shared/proj/.hyperlab/runs/7/channel.jsonl, which the host on the login node tails.',
    'set -e',
    '# execution.setup',
    'module load nodejs/22',
    'set +e',
    "exec /opt/node/bin/node '/opt/hyperlab dist/cli.cjs' slurm-job /shared/proj/.hyperlab/runs/7/job.json",
    '',
  ].join('\n'));
});

test('defaults: only --requeue besides the job\'s own lines; no setup block', () => {
  assert.deepEqual(sbatchOptions(execution({})), ['--requeue']);
  assert.doesNotMatch(batchScript({ runId: 1, runDir: '/r', cwd: '/c', execution: execution({}), runner: ['node', 'cli.cjs', 'slurm-job'] }), /set -e/);
});

test('an extra sbatch line that is not one option is refused, naming the field', () => {
  assert.throws(() => sbatchOptions(execution({ sbatch: ['--exclusive\n#SBATCH --x'] })), /execution: sbatch option .* is not one option line/);
  assert.throws(() => sbatchOptions(execution({ sbatch: ['exclusive'] })), (error: Error & { hint?: string }) => /"exclusive" is not one option line/.test(error.message) && /starting with "-"/.test(error.hint ?? ''));
});

test('the execution section is validated and in the JSON Schema; it is not a run parameter', () => {
  assert.throws(() => parseSpec({ ...defaultSpec(), execution: { backend: 'kubernetes' } }), /execution\.backend: "kubernetes" is not one of local, slurm/);
  assert.throws(() => parseSpec({ ...defaultSpec(), execution: { backend: 'slurm', time: 'one hour' } }), /execution\.time: "one hour" is not a SLURM time limit/);
  assert.throws(() => parseSpec({ ...defaultSpec(), execution: { backend: 'slurm', cpusPerTask: 0 } }), /execution\.cpusPerTask/);
  assert.throws(() => parseSpec({ ...defaultSpec(), execution: { backend: 'slurm', partiton: 'gpu' } }), /partiton/);
  for (const time of ['30', '30:00', '1:30:00', '2-0', '2-12:00', '2-12:00:00', 'UNLIMITED']) assert.equal(execution({ time }).time, time);
  assert.equal(parseSpec(defaultSpec()).execution, undefined, 'absent stays absent: local');
  const schema = JSON.stringify(specSchema());
  assert.match(schema, /"execution"/);
  assert.match(schema, /"cpusPerTask"/);
  assert.match(schema, /"enum":\["local","slurm"\]/);
});

test('real sbatch: a workspace whose path has a space, a quote and a % runs its job there, writing its output file in the run folder', { skip: startCluster() ?? false }, async () => {
  // "%u" in a folder's name would be SLURM's user name in the output file's, were it not written %%u.
  const dir = path.join(workspace(), 'my "lab" project %u');
  const runDir = path.join(dir, '.hyperlab', 'runs', '3');
  fs.mkdirSync(runDir, { recursive: true });
  const script = path.join(runDir, 'job.sbatch');
  // The runner gets the job file's path as its last word: this one writes the job's folder there.
  fs.writeFileSync(script, batchScript({ runId: 3, runDir, cwd: dir, execution: execution({ time: '1' }), runner: ['/bin/sh', '-c', 'pwd > "$1"', 'sh'] }));
  const submitted = spawnSync('sbatch', ['--parsable', script], { cwd: dir, encoding: 'utf8' });
  assert.equal(submitted.status, 0, `sbatch refused the script: ${submitted.stderr}`);
  const jobId = submitted.stdout.trim().split(';')[0]!;
  assert.equal(await jobEnd(jobId, 60_000), 'COMPLETED', jobRecord(jobId));
  assert.equal(fs.readFileSync(path.join(runDir, 'job.json'), 'utf8').trim(), dir, 'the job ran in the workspace (--chdir)');
  assert.ok(fs.existsSync(path.join(runDir, `slurm-${jobId}.out`)), 'the job\'s output file is in the run folder (--output)');
});

test('a path with a line break is refused before anything is submitted (it would end the #SBATCH comment and run as shell)', () => {
  assert.throws(() => batchScript({ runId: 1, runDir: '/r', cwd: '/c\ntouch /tmp/x', execution: execution({}), runner: ['node', 'cli.cjs', 'slurm-job'] }), /has a line break/);
});

test('the output file\'s pattern: a % of the run folder is written %%; a backslash, with which SLURM ignores %j, is refused', () => {
  assert.equal(outputPattern('/proj/100%/.hyperlab/runs/4'), '/proj/100%%/.hyperlab/runs/4/slurm-%j.out');
  assert.throws(() => batchScript({ runId: 1, runDir: '/proj/a\\b/.hyperlab/runs/1', cwd: '/proj', execution: execution({}), runner: ['node'] }),
    (error: Error & { hint?: string }) => /has a backslash in its path: SLURM would then not replace %j/.test(error.message) && /no backslash/.test(error.hint ?? ''));
});
