// The `hyperlab` CLI (a real process) against hostile specs, --set paths and store rows, and
// sorting by params and summary values. Each case failed before the hardening: sorts came back
// in id order, one deep summary failed `runs ls --sort` for the whole store (and a 5,000-deep
// one failed every `runs ls --json`), a deep `search` exited 1, `__proto__` paths and
// `layers.-1` were accepted, and the run printed the points sent rather than those stored.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Params } from '../../../src/core/protocol/messages.ts';
import { defaultSpec } from '../../../src/core/spec/index.ts';
import { DatabaseSync } from 'node:sqlite';
import { FIXTURES, PRODUCER, tempStore } from '../runner/helpers.ts';

const MAIN = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(args: string[], cwd: string, env: { [key: string]: string } = {}) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const engine = { HYPERLAB_ENGINE_COMMAND: JSON.stringify([process.execPath, PRODUCER, 'normal']) };

function writeSpec(dir: string, spec: unknown, name = 'demo'): string {
  const file = path.join(dir, `${name}.hyperlab.json`);
  fs.writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return file;
}

function ids(stdout: string): number[] {
  return (JSON.parse(stdout) as { id: number }[]).map((run) => run.id);
}

test('runs ls --sort params.<dotted key> sorts by the value of the flat key, numbers as numbers; -KEY is descending', () => {
  const { dir, store, dbPath } = tempStore();
  for (const epochs of [10, 2, 3]) store.createRun({ experiment: 'e', params: { 'train.epochs': epochs, 'optimizer.kind': epochs === 2 ? 'sgd' : 'adam' } });
  store.close();
  const ascending = cli(['runs', 'ls', '--db', dbPath, '--sort', 'params.train.epochs', '--json'], dir);
  assert.equal(ascending.code, 0, ascending.stderr);
  assert.deepEqual(ids(ascending.stdout), [2, 3, 1]);
  const descending = cli(['runs', 'ls', '--db', dbPath, '--sort', '-params.train.epochs', '--json'], dir);
  assert.equal(descending.code, 0, descending.stderr);
  assert.deepEqual(ids(descending.stdout), [1, 3, 2]);
  const text = cli(['runs', 'ls', '--db', dbPath, '--sort', 'params.optimizer.kind', '--json'], dir);
  assert.deepEqual(ids(text.stdout), [1, 3, 2]);
});

