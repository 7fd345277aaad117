// The Python client end to end under `hyperlab run -- CMD` (real CLI process, real python3):
// what the script logged is what the store holds, and every way a script ends has its status.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { MAIN, PYTHON, SCRIPTS, cli, exited, terminalEnv, waitForFile } from './helpers.ts';

const TRACKED = path.join(SCRIPTS, 'tracked.py');

test('hyperlab run -- python3 script: finished, filed where init() says, --set merged into the config, every point kept (NaN and ±Inf too)', () => {
  const dir = tempDir('hyperlab-client-');
  const side = path.join(dir, 'side.json');
  const result = cli(['run', '--set', 'lr=0.5', '--set', 'optimizer.momentum=0.9', '--json', '--', PYTHON, TRACKED], dir, { STEPS: '25', SIDE: side });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; experimentName: string; name: string; params: unknown }; tags: { [k: string]: string } };
  assert.equal(out.run.status, 'finished');
  assert.equal(out.run.experimentName, 'client-test');
  assert.equal(out.run.name, 'quadratic');
  assert.deepEqual(out.tags, { quadratic: '', test: '' });
  // The params are what the script ran with: its defaults, overridden by --set (dotted keys nest).
  assert.deepEqual(out.run.params, { lr: 0.5, optimizer: { kind: 'sgd', momentum: 0.9 }, steps: 25 });

  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const logged = (JSON.parse(fs.readFileSync(side, 'utf8')) as { losses: number[] }).losses;
    const losses = store.points(out.run.id, 'train.loss');
    assert.deepEqual(losses.map((p) => p.value), logged);
    assert.deepEqual(losses.map((p) => p.step), logged.map((_, i) => i));
    assert.equal(losses[12]!.epoch, 1);
    // With lr 0.5 the loss is 12.5 · 0.25^t: the script really received the --set value.
    assert.ok(Math.abs(losses[3]!.value - 12.5 * 0.25 ** 3) < 1e-12);
    const weird = store.points(out.run.id, 'weird').map((p) => p.value);
    assert.ok(Number.isNaN(weird[2]));
    assert.equal(weird[3], Infinity);
    assert.equal(weird[4], -Infinity);
    assert.equal(store.getRun(out.run.id)!.summary!['final.loss'], 0.5 * (5 * 0.5 ** 25) ** 2);
    const [artifact] = store.artifacts(out.run.id);
    assert.equal(artifact?.kind, 'checkpoint');
    // The file was written beside the script, outside the run's folder: the client copied it in.
    assert.equal(artifact?.path, path.join(path.dirname(dbPathOf(store)), 'runs', String(out.run.id), 'artifacts', 'artifact.txt'));
    assert.equal(artifact?.size, 8);
    assert.equal(fs.readFileSync(artifact!.path, 'utf8'), 'weights\n');
    // The CLI waits for the hash before it closes the store and exits.
    assert.equal(artifact?.sha256, crypto.createHash('sha256').update('weights\n').digest('hex'));
    assert.equal(store.log(out.run.id).filter((l) => l.stream === 'stdout').length, 25, 'stdout is the run log');
    // The placeholder experiment named after the script is not left behind.
    assert.deepEqual(store.listExperiments().map((e) => e.name), ['client-test']);
  } finally {
    store.close();
  }
});

test('hyperlab run --: --experiment and --name win over init(); no --set means no HYPERLAB_PARAMS', () => {
  const dir = tempDir('hyperlab-client-');
  const result = cli(['run', '--experiment', 'mine', '--name', 'first', '--json', '--', PYTHON, TRACKED], dir, { STEPS: '3' });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { run: { experimentName: string; name: string; params: { lr: number } } };
  assert.equal(out.run.experimentName, 'mine');
  assert.equal(out.run.name, 'first');
  assert.equal(out.run.params.lr, 0.25);
});

test('hyperlab run --: an uncaught exception ends the run failed with the traceback\'s last lines; exit code 1', () => {
  const dir = tempDir('hyperlab-client-');
  const result = cli(['run', '--json', '--', PYTHON, TRACKED], dir, { STEPS: '30', MODE: 'raise' });
  assert.equal(result.code, 1);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; reason: string } };
  assert.equal(out.run.status, 'failed');
  assert.match(out.run.reason, /ValueError: bad batch at step 7$/);
  assert.match(out.run.reason, /tracked\.py", line \d+/);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  assert.equal(store.points(out.run.id, 'train.loss').length, 8, 'every point logged before the exception');
  store.close();
});

