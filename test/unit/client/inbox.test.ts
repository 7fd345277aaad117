// Scripts started from a plain terminal write into .hyperlab/inbox; `hyperlab sync` (and the
// read commands) ingest it: idempotent, tolerant of half-written lines, crashed writers,
// a crashed sync and two syncs at once. Real python3 processes, real CLI processes, real SQLite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { inboxBeside, syncInbox } from '../../../src/core/inbox/index.ts';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { pointCounts, tempDir } from '../runner/helpers.ts';
import { MAIN, SCRIPTS, cli, exited, python, startPython, terminalEnv, waitForFile } from './helpers.ts';

const TRACKED = path.join(SCRIPTS, 'tracked.py');
const MANY = path.join(SCRIPTS, 'many_points.py');

function workspace(): { dir: string; db: string; inbox: string } {
  const dir = tempDir('hyperlab-inbox-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  return { dir, db: path.join(dir, '.hyperlab', 'runs.db'), inbox: path.join(dir, '.hyperlab', 'inbox') };
}

function totalPoints(store: Store, runId: number): number {
  return Object.values(pointCounts(store, runId)).reduce((a, b) => a + b, 0);
}

function onlyFile(inbox: string): string {
  const files = fs.readdirSync(inbox);
  assert.equal(files.length, 1, `one inbox file, got ${files.join(', ')}`);
  return path.join(inbox, files[0]!);
}

test('a script run from a terminal (in a subfolder) lands in the workspace inbox; sync makes it a run, a second sync adds nothing', () => {
  const { dir, db, inbox } = workspace();
  const sub = path.join(dir, 'src', 'train');
  fs.mkdirSync(sub, { recursive: true });
  const side = path.join(dir, 'side.json');
  const ran = python(TRACKED, sub, { STEPS: '30', SIDE: side });
  assert.equal(ran.code, 0, ran.stderr);
  onlyFile(inbox); // found by walking up from src/train
  // Gone before the sync, as a Trainer's save_total_limit deletes an old checkpoint: the client
  // took its size and hash when it logged it.
  fs.rmSync(path.join(sub, 'artifact.txt'));

  const first = cli(['sync', '--json'], dir);
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { points: number; runsCreated: number; runsEnded: number };
  assert.deepEqual([report.points, report.runsCreated, report.runsEnded], [90, 1, 1]);
  const again = JSON.parse(cli(['sync', '--json'], dir).stdout) as { points: number; bytes: number; runsCreated: number };
  assert.deepEqual([again.points, again.bytes, again.runsCreated], [0, 0, 0]);

  const store = openStore(db, { readonly: true });
  try {
    const [run] = store.listRuns();
    assert.equal(store.listRuns().length, 1);
    assert.equal(run!.status, 'finished');
    assert.equal(run!.experimentName, 'client-test');
    assert.deepEqual(run!.params, { lr: 0.25, optimizer: { kind: 'sgd', momentum: 0 }, steps: 30 });
    assert.deepEqual(store.tags(run!.id), { quadratic: '', test: '' });
    const logged = (JSON.parse(fs.readFileSync(side, 'utf8')) as { losses: number[] }).losses;
    assert.deepEqual(store.points(run!.id, 'train.loss').map((p) => p.value), logged);
    assert.ok(Number.isNaN(store.points(run!.id, 'weird')[2]!.value));
    assert.equal(store.points(run!.id, 'weird')[3]!.value, Infinity);
    assert.deepEqual([store.artifacts(run!.id)[0]?.size, store.artifacts(run!.id)[0]?.sha256], [8, createHash('sha256').update('weights\n').digest('hex')]);
    assert.ok(run!.endedAt! >= run!.startedAt! && run!.startedAt! <= Date.now(), 'the run keeps the script\'s own start and end times');
  } finally {
    store.close();
  }
  // A read command syncs first: a second script's run shows up in `runs ls` without a sync.
  assert.equal(python(TRACKED, dir, { STEPS: '5', RUN_NAME: 'second' }).code, 0);
  const listed = cli(['runs', 'ls', '--json'], dir);
  assert.deepEqual((JSON.parse(listed.stdout) as { name: string }[]).map((r) => r.name), ['second', 'quadratic']);
  assert.match(cli(['runs', 'show', '1'], dir).stdout, /\n {2}tags: {5}quadratic, test\n/);
});

test('HYPERLAB_DIR names the .hyperlab folder the client writes to; an exception in a standalone script ends its run failed', () => {
  const { db, inbox } = workspace();
  const elsewhere = tempDir('hyperlab-elsewhere-');
  const ran = python(TRACKED, elsewhere, { STEPS: '20', MODE: 'raise', HYPERLAB_DIR: path.dirname(inbox) });
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /ValueError: bad batch at step 7/, 'the script\'s own traceback is still printed');
  const store = openStore(db);
  try {
    syncInbox(store, inbox);
    const [run] = store.listRuns();
    assert.equal(run!.status, 'failed');
    assert.match(run!.reason!, /ValueError: bad batch at step 7$/);
    assert.equal(store.points(run!.id, 'x').length, 8);
  } finally {
    store.close();
  }
});

