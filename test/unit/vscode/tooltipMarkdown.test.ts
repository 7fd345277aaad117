// The run hover card: a short table (status and why, key metric, the params that tell this
// experiment's runs apart, duration), not JSON dumps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../../src/core/store/types.ts';
import { tooltipMarkdown, varyingParams } from '../../../src/vscode/runExplorer/tooltipMarkdown.ts';

const run = (id: number, params: Run['params'], extra: Partial<Run> = {}): Run => ({
  id, experimentId: 1, experimentName: 'mlp', sweepId: null, name: `run-${id}`, status: 'finished', reason: null, params,
  summary: { 'val.acc': 0.8912345, 'train.loss': 0.3 }, specPath: null, pid: null, createdAt: 0, startedAt: 0, endedAt: 65_000, ...extra,
});

test('the parameters that differ between an experiment\'s runs are the ones a hover card lists', () => {
  const runs = [run(1, { 'train.optimizer.lr': 0.01, 'train.epochs': 3, 'train.optimizer.kind': 'adam' }), run(2, { 'train.optimizer.lr': 0.1, 'train.epochs': 3, 'train.optimizer.kind': 'adam' })];
  assert.deepEqual(varyingParams(runs), ['train.optimizer.lr']);
});

test('the card is a Markdown table: status and reason, key metric, differing params by title, duration; no JSON', () => {
  const md = tooltipMarkdown(run(7, { 'train.optimizer.lr': 2.994130330941865, 'train.epochs': 3 }, { status: 'diverged', reason: 'loss became NaN at step 6 | lr too high' }),
    ['train.optimizer.lr'], 'Diverged', 65_000);
  const lines = md.split('\n');
  assert.equal(lines[0], '**run\\-7** · run #7 · mlp');
  assert.deepEqual(lines.slice(2, 4), ['| | |', '|:--|:--|']);
  assert.ok(lines.includes('| status | Diverged: loss became NaN at step 6 \\| lr too high |'), md);
  assert.ok(lines.includes('| val\\.acc | 0\\.8912 |'), md);
  assert.ok(lines.includes('| lr | 2\\.994 |'), 'rounded, by its short title');
  assert.ok(lines.includes('| duration | 1m 05s |'), md);
  assert.ok(!md.includes('{') && !md.includes('epochs'), 'no JSON, and a param that is the same everywhere is not listed');
});

test('a cluster run\'s card names its SLURM job, state, exit code and node', () => {
  const md = tooltipMarkdown(run(9, {}, { status: 'running' }), [], 'Running', 65_000, undefined, undefined, { jobId: '4242', state: 'RUNNING', node: 'gpu017', exitCode: null });
  assert.ok(md.split('\n').includes('| SLURM job | 4242 \\(RUNNING, on gpu017\\) |'), md);
  const ended = tooltipMarkdown(run(9, {}), [], 'Killed', 65_000, undefined, undefined, { jobId: '4242', state: 'CANCELLED', node: null, exitCode: '0:15' });
  assert.ok(ended.split('\n').includes('| SLURM job | 4242 \\(CANCELLED, exit code 0:15\\) |'), ended);
  assert.ok(!tooltipMarkdown(run(9, {}), [], 'Finished', 65_000).includes('SLURM'), 'a local run has no such row');
});

test('the card lists every change against the spec, unabridged, where the run\'s short name shows only a few', () => {
  const changes = { 'train.optimizer.lr': 0.0123456, 'train.optimizer.kind': 'adam', 'train.epochs': 12, 'data.limit': 20000, 'model.layers.1.units': 512, 'train.weightDecay': 0.0005 };
  const params = { ...changes, 'train.batchSize': 32 };
  const md = tooltipMarkdown(run(8, params, { name: 'lr=0.0123 · adam +4' }), ['train.optimizer.lr', 'train.batchSize'], 'Finished', 65_000, undefined, changes);
  const lines = md.split('\n');
  assert.ok(lines.includes('| changes | lr=0\\.01235 · adam · epochs=12 · limit=20000 · units=512 · weight decay=5e\\-4 |'), md);
  assert.ok(lines.includes('| batch size | 32 |'), 'a varying param that is no change still has its row');
  assert.ok(!lines.some((l) => l.startsWith('| lr |')), 'a change is not listed twice');
  assert.ok(!tooltipMarkdown(run(8, {}), [], 'Finished', 65_000, undefined, {}).includes('changes'), 'no row without changes');
});
