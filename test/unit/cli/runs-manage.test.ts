// `hyperlab runs rm | tag | rename` as the real CLI process on a real store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { runDirectory } from '../../../src/core/runner/index.ts';
import { tempStore } from '../runner/helpers.ts';

const MAIN = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('runs tag / rename: stored, shown by runs ls (TAGS column, --tag filter, --json), bad tags named', () => {
  const { dir, store, dbPath } = tempStore();
  const a = store.createRun({ experiment: 'mlp' });
  const b = store.createRun({ experiment: 'mlp' });
  store.endRun(a.id, 'finished', null, {});
  store.endRun(b.id, 'finished', null, {});
  store.close();
  const db = ['--db', dbPath];
  assert.equal(cli(['runs', 'tag', String(a.id), 'baseline', 'best-lr', ...db], dir).stdout, `Run ${a.id} tags: baseline, best-lr\n`);
  assert.equal(cli(['runs', 'tag', String(a.id), 'best-lr', '--remove', ...db], dir).stdout, `Run ${a.id} tags: baseline\n`);
  assert.equal(cli(['runs', 'rename', String(b.id), 'lr 0.01 adam', ...db], dir).stdout, `Run ${b.id} is now "lr 0.01 adam"\n`);
  const bad = cli(['runs', 'tag', String(a.id), 'two words', ...db], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /tag "two words": a tag is 1 to 64 characters without spaces or commas\n {2}hint: /);
  assert.equal(cli(['runs', 'rename', '99', 'x', ...db], dir).code, 3);

  const table = cli(['runs', 'ls', ...db], dir).stdout.split('\n');
  assert.match(table[0]!, / TAGS /);
  assert.match(table.find((l) => l.trimStart().startsWith(`${a.id} `))!, /run-1 +finished +baseline /);
  assert.match(table.find((l) => l.trimStart().startsWith(`${b.id} `))!, /lr 0\.01 adam +finished /);
  const tagged = JSON.parse(cli(['runs', 'ls', '--tag', 'baseline', '--json', ...db], dir).stdout) as { id: number; tags: string[] }[];
  assert.deepEqual(tagged.map((r) => [r.id, r.tags]), [[a.id, ['baseline']]]);
});

test('runs rm: lists and keeps without --yes; deletes IDs or a --status with their folders; refuses a run still going', () => {
  const { dir, store, dbPath } = tempStore();
  const runs = [0, 1, 2, 3].map(() => store.createRun({ experiment: 'e' }));
  store.endRun(runs[0]!.id, 'failed', 'boom');
  store.endRun(runs[1]!.id, 'killed', 'stopped');
  store.endRun(runs[2]!.id, 'finished', null);
  store.markRunning(runs[3]!.id, 1);
  store.tagRun(runs[0]!.id, ['x']);
  fs.mkdirSync(runDirectory(dbPath, runs[0]!.id), { recursive: true });
  fs.writeFileSync(path.join(runDirectory(dbPath, runs[0]!.id), 'last.safetensors'), 'x');
  store.close();
  const db = ['--db', dbPath];

  const dry = cli(['runs', 'rm', '--status', 'failed,killed', ...db], dir);
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, /Would delete 2 runs .*\n {2}1 +e +run-1 +failed\n {2}2 +e +run-2 +killed\nRun again with --yes/s);
  const going = cli(['runs', 'rm', String(runs[3]!.id), '--yes', ...db], dir);
  assert.equal(going.code, 1);
  assert.match(going.stderr, /run 4 is still going.*\n {2}hint: Stop them first/);

  const done = cli(['runs', 'rm', '--status', 'failed,killed', String(runs[2]!.id), '--yes', ...db], dir);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /^Deleted 3 runs:/);
  const after = openStore(dbPath, { readonly: true });
  assert.deepEqual(after.listRuns().map((r) => r.id), [runs[3]!.id]);
  assert.equal(after.annotations().size, 0, 'their tags went with them');
  after.close();
  assert.equal(fs.existsSync(runDirectory(dbPath, runs[0]!.id)), false, 'the run folder with its checkpoint is removed');
  assert.equal(cli(['runs', 'rm', ...db], dir).code, 2);
});

test('runs ls: an OBJECTIVE column by the experiment\'s rule, the best run marked with *, a diverged run with its NaN loss', () => {
  const { dir, store, dbPath } = tempStore();
  const add = (name: string, status: 'finished' | 'diverged', acc: number[], loss: number[]) => {
    const run = store.createRun({ experiment: 'mlp', name });
    store.appendMetrics(run.id, [
      ...acc.map((value, i) => ({ key: 'epoch.val.acc', step: (i + 1) * 10, time: 1000 + i, value })),
      ...loss.map((value, i) => ({ key: 'train.loss', step: i * 10, time: 1000 + i, value })),
    ]);
    store.endRun(run.id, status, null, { 'test.acc': 0.99 });
  };
  add('a', 'finished', [0.7, 0.81], [1, 0.5]);
  add('b', 'finished', [0.8, 0.86, 0.84], [1, 0.4]);
  add('nan', 'diverged', [0.9, 0.95], [1, Number.NaN]);
  store.close();
  const result = cli(['runs', 'ls', '--db', dbPath], dir);
  assert.equal(result.code, 0, result.stderr);
  const line = (name: string) => result.stdout.split('\n').find((l) => l.includes(` ${name} `))!;
  assert.match(line('a'), /val\.acc ↑ 0\.81 /);
  assert.match(line('b'), /val\.acc ↑ 0\.86 \* /, 'best over the run (0.86, not the last 0.84), and marked best');
  assert.match(line('nan'), /val\.acc ↑ train\.loss NaN /, 'the diverged run\'s 0.95 is not shown as its result');
  assert.match(result.stderr, /OBJECTIVE: .* \* marks the best run/);
});
