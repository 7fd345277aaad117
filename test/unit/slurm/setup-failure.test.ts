// A job whose execution.setup fails (or whose execution.node does not exist on the node) ends
// before the job runner creates the channel file. Its output file in the run folder proves the
// folder is shared, so the run's reason must quote what the job printed, not blame the filesystem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRODUCER, cli, startCluster, withStore, workspace, writeSpec } from './helpers.ts';

const skip = startCluster() ?? false;

test('a failing execution.setup: the run fails with the job\'s own output, not "not on a shared filesystem"', { skip }, () => {
  const dir = workspace();
  const spec = writeSpec(dir, 'bad-setup', { execution: { backend: 'slurm', time: '2', setup: 'no-such-module-command nodejs/22' } });
  const result = cli(['run', '--execution', spec, '--json', '--', 'true'], dir);
  assert.equal(result.code, 1, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; reason: string } };
  assert.equal(out.run.status, 'failed');
  assert.match(out.run.reason, /FAILED, exit code 127:0: the job ended before Hyperlab's job runner started/);
  assert.match(out.run.reason, /no-such-module-command: command not found/, 'the reason quotes the job\'s output');
  assert.doesNotMatch(out.run.reason, /not on a filesystem the compute nodes share/);
  withStore(dir, (store) => assert.equal(store.getRun(out.run.id)!.reason, out.run.reason));
});

test('a setup that outlasts channelTimeout in a folder the job visibly writes to (its output file is there) is not cancelled', { skip }, () => {
  const dir = workspace();
  // A slow setup (pip install, conda activate) on a shared folder: slurm-<job>.out appears in the
  // run folder at once, so a missing channel file means "not started yet", not "not shared".
  const spec = writeSpec(dir, 'slow-setup', { execution: { backend: 'slurm', time: '2', setup: 'echo preparing; sleep 6', channelTimeout: 2 } });
  const result = cli(['run', '--execution', spec, '--json', '--', process.execPath, PRODUCER, 'normal'], dir, { HL_STEPS: '3' });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const out = JSON.parse(result.stdout) as { run: { status: string }; outcome: { points: number } };
  assert.equal(out.run.status, 'finished');
  assert.equal(out.outcome.points, 6, 'the producer sends 3 steps × 2 keys');
});
