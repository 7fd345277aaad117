// The `hyperlab` CLI run as a real process (node src/cli/main.ts) against a real store.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultSpec } from '../../../src/core/spec/index.ts';
import { startRun } from '../../../src/core/runner/index.ts';
import { memoryLogger } from '../../../src/core/log.ts';
import { defaultLoaders, openDriver } from '../../../src/core/store/open-driver.ts';
import { migrate } from '../../../src/core/store/schema.ts';
import { PRODUCER, fixture, tempDir, tempStore, waitForSideFile } from '../runner/helpers.ts';

const MAIN = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(args: string[], options: { cwd: string; env?: { [key: string]: string } }) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const engine = (mode: string) => ({ HYPERLAB_ENGINE_COMMAND: JSON.stringify([process.execPath, PRODUCER, mode]) });

function writeSpec(dir: string, name = 'demo'): string {
  const file = path.join(dir, `${name}.hyperlab.json`);
  fs.writeFileSync(file, JSON.stringify({ ...defaultSpec(), name }));
  return file;
}

test('run SPEC: records a finished run, prints the summary, exit 0; --set reaches the run', () => {
  const { dir, store } = tempStore();
  store.close();
  const spec = writeSpec(dir);
  const result = cli(['run', spec, '--set', 'train.epochs=3', '--json'], { cwd: dir, env: { ...engine('normal'), HL_STEPS: '12' } });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; params: { [k: string]: unknown }; experimentName: string }; outcome: { points: number } };
  assert.equal(out.run.status, 'finished');
  assert.equal(out.run.experimentName, 'demo');
  assert.equal(out.run.params['train.epochs'], 3);
  assert.equal(out.outcome.points, 24);
  assert.match(result.stderr, /run 1 started/);
  assert.ok(fs.existsSync(path.join(dir, '.hyperlab', 'runs.db')), 'default store under the current folder');

  const human = cli(['run', spec], { cwd: dir, env: engine('normal') });
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^Run 2 \(demo\) finished\n {2}summary: train\/loss=0\.1 steps=20\n/);
});

test('run SPEC: a failed run exits 1 with its reason; bad spec exits 2; missing spec exits 3', () => {
  const { dir, store } = tempStore();
  store.close();
  const spec = writeSpec(dir);
  const crashed = cli(['run', spec, '--db', 'x.db'], { cwd: dir, env: engine('crash') });
  assert.equal(crashed.code, 1);
  assert.match(crashed.stdout, /Run 1 \(demo\) failed: exited with code 3; last stderr: Error: simulated crash in step 5/);

  const invalid = cli(['run', spec, '--set', 'train.epochs=-4'], { cwd: dir, env: engine('normal') });
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /train\.epochs/);

  const missing = cli(['run', 'nope.hyperlab.json'], { cwd: dir, env: engine('normal') });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^hyperlab: spec file not found: .*nope\.hyperlab\.json\n {2}hint: /);
});

