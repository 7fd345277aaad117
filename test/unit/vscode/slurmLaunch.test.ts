// The window's launcher submitting a SLURM run: a run that cannot start must not be left queued.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { memoryLogger } from '../../../src/core/log.ts';
import type { Params } from '../../../src/core/protocol/messages.ts';
import { ClusterTracker, SlurmCommands } from '../../../src/core/slurm/index.ts';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import type { HyperlabSettings } from '../../../src/vscode/config/settings.ts';
import { WindowRunLauncher } from '../../../src/vscode/runs/windowRunLauncher.ts';
import { StoreLeases } from '../../../src/vscode/store/storeLeases.ts';
import type { ClusterWatcher } from '../../../src/vscode/tracking/clusterWatcher.ts';
import { ROOT } from '../client/helpers.ts';
import { tempDir } from '../runner/helpers.ts';

/** A window's launcher on a fresh store, with the producerCommand setting set. */
function windowLauncher(prefix: string) {
  const dir = tempDir(prefix);
  const logger = memoryLogger();
  const leases = new StoreLeases(logger);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  let tracker: ClusterTracker | undefined;
  // The seam: the window's cluster watcher (it imports vscode); its tracker is made on the first submission.
  const cluster = { tracker: (s: Store) => (tracker ??= new ClusterTracker({ store: s, slurm: new SlurmCommands() })), handle: () => undefined } as unknown as ClusterWatcher;
  const settings: HyperlabSettings = { storePath: '', parallelism: 1, stopTimeoutSeconds: 5, producerCommand: ['python3', 'train.py'] };
  const launcher = new WindowRunLauncher({ acquireStore: () => leases.lease(store), logger, extensionPath: ROOT, settings: () => settings, cluster });
  return { dir, store, launcher, tracker: () => tracker };
}

test('a SLURM run whose command cannot be prepared (a config too large for HYPERLAB_PARAMS) throws and leaves no run queued forever', async () => {
  const { dir, store, launcher, tracker } = windowLauncher('hyperlab-window-slurm-');
  const spec: Params = { name: 'big', data: { dataset: 'csv', path: 'x'.repeat(140_000) }, train: { epochs: 1 }, execution: { backend: 'slurm' } };
  assert.throws(() => launcher.launch({ specPath: path.join(dir, 'big.hyperlab.json'), spec, experiment: 'big', overrides: {} }), /HYPERLAB_PARAMS holds at most/);
  const going = store.listRuns({}).filter((run) => run.status === 'queued' || run.status === 'running');
  assert.deepEqual(going.map((run) => `${run.id} ${run.status}`), [], 'no run is left queued');
  tracker()?.close();
  await launcher.dispose();
  store.close();
});

test('a SLURM run of the producerCommand setting records no params of its own (only what its script reports), as a local one', async () => {
  const { dir, store, launcher, tracker } = windowLauncher('hyperlab-window-slurm-params-');
  const spec: Params = { name: 'tiny', data: { dataset: 'fashion-mnist', limit: 100 }, train: { epochs: 1 }, execution: { backend: 'slurm' } };
  // No sbatch on PATH: nothing reaches a cluster; the run fails unsubmitted, which is beside the point here.
  const savedPath = process.env['PATH'];
  process.env['PATH'] = path.join(dir, 'no-bin');
  let runId: number;
  try {
    runId = launcher.launch({ specPath: path.join(dir, 'tiny.hyperlab.json'), spec, experiment: 'tiny', overrides: { 'train.optimizer.lr': 0.5 } });
  } finally {
    process.env['PATH'] = savedPath;
  }
  assert.deepEqual(store.getRun(runId)!.params, {}, 'the script was sent lr=0.5; whether it used it, only its own report can say');
  const outcome = await tracker()!.handle(runId)!.done;
  assert.match(outcome.reason ?? '', /sbatch is not on PATH/);
  tracker()?.close();
  await launcher.dispose();
  store.close();
});
