// `hyperlab help runs` and `runs export --wide`, run as real processes against a real store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { tempStore } from '../runner/helpers.ts';

const MAIN = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const cli = (args: string[], cwd: string) => {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

test('help runs shows every runs command (it said "no command")', () => {
  const out = cli(['help', 'runs'], path.dirname(MAIN));
  assert.equal(out.code, 0, out.stderr);
  for (const usage of ['Usage: hyperlab runs ls', 'Usage: hyperlab runs show ID', 'Usage: hyperlab runs export']) assert.ok(out.stdout.includes(usage), usage);
});

test('runs export --csv --wide: one row per run with its params, last metrics and summary, for spreadsheets', () => {
  const { dir, store, dbPath } = tempStore();
  const a = store.createRun({ experiment: 'mlp', name: 'lr, small', params: { 'train.optimizer.lr': 0.01, 'train.epochs': 3 } });
  const b = store.createRun({ experiment: 'mlp', name: 'b', params: { 'train.optimizer.lr': 0.1, 'model.layers': [{ type: 'dense' }] } });
  store.appendMetrics(a.id, [{ key: 'val.acc', step: 0, time: 1, value: 0.5 }, { key: 'val.acc', step: 9, time: 2, value: 0.8 }]);
  store.appendMetrics(b.id, [{ key: 'loss', step: 3, time: 1, value: Number.NaN }]);
  store.endRun(a.id, 'finished', null, { 'test.acc': 0.79, confusion: [[1]] });
  store.endRun(b.id, 'diverged', 'loss became NaN', null);
  store.close();
  const out = cli(['runs', 'export', '--csv', '--wide', '--db', dbPath], dir);
  assert.equal(out.code, 0, out.stderr);
  const [header, ...rows] = out.stdout.trimEnd().split('\n');
  assert.equal(header, 'id,name,experiment,status,started,ended,params.model.layers,params.train.epochs,params.train.optimizer.lr,metrics.loss,metrics.val.acc,summary.test.acc');
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /^1,"lr, small",mlp,finished,,\d{4}-[^,]+,,3,0\.01,,0\.8,0\.79$/);
  assert.match(rows[1]!, /^2,b,mlp,diverged,,[^,]+,"\[\{""type"":""dense""\}\]",,0\.1,NaN,,$/);
  const json = JSON.parse(cli(['runs', 'export', '--json', '--wide', '1', '--db', dbPath], dir).stdout) as { [key: string]: unknown }[];
  assert.deepEqual(json.map((r) => [r['id'], r['metrics.val.acc'], r['params.train.optimizer.lr']]), [[1, 0.8, 0.01]]);
});
