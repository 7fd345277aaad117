// Fault injection with real processes: the `hyperlab run` CLI (node src/cli/main.ts) and a
// producer (test/fixtures/fault-producer.mjs) against a store on a full filesystem, a store whose
// write lock another process holds, a CLI killed with SIGKILL, a read-only folder, a store path
// that cannot exist, and a producer that never says hello.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { defaultSpec } from '../../../src/core/spec/index.ts';
import { silentLogger } from '../../../src/core/log.ts';
import { startRun } from '../../../src/core/runner/index.ts';
import { defaultLoaders, openDriver } from '../../../src/core/store/open-driver.ts';
import { migrate } from '../../../src/core/store/schema.ts';
import { SqliteStore } from '../../../src/core/store/sqlite-store.ts';
import { openStore } from '../../../src/core/store/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const PRODUCER = path.join(ROOT, 'test', 'fixtures', 'fault-producer.mjs');

const engine = (mode: string) => JSON.stringify([process.execPath, PRODUCER, mode]);
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-faults-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function writeSpec(dir: string): string {
  const file = path.join(dir, 'demo.hyperlab.json');
  fs.writeFileSync(file, JSON.stringify({ ...defaultSpec(), name: 'demo' }));
  return file;
}

interface Finished { code: number | null; stdout: string; stderr: string }

function cliAsync(args: string[], cwd: string, env: { [key: string]: string }): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d; });
  child.stderr!.on('data', (d: Buffer) => { stderr += d; });
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