test('SIGKILL of the script keeps every flushed point; after the silence the run is failed ("writer stopped reporting"), and revived if the file grows', async () => {
  const { dir, db, inbox } = workspace();
  const side = path.join(dir, 'side.json');
  const script = startPython(TRACKED, dir, { STEPS: '40', MODE: 'wait', SIDE: side });
  await waitForFile(side);
  script.kill('SIGKILL');
  assert.equal((await exited(script)).signal, 'SIGKILL');

  const store = openStore(db);
  try {
    let clock = Date.now();
    const report = syncInbox(store, inbox, { silenceMs: 60_000, now: () => clock });
    assert.equal(report.points, 120);
    const [run] = store.listRuns();
    assert.equal(run!.status, 'running', 'silent for less than the silence: still running');
    assert.equal(store.points(run!.id, 'train.loss').length, 40);

    clock += 61_000;
    assert.equal(syncInbox(store, inbox, { silenceMs: 60_000, now: () => clock }).stalled, 1);
    assert.equal(store.getRun(run!.id)!.status, 'failed');
    assert.equal(store.getRun(run!.id)!.reason, 'writer stopped reporting');
    assert.equal(syncInbox(store, inbox, { silenceMs: 60_000, now: () => clock }).stalled, 0, 'failed once');

    // The writer resumes (a stopped process continued, a network file caught up).
    fs.appendFileSync(onlyFile(inbox), JSON.stringify({ type: 'metrics', step: 40, time: Date.now() / 1000, values: { 'train.loss': 0.001 } }) + '\n');
    fs.utimesSync(onlyFile(inbox), clock / 1000, clock / 1000); // written "now" on the test's clock
    const resumed = syncInbox(store, inbox, { silenceMs: 60_000, now: () => clock });
    assert.equal(resumed.revived, 1);
    assert.equal(store.getRun(run!.id)!.status, 'running');
    assert.equal(store.getRun(run!.id)!.reason, null);
    assert.equal(store.points(run!.id, 'train.loss').length, 41);
  } finally {
    store.close();
  }
});

test('a half-written last line waits for its newline; nothing is ingested twice', () => {
  const { db, inbox } = workspace();
  fs.mkdirSync(inbox);
  const file = path.join(inbox, '20260101T000000-host-1-abcdef01.jsonl');
  const line = (step: number) => JSON.stringify({ type: 'metrics', step, time: 1_700_000_000 + step, values: { loss: 1 / (step + 1) } }) + '\n';
  const hello = JSON.stringify({ type: 'hello', protocol: 1, producer: 'test', run: { experiment: 'half' } }) + '\n';
  const whole = hello + line(0) + line(1) + line(2);
  fs.writeFileSync(file, whole.slice(0, -10)); // the writer is in the middle of step 2
  const store = openStore(db);
  try {
    assert.equal(syncInbox(store, inbox).points, 2);
    assert.equal(syncInbox(store, inbox).points, 0);
    fs.writeFileSync(file, whole);
    assert.equal(syncInbox(store, inbox).points, 1);
    const [run] = store.listRuns();
    assert.deepEqual(store.points(run!.id, 'loss').map((p) => [p.step, p.time]), [[0, 1_700_000_000_000], [1, 1_700_000_001_000], [2, 1_700_000_002_000]]);
    assert.equal(store.inbox.get(path.basename(file))!.offset, Buffer.byteLength(whole));
  } finally {
    store.close();
  }
});