test('hyperlab run --: Ctrl-C at the command line stops the script through the channel: killed, its points kept', async () => {
  const dir = tempDir('hyperlab-client-');
  const side = path.join(dir, 'side.json');
  const child = spawn(process.execPath, [MAIN, 'run', '--json', '--', PYTHON, TRACKED], { cwd: dir, env: terminalEnv({ STEPS: '40', MODE: 'wait', SIDE: side }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  await waitForFile(side);
  const scriptPid = (JSON.parse(fs.readFileSync(side, 'utf8')) as { pid: number }).pid;
  child.kill('SIGINT');
  const { code } = await exited(child);
  assert.equal(code, 1);
  const out = JSON.parse(stdout) as { run: { id: number; status: string; reason: string }; outcome: { exitCode: number | null; signal: string | null } };
  assert.equal(out.run.status, 'killed');
  assert.equal(out.run.reason, 'interrupted (Ctrl-C)');
  // The script ended on the stop message, not on the SIGTERM/SIGKILL that would follow it.
  assert.notEqual(out.outcome.signal, 'SIGKILL');
  assert.throws(() => process.kill(scriptPid, 0), 'the script exited');
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  assert.equal(store.points(out.run.id, 'train.loss').length, 40);
  store.close();
});

test('hyperlab run --: usage errors name the fix', () => {
  const dir = tempDir('hyperlab-client-');
  const empty = cli(['run', '--'], dir);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no command after --/);
  const stray = cli(['run', 'train.py', '--', PYTHON], dir);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected "train\.py" before --/);
  const wait = cli(['run', '--store-wait', 'soon', '--', PYTHON], dir);
  assert.equal(wait.code, 2);
  assert.match(wait.stderr, /--store-wait must be a positive number of seconds \(got "soon"\)/);
});

test('hyperlab run --: SIGKILL of the script keeps every point it flushed; the run is failed at once', async () => {
  const dir = tempDir('hyperlab-client-');
  const side = path.join(dir, 'side.json');
  const child = spawn(process.execPath, [MAIN, 'run', '--json', '--', PYTHON, TRACKED], { cwd: dir, env: terminalEnv({ STEPS: '40', MODE: 'wait', SIDE: side }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  await waitForFile(side);
  // The script may still be writing the file: read it once it parses.
  let script: { pid: number } | undefined;
  for (let i = 0; i < 200 && !script; i++) {
    try {
      script = JSON.parse(fs.readFileSync(side, 'utf8')) as { pid: number };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    process.kill(script!.pid, 'SIGKILL');
  } finally {
    // Whatever happens above, leave no supervised process behind: the suite would wait on it.
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 30_000).unref();
  }
  assert.equal((await exited(child)).code, 1);
  const out = JSON.parse(stdout) as { run: { id: number; status: string; reason: string } };
  assert.equal(out.run.status, 'failed');
  assert.match(out.run.reason, /^terminated by SIGKILL/);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  assert.equal(store.points(out.run.id, 'train.loss').length, 40);
  assert.equal(store.points(out.run.id, 'x').length, 40);
  store.close();
});

test('hyperlab run -- a plain command (no client): its output is the log; exit 0 finished, exit 3 failed', () => {
  const dir = tempDir('hyperlab-client-');
  const ok = cli(['run', '--json', '--', '/bin/sh', '-c', 'echo epoch 1; echo done >&2'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const okRun = (JSON.parse(ok.stdout) as { run: { id: number; status: string; experimentName: string; reason: string } }).run;
  assert.equal(okRun.status, 'finished');
  assert.equal(okRun.experimentName, 'sh');
  assert.match(okRun.reason, /without reporting to Hyperlab/);
  const bad = cli(['run', '--json', '--', '/bin/sh', '-c', 'echo oops >&2; exit 3'], dir);
  assert.equal(bad.code, 1);
  assert.match((JSON.parse(bad.stdout) as { run: { reason: string } }).run.reason, /exited with code 3; last stderr: oops/);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  assert.deepEqual(store.log(okRun.id).map((l) => `${l.stream}: ${l.text}`).sort(), ['stderr: done', 'stdout: epoch 1']);
  store.close();
});

function dbPathOf(store: { path: string }): string {
  return store.path;
}

test('hyperlab run --: a script that finished but whose end the store could not take (locked past --store-wait) is reported failed with where its end waits, exits 1, and the end is recorded at the next open', { timeout: 60_000 }, async () => {
  const dir = tempDir('hyperlab-client-');
  const db = path.join(dir, 'runs.db');
  const go = path.join(dir, 'go');
  const script = path.join(dir, 'waits.py');
  // Every point is flushed before the lock; only the end arrives while it is held.
  fs.writeFileSync(script, [
    'import os, time, hyperlab',
    'run = hyperlab.init(experiment="locked-end")',
    'for step in range(20):',
    '    run.log({"train.loss": 1.0 / (step + 1)}, step=step)',
    'run.flush()',
    `while not os.path.exists(${JSON.stringify(go)}):`,
    '    time.sleep(0.02)',
    'run.finish()',
  ].join('\n'));
  const child = spawn(process.execPath, [MAIN, 'run', '--store-wait', '0.5', '--json', '--db', db, '--', PYTHON, script], { cwd: dir, env: terminalEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let locker: ReturnType<typeof spawn> | undefined;
  try {
    await until(() => {
      if (!fs.existsSync(db)) return false;
      let store;
      try {
        store = openStore(db, { readonly: true });
        return store.points(1, 'train.loss').length === 20;
      } catch {
        return false; // created but not migrated yet by the CLI
      } finally {
        store?.close();
      }
    });
    locker = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(${JSON.stringify(db)});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => locker!.stdout!.on('data', (d: Buffer) => { if (String(d).includes('locked')) resolve(); }));
    fs.writeFileSync(go, '');
    const { code } = await exited(child);
    assert.equal(code, 1, `exit 0 would claim an end the store does not hold\n${stderr}`);
    const out = JSON.parse(stdout) as { outcome: { status: string; recorded: boolean; reason: string } };
    // Reported as failed, naming the finish the store does not hold yet and where it waits.
    assert.equal(out.outcome.status, 'failed');
    assert.equal(out.outcome.recorded, false);
    assert.match(out.outcome.reason, /^the run ended \(finished\) but the store could not record it: database is locked; it waits in .*runs\.db-end-1\.json/);
    locker.stdin!.write('go\n');
    await exited(locker);
    const store = openStore(db);
    try {
      assert.equal(store.getRun(1)!.status, 'finished');
      assert.equal(store.points(1, 'train.loss').length, 20);
    } finally {
      store.close();
    }
    assert.equal(fs.existsSync(`${db}-end-1.json`), false);
  } finally {
    if (locker && locker.exitCode === null) locker.kill('SIGKILL');
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