test('runs ls --sort summary.test.acc finds nested keys and flat dotted keys alike', () => {
  const { dir, store, dbPath } = tempStore();
  const summaries: Params[] = [{ test: { acc: 0.7 } }, { 'test.acc': 0.6 }, { test: { acc: 0.5 } }, { other: 1 }];
  for (const summary of summaries) {
    const run = store.createRun({ experiment: 'e', params: {} });
    store.endRun(run.id, 'finished', null, summary);
  }
  store.close();
  const result = cli(['runs', 'ls', '--db', dbPath, '--sort', 'summary.test.acc', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(ids(result.stdout), [3, 2, 1, 4]); // a run without the key sorts last
  const reversed = cli(['runs', 'ls', '--db', dbPath, '--sort', '-summary.test.acc', '--json'], dir);
  assert.equal(reversed.code, 0, reversed.stderr);
  assert.deepEqual(ids(reversed.stdout), [1, 2, 3, 4]);
});

test('one run with a summary nested 1,001 deep does not fail runs ls --sort for the store: it reads as unreadable, the rest sort', () => {
  const { dir, store, dbPath } = tempStore();
  for (const [i, summary] of [{ x: 2 }, JSON.parse('{"x":'.repeat(1001) + '1' + '}'.repeat(1001)), { x: 1 }].entries()) {
    const run = store.createRun({ experiment: 'e', name: `r${i}`, params: {} });
    store.endRun(run.id, 'finished', null, summary);
  }
  store.close();
  const result = cli(['runs', 'ls', '--db', dbPath, '--sort', 'summary.x', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const runs = JSON.parse(result.stdout) as { id: number; summary: { [key: string]: unknown } }[];
  assert.deepEqual(runs.map((run) => run.id), [3, 1, 2]);
  assert.deepEqual(runs[2]!.summary, { '(unreadable)': 'the stored value is nested more than 64 levels deep (the limit is 64)' });
  const table = cli(['runs', 'ls', '--db', dbPath, '--sort', 'summary.x'], dir);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /\(unreadable\)=the stored value is nested/);
});

test('a row nested 5,000 deep, or not JSON, written behind the store\'s back, does not fail runs ls or runs show', () => {
  const { dir, store, dbPath } = tempStore();
  for (let i = 0; i < 3; i++) store.createRun({ experiment: 'e', params: { i } });
  store.close();
  // Straight into the SQLite file, as an older version or a hand edit would.
  const db = new DatabaseSync(dbPath);
  db.prepare('UPDATE runs SET summary = ? WHERE id = 2').run('{"x":'.repeat(5000) + '1' + '}'.repeat(5000));
  db.prepare('UPDATE runs SET params = ? WHERE id = 3').run('{not json');
  db.close();
  const listed = cli(['runs', 'ls', '--db', dbPath, '--json'], dir);
  assert.equal(listed.code, 0, listed.stderr);
  const runs = JSON.parse(listed.stdout) as { id: number; params: object; summary: object | null }[];
  assert.deepEqual(runs.map((run) => run.id), [3, 2, 1]);
  assert.match(JSON.stringify(runs[0]!.params), /"\(unreadable\)":"not JSON/);
  assert.deepEqual(runs[2]!.params, { i: 0 });
  const shown = cli(['runs', 'show', '2', '--db', dbPath], dir);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /nested more than 64 levels deep/);
});

test('a spec whose search is nested past the depth limit exits 2 naming the limit, not 1', () => {
  const { dir, store } = tempStore();
  store.close();
  const search = '{"nested":'.repeat(5000) + '{"lr":[0.1]}' + '}'.repeat(5000);
  const spec = writeSpec(dir, JSON.stringify(defaultSpec()).replace(/}$/, `,"search":${search}}`));
  const result = cli(['run', spec], dir, engine);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /invalid spec: the spec is nested more than 64 levels deep \(the limit is 64\)/);
  const big = writeSpec(dir, JSON.stringify({ ...defaultSpec(), description: 'x'.repeat(1024 * 1024) }), 'big');
  const tooBig = cli(['run', big], dir, engine);
  assert.equal(tooBig.code, 2, tooBig.stderr);
  assert.match(tooBig.stderr, /invalid spec: the spec is 1,04\d,\d{3} bytes \(the limit is 1,048,576\)/);
});

test('--set with __proto__, constructor or prototype segments exits 2 and starts no run', () => {
  const { dir, store, dbPath } = tempStore();
  store.close();
  const spec = writeSpec(dir, defaultSpec());
  for (const assignment of ['__proto__.timeoutMs=50', '__proto__.epochz=3', 'train.constructor.prototype.x=1', 'train.__proto__=1']) {
    const result = cli(['run', spec, '--db', dbPath, '--set', assignment], dir, engine);
    assert.equal(result.code, 2, `${assignment}: ${result.stderr}`);
    assert.match(result.stderr, /is not a spec field and cannot be set/, assignment);
  }
  assert.equal(cli(['runs', 'ls', '--db', dbPath, '--json'], dir).stdout, '[]\n');
});

test('spec keys named __proto__ or constructor are refused (exit 2); layers.-1 and other bad indices are errors', () => {
  const { dir, store } = tempStore();
  store.close();
  const proto = writeSpec(dir, `{"__proto__": {"timeoutMs": 50}, "train": {"epochs": 1}}`, 'proto');
  const result = cli(['run', proto], dir, engine);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /invalid spec: __proto__: the key "__proto__" is not allowed/);
  const ctor = writeSpec(dir, { ...defaultSpec(), train: { ...defaultSpec().train, constructor: 1 } }, 'ctor');
  assert.equal(cli(['run', ctor], dir, engine).code, 2);

  const spec = writeSpec(dir, defaultSpec());
  const negative = cli(['run', spec, '--set', 'model.layers.-1.units=5'], dir, engine);
  assert.equal(negative.code, 2, negative.stderr);
  assert.match(negative.stderr, /override model\.layers\.-1\.units: model\.layers is an array of \d+ items, and "-1" is not one of its indices/);
  assert.equal(cli(['run', spec, '--set', 'model.layers.99.units=5'], dir, engine).code, 2);
});

test('the CLI prints the points the store holds: 4 for 8 sent on 4 steps', () => {
  const { dir, store } = tempStore();
  store.close();
  const spec = writeSpec(dir, defaultSpec());
  const linesFile = path.join(dir, 'lines.ndjson');
  const lines = [{ type: 'hello', protocol: 1, producer: 'dup' },
    ...[0, 1, 2, 3, 0, 1, 2, 3].map((step, i) => ({ type: 'metrics', step, time: 1, values: { loss: i } })),
    { type: 'done', summary: {} }];
  fs.writeFileSync(linesFile, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const result = cli(['run', spec], dir, { HYPERLAB_ENGINE_COMMAND: JSON.stringify([process.execPath, path.join(FIXTURES, 'producer-lines.mjs')]), HL_LINES_FILE: linesFile });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\n {2}4 metric points; details/);
});

test('hyperlab run --timeout on a producer spec on SLURM: the fix it prints is one that works (a producer spec\'s overrides cannot set execution.time)', () => {
  const { dir } = tempStore();
  const spec = writeSpec(dir, { producer: { command: 'python3', args: ['train.py'] }, train: { lr: 0.1 }, execution: { backend: 'slurm', time: '5' } });
  const refused = cli(['run', spec, '--timeout', '60'], dir);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--timeout does not apply to a SLURM run/);
  const advised = /--set execution\.time=\d+/.exec(refused.stderr);
  if (advised) {
    const followed = cli(['run', spec, advised[0].split(' ')[0]!, advised[0].split(' ')[1]!], dir);
    assert.doesNotMatch(followed.stderr, /Hyperlab's own field/, `the advice "${advised[0]}" is refused: ${followed.stderr}`);
  }
  assert.match(refused.stderr, /Set execution\.time in the spec file/);
});