test('a sync killed mid-file: the next one ingests the rest, every point exactly once', async () => {
  const { dir, db, inbox } = workspace();
  const steps = 30_000;
  assert.equal(python(MANY, dir, { STEPS: String(steps) }).code, 0);
  const size = fs.statSync(onlyFile(inbox)).size;
  // Small transactions (64 KiB of the ~2.5 MB file each) so the kill lands between two of them.
  const env = { ...terminalEnv(), HYPERLAB_SYNC_CHUNK_BYTES: String(64 * 1024) };
  const syncing = spawn(process.execPath, [MAIN, 'sync'], { cwd: dir, env, stdio: 'ignore' });
  let offset = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!fs.existsSync(db)) continue;
    try {
      const reader = openStore(db, { readonly: true });
      offset = reader.inbox.all()[0]?.offset ?? 0;
      reader.close();
    } catch {
      continue; // not migrated yet
    }
    if (offset > 0 || syncing.exitCode !== null) break;
  }
  syncing.kill('SIGKILL');
  await exited(syncing);
  assert.ok(offset > 0 && offset < size, `killed mid-file (offset ${offset} of ${size})`);

  const store = openStore(db);
  try {
    const [run] = store.listRuns();
    const before = totalPoints(store, run!.id);
    assert.ok(before > 0 && before < steps * 4, `partly ingested: ${before}`);
    const offsetAtKill = store.inbox.all()[0]!.offset;
    const rest = syncInbox(store, inbox);
    assert.equal(rest.bytes, size - offsetAtKill, 'resumes at the recorded offset');
    assert.equal(rest.runsCreated, 0);
    assert.equal(store.listRuns().length, 1);
    assert.deepEqual(pointCounts(store, run!.id), { a: steps, b: steps, c: steps, d: steps });
    assert.equal(store.getRun(run!.id)!.status, 'finished');
    assert.equal(store.log(run!.id).length, 1, 'one "ingested from" line: the hello was applied once');
  } finally {
    store.close();
  }
});