test('Ctrl-C during run stops the run gracefully and marks it killed', async () => {
  const { dir, store } = tempStore();
  store.close();
  const spec = writeSpec(dir);
  const sideFile = path.join(dir, 'side.json');
  const child = spawn(process.execPath, [MAIN, 'run', spec, '--json'], { cwd: dir, env: { ...process.env, ...engine('slow'), HL_STEPS: '5', HL_SIDE_FILE: sideFile } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  await waitForSideFile(sideFile);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1, stderr);
  const out = JSON.parse(stdout) as { run: { status: string; reason: string }; outcome: { exitCode: number } };
  assert.equal(out.run.status, 'killed');
  assert.equal(out.run.reason, 'interrupted (Ctrl-C)');
  assert.equal(out.outcome.exitCode, 0, 'the producer exited on the stop message, not by a signal');
  assert.match(stderr, /stopping the run \(Ctrl-C again to kill it now\)/);
});

test('SIGTERM to the CLI (kill PID, a cancelled CI job) stops the run gracefully: killed, not left running', async () => {
  const { dir, store, dbPath } = tempStore();
  store.close();
  const spec = writeSpec(dir);
  const sideFile = path.join(dir, 'side.json');
  const child = spawn(process.execPath, [MAIN, 'run', spec, '--json', '--db', dbPath], { cwd: dir, env: { ...process.env, ...engine('slow'), HL_STEPS: '5', HL_SIDE_FILE: sideFile } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  await waitForSideFile(sideFile);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1, stderr);
  const out = JSON.parse(stdout) as { run: { status: string; reason: string } };
  assert.equal(out.run.status, 'killed');
  assert.equal(out.run.reason, 'stopped: the hyperlab command received SIGTERM');
  const shown = cli(['runs', 'show', '1', '--json', '--db', dbPath], { cwd: dir });
  assert.equal((JSON.parse(shown.stdout) as { run: { status: string } }).run.status, 'killed');
});

test('ACCEPTANCE: a producer SIGKILLed mid-run is failed with every metric it sent, and `runs show` shows them', async () => {
  const { dir, store, dbPath } = tempStore();
  const run = store.createRun({ experiment: 'killed-from-outside' });
  const sideFile = path.join(dir, 'side.json');
  const handle = startRun({ store, runId: run.id, command: fixture('slow', dir, { HL_STEPS: '4000', HL_SIDE_FILE: sideFile }) });
  const sent = await waitForSideFile(sideFile);
  process.kill(sent['pid'] as number, 'SIGKILL');
  const outcome = await handle.done;
  store.close();
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason!, /SIGKILL/);

  const shown = cli(['runs', 'show', String(run.id), '--json', '--db', dbPath], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  const details = JSON.parse(shown.stdout) as { run: { status: string; reason: string }; metrics: { key: string; points: number; lastStep: number; min: number; max: number }[] };
  assert.equal(details.run.status, 'failed');
  assert.match(details.run.reason, /terminated by SIGKILL/);
  const total = details.metrics.reduce((sum, m) => sum + m.points, 0);
  assert.equal(total, sent['pointsSent']);
  assert.deepEqual(details.metrics.map((m) => [m.key, m.points, m.lastStep]), [['train/acc', 4000, 3999], ['train/loss', 4000, 3999]]);

  const human = cli(['runs', 'show', String(run.id), '--db', dbPath], { cwd: dir });
  assert.match(human.stdout, /: failed\n {2}reason: {3}terminated by SIGKILL/);
  assert.match(human.stdout, /train\/loss +4000 +3999 +5\.000e-4 +5\.000e-4 +2\n/);
});

test('runs ls: table, --json, filters, sort, limit; bad flags are usage errors', async () => {
  const { dir, store, dbPath } = tempStore();
  for (const [experiment, mode] of [['a', 'normal'], ['b', 'crash'], ['a', 'normal']] as const) {
    const run = store.createRun({ experiment });
    await startRun({ store, runId: run.id, command: fixture(mode, dir, { HL_STEPS: '4' }) }).done;
  }
  store.createRun({ experiment: 'b', name: 'waiting' });
  store.close();
  const table = cli(['runs', 'ls', '--db', dbPath], { cwd: dir });
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID +EXPERIMENT +NAME +STATUS +TAGS +OBJECTIVE +STARTED +DURATION +SUMMARY \/ REASON$/);
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 4)), [['4', 'b', 'waiting', 'queued'], ['3', 'a', 'run-3', 'finished'], ['2', 'b', 'run-2', 'failed'], ['1', 'a', 'run-1', 'finished']]);
  assert.equal(lines[1]!.indexOf('queued'), lines[2]!.indexOf('finished'), 'columns aligned');

  const json = (args: string[]) => (JSON.parse(cli(['runs', 'ls', '--json', '--db', dbPath, ...args], { cwd: dir }).stdout) as { id: number }[]).map((r) => r.id);
  assert.deepEqual(json([]), [4, 3, 2, 1]);
  assert.deepEqual(json(['--experiment', 'a']), [3, 1]);
  assert.deepEqual(json(['--status', 'failed,queued']), [4, 2]);
  assert.deepEqual(json(['--sort', 'id', '--limit', '2']), [1, 2]);

  const badStatus = cli(['runs', 'ls', '--status', 'done', '--db', dbPath], { cwd: dir });
  assert.equal(badStatus.code, 2);
  assert.equal(badStatus.stderr, 'hyperlab runs ls: unknown status "done"\n  hint: Use one of: queued, running, finished, failed, killed, diverged, pruned\n');
  assert.equal(cli(['runs', 'ls', '--limit', 'x', '--db', dbPath], { cwd: dir }).code, 2);
  assert.equal(cli(['runs', 'ls', '--frobnicate'], { cwd: dir }).code, 2);
  const empty = cli(['runs', 'ls', '--json'], { cwd: dir });
  assert.deepEqual([empty.code, empty.stdout], [0, '[]\n']);
});

