// The window's run launcher against a real store and real producer processes, in the orders
// VS Code really calls things: deactivate() and then, without waiting, the subscriptions'
// dispose (the store session); a storePath change while a run waits in the queue; a raised
// parallelism setting.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { memoryLogger } from '../../../src/core/log.ts';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import type { HyperlabSettings } from '../../../src/vscode/config/settings.ts';
import { WindowRunLauncher } from '../../../src/vscode/runs/windowRunLauncher.ts';
import { StoreLeases } from '../../../src/vscode/store/storeLeases.ts';
import { PRODUCER, pointCounts, tempDir } from '../runner/helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fixture producer in 'slow' mode: 20 steps of two metrics, then waits for a stop. */
function settings(parallelism: number): HyperlabSettings {
  return { storePath: '', parallelism, stopTimeoutSeconds: 5, producerCommand: ['${execPath}', PRODUCER, 'slow'] };
}

function setup(parallelism: number) {
  const dir = tempDir('hyperlab-launcher-');
  const dbPath = path.join(dir, 'runs.db');
  const logger = memoryLogger();
  const leases = new StoreLeases(logger);
  const current = { store: openStore(dbPath), settings: settings(parallelism) };
  const launcher = new WindowRunLauncher({
    acquireStore: () => leases.lease(current.store),
    logger,
    extensionPath: dir,
    settings: () => current.settings,
  });
  const launch = () => launcher.launch({ specPath: path.join(dir, 'x.hyperlab.json'), spec: {}, experiment: 'x', overrides: {} });
  return { dir, dbPath, leases, current, launcher, launch };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

const allPointsIn = (store: Store, runId: number) => () => pointCounts(store, runId)['train/loss'] === 20;

test('window closing: runs end killed with their last log line, queued ones killed, and the store closes after them', async () => {
  const { dbPath, leases, current, launcher, launch } = setup(1);
  const store = current.store;
  const running = launch();
  const queued = launch();
  await until(allPointsIn(store, running));
  // VS Code's order: deactivate() starts the launcher's dispose, then the session lets go of the store at once.
  const deactivating = launcher.dispose();
  leases.retire(store);
  await deactivating;
  assert.throws(() => store.getRun(running), 'the connection is closed once the last run has ended');
  const reopened = openStore(dbPath);
  const run = reopened.getRun(running)!;
  assert.equal(run.status, 'killed');
  assert.equal(run.reason, 'the VS Code window closed');
  assert.ok(reopened.log(running).some((line) => line.text === 'graceful stop'), 'written after the stop, before the store closed');
  assert.deepEqual(pointCounts(reopened, running), { 'train/acc': 20, 'train/loss': 20 });
  assert.equal(reopened.getRun(queued)?.status, 'killed');
  assert.equal(reopened.getRun(queued)?.reason, 'the VS Code window closed before the run started');
  reopened.close();
});

test('storePath changed while a run waits: it still starts and ends in the store it was queued in', async () => {
  const { dir, leases, current, launcher, launch } = setup(1);
  const first = current.store;
  const running = launch();
  const queued = launch();
  await until(allPointsIn(first, running));
  // The setting now names another file, which already has a run with the queued run's id.
  leases.retire(first);
  current.store = openStore(path.join(dir, 'other', 'runs.db'));
  current.store.createRun({ experiment: 'other' });
  const other = current.store.createRun({ experiment: 'other' });
  assert.equal(other.id, queued);
  await launcher.stop(running);
  await until(allPointsIn(first, queued));
  assert.equal(first.getRun(queued)?.status, 'running');
  assert.equal(current.store.getRun(queued)?.status, 'queued', 'the other store\'s run is untouched');
  assert.deepEqual(current.store.metricKeys(queued), []);
  await launcher.stop(queued);
  assert.equal(first.getRun(queued)?.status, 'killed');
  await launcher.dispose();
  assert.throws(() => first.getRun(queued), 'the old store closes when its last run ends');
  current.store.close();
});

test('a raised parallelism starts a queued run at once', async () => {
  const { current, launcher, launch } = setup(1);
  const store = current.store;
  const first = launch();
  const second = launch();
  await until(allPointsIn(store, first));
  assert.equal(store.getRun(second)?.status, 'queued');
  current.settings = settings(2);
  launcher.parallelismChanged();
  await until(allPointsIn(store, second));
  assert.equal(store.getRun(first)?.status, 'running');
  assert.equal(store.getRun(second)?.status, 'running');
  await launcher.dispose();
  assert.deepEqual([store.getRun(first)?.status, store.getRun(second)?.status], ['killed', 'killed']);
  store.close();
});

test('a queued run stopped or deleted from another window does not start here later', { timeout: 30_000 }, async () => {
  const { current, launcher, launch } = setup(1);
  const store = current.store;
  const first = launch();
  const stoppedElsewhere = launch();
  const deletedElsewhere = launch();
  const last = launch();
  await until(allPointsIn(store, first));
  // What another window's Stop Run and Delete Run do to runs it does not supervise.
  store.endRun(stoppedElsewhere, 'killed', 'stopped from another window before it started');
  store.deleteRun(deletedElsewhere);
  await launcher.stop(first);
  await until(allPointsIn(store, last));
  assert.equal(store.getRun(stoppedElsewhere)?.status, 'killed');
  assert.equal(store.getRun(stoppedElsewhere)?.reason, 'stopped from another window before it started');
  assert.deepEqual(store.metricKeys(stoppedElsewhere), []);
  assert.equal(store.getRun(deletedElsewhere), undefined);
  assert.equal(launcher.supervises(stoppedElsewhere), false);
  await launcher.dispose();
  assert.equal(store.getRun(last)?.status, 'killed');
  store.close();
});