function cli(args: string[], cwd: string, env: { [key: string]: string } = {}): Finished {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function query<T>(file: string, sql: string, ...params: number[]): T {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

async function until<T>(probe: () => T | undefined, what: string, limitMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch {
      // not there yet (no file, no table, no row)
    }
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

/** Mounts a tmpfs of `size` (root only). Returns its path, or undefined where mounting is refused. */
function mountTmpfs(size: string): string | undefined {
  const dir = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status === 0) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return undefined;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

const storedPoints = (file: string, runId: number) => query<{ n: number }>(file, 'SELECT count(*) AS n FROM metrics WHERE run_id = ?', runId).n;

test('full disk: a run on a 3 MB filesystem stops, ends failed "disk full: N points not stored", keeps every acknowledged point, exit 1', { timeout: 180_000 }, async (t: TestContext) => {
  const work = tempDir();
  const spec = writeSpec(work);
  const side = path.join(work, 'side.json');
  const mount = mountTmpfs('3m');
  if (mount === undefined) {
    // No mount allowed here: the same run in-process, the store capped by SQLite's own size
    // limit (PRAGMA max_page_count) instead of a full filesystem.
    t.diagnostic('mount refused: ran against PRAGMA max_page_count instead of a full tmpfs');
    const file = path.join(work, 'runs.db');
    const raw = openDriver(file, 'auto', false, defaultLoaders, silentLogger);
    raw.exec('PRAGMA journal_mode = WAL');
    migrate(raw, file);
    raw.exec('PRAGMA max_page_count = 400');
    const store = new SqliteStore(raw, file, false, silentLogger);
    const runId = store.createRun({ experiment: 'demo' }).id;
    const outcome = await startRun({ store, runId, command: { argv: [process.execPath, PRODUCER, 'points'], cwd: work, env: { ...process.env, HL_COUNT: '300000', HL_SIDE_FILE: side } } }).done;
    store.close();
    const sent = (JSON.parse(fs.readFileSync(side, 'utf8')) as { sent: number }).sent;
    assert.equal(outcome.status, 'failed');
    const notStored = Number(/^disk full: (\d+) points not stored/.exec(outcome.reason ?? '')?.[1]);
    assert.equal(storedPoints(file, runId), outcome.points);
    assert.equal(outcome.points + notStored, sent);
    return;
  }
  t.diagnostic('ran on a 3 MB tmpfs');
  try {
    const db = path.join(mount, 'runs.db');
    const { done } = cliAsync(['run', spec, '--json', '--db', db], work, { HYPERLAB_ENGINE_COMMAND: engine('points'), HL_COUNT: '300000', HL_SIDE_FILE: side });
    const result = await done;
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /cannot rollback/);
    assert.equal(result.stderr.match(/database or disk is full/g)?.length, 1, `the real error, once:\n${result.stderr}`);
    const out = JSON.parse(result.stdout) as { run: { id: number; status: string; reason: string }; outcome: { status: string; points: number; recorded: boolean } };
    assert.equal(out.run.status, 'failed');
    assert.equal(out.outcome.recorded, true);
    const notStored = Number(/^disk full: (\d+) points not stored/.exec(out.run.reason)?.[1]);
    assert.ok(notStored > 0, out.run.reason);
    const sent = (JSON.parse(fs.readFileSync(side, 'utf8')) as { sent: number }).sent;
    // Read a copy on a roomy disk: the store file itself is left as the run left it.
    const copy = path.join(work, 'copy');
    fs.mkdirSync(copy);
    for (const name of fs.readdirSync(mount).filter((n) => n.startsWith('runs.db'))) fs.copyFileSync(path.join(mount, name), path.join(copy, name));
    const stored = storedPoints(path.join(copy, 'runs.db'), out.run.id);
    assert.equal(stored, out.outcome.points, 'every point the run reports as stored is in the file');
    assert.equal(stored + notStored, sent, 'every point sent is either stored or counted as not stored');
    assert.equal(query<{ status: string }>(path.join(copy, 'runs.db'), 'SELECT status FROM runs WHERE id = ?', out.run.id).status, 'failed');
  } finally {
    unmount(mount);
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('held write lock: another process holding BEGIN IMMEDIATE for 10 s loses no point and no params, and the end status is written after it lets go', { timeout: 120_000 }, async () => {
  const work = tempDir();
  const spec = writeSpec(work);
  const db = path.join(work, 'runs.db');
  const go = path.join(work, 'go');
  try {
    const run = cliAsync(['run', spec, '--json', '--db', db], work, { HYPERLAB_ENGINE_COMMAND: engine('points'), HL_COUNT: '2000', HL_GO_FILE: go, HL_PARAMS: '{"fault.lock":"held"}' });
    await until(() => query<{ status: string } | undefined>(db, "SELECT status FROM runs WHERE id = 1 AND status = 'running'"), 'the run to start');
    const locker = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(${JSON.stringify(db)});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 10000);`]);
    await new Promise<void>((resolve) => locker.stdout.on('data', (d: Buffer) => { if (String(d).includes('locked')) resolve(); }));
    fs.writeFileSync(go, '');
    // Reading needs no write lock: `runs ls` answers while the lock is held.
    const listed = cli(['runs', 'ls', '--json', '--db', db], work);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { id: number; status: string }[]).map((r) => [r.id, r.status]), [[1, 'running']]);
    const [result, lockerCode] = await Promise.all([run.done, new Promise((resolve) => locker.on('close', resolve))]);
    assert.equal(lockerCode, 0);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { run: { status: string; params: { [key: string]: unknown } }; outcome: { points: number; recorded: boolean } };
    assert.equal(out.run.status, 'finished');
    assert.equal(out.run.params['fault.lock'], 'held', 'the params sent while the lock was held were written after it');
    assert.equal(out.outcome.recorded, true);
    assert.equal(out.outcome.points, 4000);
    assert.equal(storedPoints(db, 1), 4000);
    assert.equal(query<{ status: string }>(db, 'SELECT status FROM runs WHERE id = 1').status, 'finished');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('kill -9 of the CLI: the next `runs ls` shows the run failed with the owner that is gone', { timeout: 60_000 }, async () => {
  const work = tempDir();
  const spec = writeSpec(work);
  const db = path.join(work, 'runs.db');
  const side = path.join(work, 'side.json');
  let producerPid: number | undefined;
  try {
    const { child, done } = cliAsync(['run', spec, '--db', db], work, { HYPERLAB_ENGINE_COMMAND: engine('idle'), HL_COUNT: '10', HL_SIDE_FILE: side });
    producerPid = (await until(() => JSON.parse(fs.readFileSync(side, 'utf8')) as { pid: number }, 'the producer')).pid;
    child.kill('SIGKILL');
    await done;
    const listed = cli(['runs', 'ls', '--json', '--db', db], work);
    assert.equal(listed.code, 0, listed.stderr);
    const runs = JSON.parse(listed.stdout) as { id: number; status: string; reason: string }[];
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.reason]), [[1, 'failed', `the process that ran it (pid ${child.pid} on ${os.hostname()}) is gone`]]);
  } finally {
    if (producerPid !== undefined) try { process.kill(producerPid, 'SIGKILL'); } catch { /* gone */ }
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('a read-only folder: `runs ls` and `runs show` read the store, and say once that it is read-only', { timeout: 60_000 }, (t: TestContext) => {
  const work = tempDir();
  const store = openStore(path.join(work, 'runs.db'));
  const id = store.createRun({ experiment: 'ro' }).id;
  store.endRun(id, 'finished', null);
  store.close();
  // Root ignores file modes, so a read-only mount is the only honest read-only folder for root.
  const mount = mountTmpfs('8m');
  let dir = work;
  if (mount !== undefined) {
    for (const name of fs.readdirSync(work)) fs.copyFileSync(path.join(work, name), path.join(mount, name));
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mount]).status, 0);
    dir = mount;
    t.diagnostic('ran on a read-only tmpfs');
  } else {
    fs.chmodSync(path.join(work, 'runs.db'), 0o444);
    fs.chmodSync(work, 0o555);
    t.diagnostic('ran on a chmod 555 folder');
  }
  try {
    const listed = cli(['runs', 'ls', '--json', '--db', path.join(dir, 'runs.db')], work);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { id: number; status: string }[]).map((r) => [r.id, r.status]), [[id, 'finished']]);
    assert.equal(listed.stderr.match(/read-only/g)?.length, 1, listed.stderr);
    assert.match(listed.stderr, new RegExp(path.join(dir, 'runs.db').replace(/[/.]/g, '\\$&')));
    const shown = cli(['runs', 'show', String(id), '--db', path.join(dir, 'runs.db')], work);
    assert.equal(shown.code, 0, shown.stderr);
  } finally {
    if (mount !== undefined) unmount(mount);
    else fs.chmodSync(work, 0o755);
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('run --db in a folder that cannot be created fails at once, naming the path', { timeout: 60_000 }, () => {
  const work = tempDir();
  try {
    const result = cli(['run', writeSpec(work), '--db', '/proc/hyperlab-x/s.db'], work, { HYPERLAB_ENGINE_COMMAND: engine('points') });
    assert.notEqual(result.code, null, 'it must not hang');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /\/proc\/hyperlab-x/);
    assert.match(result.stderr, /hint: /);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('a producer that never says hello fails after --start-timeout; --timeout bounds the whole run; both are in the help', { timeout: 60_000 }, () => {
  const work = tempDir();
  try {
    const spec = writeSpec(work);
    const silent = cli(['run', spec, '--start-timeout', '1', '--db', 'runs.db'], work, { HYPERLAB_ENGINE_COMMAND: engine('silent') });
    assert.equal(silent.code, 1, silent.stderr);
    assert.match(silent.stdout, /^Run 1 \(demo\) failed: the producer did not say hello within 1 s/);
    const idle = cli(['run', spec, '--timeout', '1.5', '--db', 'runs.db'], work, { HYPERLAB_ENGINE_COMMAND: engine('idle'), HL_COUNT: '3' });
    assert.equal(idle.code, 1, idle.stderr);
    assert.match(idle.stdout, /^Run 2 \(demo\) failed: timed out after 1\.5 s/);
    const bad = cli(['run', spec, '--timeout', 'soon'], work);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout/);
    const help = cli(['help', 'run'], work);
    assert.match(help.stdout, /--timeout SECONDS/);
    assert.match(help.stdout, /--start-timeout SECONDS/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('an end status the store cannot take (locked past every retry) is not reported as written: it waits beside the store and the next open applies it', { timeout: 120_000 }, async () => {
  const work = tempDir();
  const file = path.join(work, 'runs.db');
  const go = path.join(work, 'go');
  const store = openStore(file);
  const runId = store.createRun({ experiment: 'locked-out' }).id;
  let locker: ReturnType<typeof spawn> | undefined;
  try {
    const handle = startRun({
      store, runId, limits: { storeBusyGiveUpMs: 0 },
      command: { argv: [process.execPath, PRODUCER, 'points'], cwd: work, env: { ...process.env, HL_COUNT: '50', HL_GO_FILE: go } },
    });
    await until(() => (store.getRun(runId)?.status === 'running' ? true : undefined), 'the run to start');
    locker = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => locker!.stdout!.on('data', (d: Buffer) => { if (String(d).includes('locked')) resolve(); }));
    fs.writeFileSync(go, '');
    const outcome = await handle.done;
    assert.equal(outcome.recorded, false);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.reason!, /^the run ended \(failed: \d+ points not stored: the store failed: the store stayed locked by another process for \d+ s \(database is locked\)\) but the store could not record it: database is locked; it waits in .*runs\.db-end-1\.json and is recorded the next time the store is opened$/);
    assert.equal(store.getRun(runId)?.status, 'running', 'the store does not hold the end yet');
    locker.stdin!.write('go\n');
    await new Promise((resolve) => locker!.on('exit', resolve));
    store.close();
    const reopened = openStore(file);
    const run = reopened.getRun(runId)!;
    reopened.close();
    assert.equal(run.status, 'failed');
    assert.match(run.reason!, /^\d+ points not stored: the store failed: the store stayed locked by another process/);
    assert.equal(fs.existsSync(`${file}-end-1.json`), false);
  } finally {
    // A failed assertion must not leave the lock holder running (the suite would wait on it).
    if (locker && locker.exitCode === null) locker.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  }
});