test('two syncs of the same file at once (two hosts): one run, every point and log line once', async () => {
  const { dir, db } = workspace();
  const steps = 20_000;
  assert.equal(python(MANY, dir, { STEPS: String(steps) }).code, 0);
  openStore(db).close(); // migrated before the race, so both start reading at once
  const env = { ...terminalEnv(), HYPERLAB_SYNC_CHUNK_BYTES: String(32 * 1024) };
  const runs = [0, 1].map(() => spawn(process.execPath, [MAIN, 'sync', '--json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] }));
  const outputs = runs.map((child) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    return exited(child).then(() => JSON.parse(text) as { points: number; runsCreated: number });
  });
  const reports = await Promise.all(outputs);
  assert.equal(reports[0]!.points + reports[1]!.points, steps * 4, 'the two syncs split the points between them');
  assert.equal(reports[0]!.runsCreated + reports[1]!.runsCreated, 1);
  const store = openStore(db, { readonly: true });
  try {
    assert.equal(store.listRuns().length, 1);
    const [run] = store.listRuns();
    assert.deepEqual(pointCounts(store, run!.id), { a: steps, b: steps, c: steps, d: steps });
    assert.equal(store.log(run!.id).length, 1);
  } finally {
    store.close();
  }
});

test('inboxBeside: the inbox is the folder beside the store', () => {
  assert.equal(inboxBeside('/w/.hyperlab/runs.db'), '/w/.hyperlab/inbox');
});

test('the offset is compare-and-set: a host that read a stale offset writes nothing and is told so', () => {
  const { db } = workspace();
  const hostA = openStore(db);
  const hostB = openStore(db);
  try {
    const run = hostA.createRun({ experiment: 'cas' });
    const next = { offset: 100, helloSeen: true, lastDataAt: 1, stalled: false };
    let appliedByB = 0;
    assert.equal(hostB.inbox.advance('f.jsonl', 0, next, () => { appliedByB++; hostB.appendMetrics(run.id, [{ key: 'k', step: 0, time: 1, value: 1 }]); return run.id; }), true);
    // Host A read offset 0 before B committed: its write of the same bytes is refused whole.
    let appliedByA = 0;
    assert.equal(hostA.inbox.advance('f.jsonl', 0, next, () => { appliedByA++; hostA.appendMetrics(run.id, [{ key: 'other', step: 0, time: 1, value: 2 }]); return run.id; }), false);
    assert.deepEqual([appliedByA, appliedByB], [0, 1]);
    assert.deepEqual(hostA.metricKeys(run.id), ['k']);
    assert.deepEqual(hostA.inbox.get('f.jsonl'), { name: 'f.jsonl', runId: run.id, offset: 100, helloSeen: true, lastDataAt: 1, stalled: false });
    // A failure inside apply rolls the offset back with the points.
    assert.throws(() => hostA.inbox.advance('f.jsonl', 100, { ...next, offset: 200 }, () => { hostA.appendMetrics(run.id, [{ key: 'new', step: 1, time: 1, value: 3 }]); throw new Error('disk full'); }), /disk full/);
    assert.equal(hostA.inbox.get('f.jsonl')!.offset, 100);
    assert.deepEqual(hostA.metricKeys(run.id), ['k']);
    hostA.appendMetrics(run.id, [{ key: 'new', step: 1, time: 1, value: 3 }]);
    assert.deepEqual(hostA.points(run.id, 'new').map((p) => p.value), [3]);
    assert.deepEqual(hostA.metricKeys(run.id), ['k', 'new'], 'the rolled-back key is created again, not reused');
  } finally {
    hostA.close();
    hostB.close();
  }
});

test('bad lines are skipped and reported with their file; the lines after them are ingested; a file without a hello makes no run', () => {
  const { dir, db, inbox } = workspace();
  fs.mkdirSync(inbox);
  const hello = JSON.stringify({ type: 'hello', protocol: 1, producer: 'test', run: { experiment: 'bad-lines' } });
  const metric = (step: number) => JSON.stringify({ type: 'metrics', step, time: 1_700_000_000, values: { loss: step } });
  fs.writeFileSync(path.join(inbox, 'a.jsonl'), [hello, metric(0), '{not json', JSON.stringify({ type: 'metrics', step: -1, time: 1, values: {} }), metric(1), ''].join('\n'));
  fs.writeFileSync(path.join(inbox, 'b.jsonl'), [metric(0), ''].join('\n'));
  const result = cli(['sync', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { points: number; runsCreated: number; problems: string[] };
  assert.equal(report.points, 2);
  assert.equal(report.runsCreated, 1);
  assert.equal(report.problems.length, 3);
  assert.match(report.problems[0]!, /^a\.jsonl: not JSON/);
  assert.match(report.problems[1]!, /^a\.jsonl: metrics\.step: expected a non-negative integer, got number -1/);
  assert.match(report.problems[2]!, /^b\.jsonl: "metrics" before "hello"/);
  assert.match(result.stderr, /hyperlab sync: skipped a\.jsonl: not JSON/);
  const store = openStore(db, { readonly: true });
  try {
    const [run] = store.listRuns();
    assert.deepEqual(store.points(run!.id, 'loss').map((p) => p.value), [0, 1]);
    assert.match(store.log(run!.id).map((l) => l.text).join('\n'), /invalid inbox line: a\.jsonl: not JSON/);
  } finally {
    store.close();
  }
});
