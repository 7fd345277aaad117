// The client's API edges, run in Debian's python3 against a real inbox and sync: the context
// manager, signals, config changes, and the errors a user can act on.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { syncInbox } from '../../../src/core/inbox/index.ts';
import { openStore, type Run } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { PYTHON, exited, terminalEnv, waitForFile } from './helpers.ts';

function workspace(): string {
  const dir = tempDir('hyperlab-api-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  return dir;
}

function runPython(dir: string, code: string, env: { [key: string]: string } = {}): { code: number | null; stderr: string } {
  const file = path.join(dir, 'script.py');
  fs.writeFileSync(file, code);
  const child = spawnSync(PYTHON, [file], { cwd: dir, env: terminalEnv(env), encoding: 'utf8' });
  return { code: child.status, stderr: child.stderr };
}

function syncedRuns(dir: string): { runs: Run[]; points: (runId: number, key: string) => number[] } {
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  syncInbox(store, path.join(dir, '.hyperlab', 'inbox'));
  const runs = store.listRuns({ sortBy: 'id', order: 'asc' });
  const points = new Map(runs.flatMap((r) => store.metricKeys(r.id).map((k) => [`${r.id}:${k}`, store.points(r.id, k).map((p) => p.value)] as const)));
  store.close();
  return { runs, points: (runId, key) => points.get(`${runId}:${key}`) ?? [] };
}

test('with-block: finished at the end, killed by KeyboardInterrupt; config changes after init are recorded; default steps count up', () => {
  const dir = workspace();
  const ran = runPython(dir, `
import hyperlab
with hyperlab.init(experiment="api", name="ok", config={"a": 1}) as run:
    run.log({"m": 1.0})
    run.log({"m": 2.0})
    run.log({"m": 5.0}, step=10)
    run.log({"m": 6.0})
    run.config["b"] = "late"
try:
    with hyperlab.init(experiment="api", name="interrupted") as run:
        run.log({"m": 1.0})
        raise KeyboardInterrupt
except KeyboardInterrupt:
    pass
`);
  assert.equal(ran.code, 0, ran.stderr);
  const { runs, points } = syncedRuns(dir);
  assert.deepEqual(runs.map((r) => [r.name, r.status, r.reason]), [['ok', 'finished', null], ['interrupted', 'killed', 'interrupted (Ctrl-C)']]);
  assert.deepEqual(runs[0]!.params, { a: 1, b: 'late' });
  assert.deepEqual(points(runs[0]!.id, 'm'), [1, 2, 5, 6]);
});

test('SIGTERM from outside ends a standalone run killed with its reason, keeping its points', async () => {
  const dir = workspace();
  const file = path.join(dir, 'script.py');
  fs.writeFileSync(file, `
import time, hyperlab
run = hyperlab.init(experiment="api", name="term")
for i in range(5):
    run.log({"m": float(i)})
run.flush()
open("ready", "w").close()
while True:
    time.sleep(0.05)
`);
  const child = spawn(PYTHON, [file], { cwd: dir, env: terminalEnv(), stdio: 'ignore' });
  await waitForFile(path.join(dir, 'ready'));
  child.kill('SIGTERM');
  await exited(child);
  const { runs, points } = syncedRuns(dir);
  assert.deepEqual(runs.map((r) => [r.status, r.reason]), [['killed', 'terminated by SIGTERM']]);
  assert.deepEqual(points(runs[0]!.id, 'm'), [0, 1, 2, 3, 4]);
});

test('errors name the fix: bad HYPERLAB_PARAMS, a negative step, logging after finish, a missing artifact, watch on a non-module', () => {
  const dir = workspace();
  const badParams = runPython(dir, 'import hyperlab\nhyperlab.init(experiment="api")\n', { HYPERLAB_PARAMS: '{lr: 0.1}' });
  assert.equal(badParams.code, 1);
  assert.match(badParams.stderr, /HYPERLAB_PARAMS is not valid JSON .*pass an object such as \{"lr": 0.1\}/);
  const notObject = runPython(dir, 'import hyperlab\nhyperlab.init(experiment="api")\n', { HYPERLAB_PARAMS: '[1]' });
  assert.match(notObject.stderr, /HYPERLAB_PARAMS must be a JSON object/);
  const misuse = runPython(dir, `
import hyperlab
run = hyperlab.init(experiment="api", name="misuse")
errors = []
for attempt in (lambda: run.log({"m": 1.0}, step=-1), lambda: run.log({"m": 1.0}, epoch=float("nan")),
                lambda: run.log_artifact("nope.bin"), lambda: run.watch(object())):
    try:
        attempt()
    except (ValueError, FileNotFoundError, TypeError) as error:
        errors.append(str(error))
run.finish()
try:
    run.log({"m": 1.0})
except RuntimeError as error:
    errors.append(str(error))
print("\\n".join(errors))
import sys; sys.stderr.write("\\n".join(errors))
`);
  assert.equal(misuse.code, 0, misuse.stderr);
  const lines = misuse.stderr.split('\n');
  assert.match(lines[0]!, /step must be a non-negative integer, got -1/);
  assert.match(lines[1]!, /epoch must be a finite number/);
  assert.match(lines[2]!, /no file at .*nope\.bin; write the file before logging it/);
  assert.match(lines[3]!, /expected a torch\.nn\.Module, got object/);
  assert.match(lines[4]!, /this run has finished; start another with hyperlab\.init\(\)/);
});

test('outside Hyperlab a run without an experiment is filed under the script\'s file name', () => {
  const dir = workspace();
  const ran = runPython(dir, 'import hyperlab\nrun = hyperlab.init(tags=["t"])\nrun.log({"m": 1.0})\n');
  assert.equal(ran.code, 0, ran.stderr);
  const { runs } = syncedRuns(dir);
  assert.deepEqual(runs.map((r) => [r.experimentName, r.status]), [['script', 'finished']]);
});