test('runs show / export: not found is exit 3; export writes long-format CSV and JSON', async () => {
  const { dir, store, dbPath } = tempStore();
  const run = store.createRun({ experiment: 'e' });
  await startRun({ store, runId: run.id, command: fixture('normal', dir, { HL_STEPS: '3' }) }).done;
  store.close();
  const notFound = cli(['runs', 'show', '42', '--db', dbPath], { cwd: dir });
  assert.equal(notFound.code, 3);
  assert.equal(notFound.stderr, 'hyperlab: no run with ID 42\n  hint: List run ids with: hyperlab runs ls\n');
  assert.equal(cli(['runs', 'show', 'abc', '--db', dbPath], { cwd: dir }).code, 2);
  assert.equal(cli(['runs', 'show', '1', '--db', path.join(dir, 'none.db')], { cwd: dir }).code, 3);

  const csv = cli(['runs', 'export', '--csv', '--db', dbPath], { cwd: dir });
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trimEnd().split('\n');
  assert.equal(rows[0], 'run,key,step,epoch,time,value');
  assert.equal(rows.length, 1 + 6);
  assert.deepEqual(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(',')), ['1,train/acc,0', '1,train/acc,1', '1,train/acc,2', '1,train/loss,0', '1,train/loss,1', '1,train/loss,2']);
  assert.deepEqual(rows.slice(1).map((r) => Number(r.split(',')[5])), [0, 1 / 3, 2 / 3, 2, 1, 2 / 3]);
  // epoch and wall time (ms) come through too
  const [, , , epoch, time] = rows[1]!.split(',');
  assert.equal(epoch, '0');
  assert.ok(Number(time) > Date.UTC(2020, 0, 1) && Number(time) <= Date.now(), `time ${time} is ms since the epoch`);

  const json = cli(['runs', 'export', '--json', '1', '--db', dbPath], { cwd: dir });
  const points = JSON.parse(json.stdout) as { run: number; key: string; step: number; value: number }[];
  assert.equal(points.length, 6);
  assert.deepEqual(points[3], { ...points[3], run: 1, key: 'train/loss', step: 0, value: 2 });
  assert.equal(cli(['runs', 'export', '--db', dbPath], { cwd: dir }).code, 2);
  assert.equal(cli(['runs', 'export', '--csv', '7', '--db', dbPath], { cwd: dir }).code, 3);
});

test('a store written by an older Hyperlab is migrated by the read commands instead of refusing them', () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'old.db');
  const raw = openDriver(dbPath, 'auto', false, defaultLoaders, memoryLogger());
  migrate(raw, dbPath, 1);
  raw.exec(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'legacy', 0);
    INSERT INTO runs (id, experiment_id, name, status, created_at) VALUES (1, 1, 'r', 'finished', 0);`);
  raw.close();
  const listed = cli(['runs', 'ls', '--json', '--db', dbPath], { cwd: dir });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { id: number; experimentName: string }[]).map((r) => [r.id, r.experimentName]), [[1, 'legacy']]);
  const shown = cli(['runs', 'show', '1', '--db', dbPath], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
});

test('help: --help, help CMD, unknown command', () => {
  const dir = path.dirname(MAIN);
  const main = cli(['--help'], { cwd: dir });
  assert.equal(main.code, 0);
  assert.match(main.stdout, /hyperlab runs ls/);
  const help = cli(['help', 'run'], { cwd: dir });
  assert.match(help.stdout, /^Usage: hyperlab run SPEC/);
  assert.match(cli(['runs', 'show', '--help'], { cwd: dir }).stdout, /^Usage: hyperlab runs show ID/);
  const unknown = cli(['trian'], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^hyperlab: unknown command "trian"\n {2}hint: Commands: runs ls, runs show, runs export, run/);
  assert.equal(cli([], { cwd: dir }).code, 2);
});

test('run SPEC with the real engine: its plan is stored and the progress lines (not a terminal) read step/total, epoch x/N and samples/s', () => {
  const { dir, store } = tempStore();
  store.close();
  const templates = path.resolve(import.meta.dirname, '..', '..', '..', 'media', 'templates');
  const spec = path.join(templates, 'csv-example.hyperlab.json');
  const db = path.join(dir, 'runs.db');
  const realEngine = { HYPERLAB_ENGINE_COMMAND: JSON.stringify([process.execPath, path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'engine', 'main.ts')]) };
  const result = cli(['run', spec, '--db', db, '--set', 'train.epochs=2', '--set', 'train.metricsEvery=1'], { cwd: dir, env: realEngine });
  assert.equal(result.code, 0, result.stderr);
  const reader = openDriver(db, 'node:sqlite', true, defaultLoaders, memoryLogger());
  const row = reader.prepare('SELECT plan FROM run_annotations WHERE run_id = 1').get();
  reader.close();
  const plan = JSON.parse(String(row?.plan)) as { epochs: number; totalSteps: number; stepsPerEpoch: number };
  assert.equal(plan.epochs, 2);
  assert.equal(plan.totalSteps, plan.stepsPerEpoch * 2);
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('run 1 · '));
  assert.ok(lines.length >= 1, result.stderr);
  for (const line of lines) assert.match(line, new RegExp(`^run 1 · step \\d+/${plan.totalSteps} · epoch [12]/2 · \\d+%`));
  // The last line is the run's final state (printed even when it came within a second of the
  // previous one), with the speed measured over the steps done.
  assert.match(lines.at(-1)!, new RegExp(`^run 1 · step (2[0-4])/${plan.totalSteps} · epoch 2/2 · \\d+% · [\\d,]+ samples/s · ETA \\d+`));
  assert.doesNotMatch(result.stderr, /\r/);
});
