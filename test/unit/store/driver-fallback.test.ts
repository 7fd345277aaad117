// 'auto' opens better-sqlite3 and falls back to node:sqlite when its native binary can't load;
// the loaders seam simulates the broken binary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HyperlabError } from '../../../src/core/errors.ts';
import { memoryLogger } from '../../../src/core/log.ts';
import { openStore, openStoreWith } from '../../../src/core/store/index.ts';
import { defaultLoaders, type DriverLoaders } from '../../../src/core/store/open-driver.ts';
import type { BetterSqlite3Constructor } from '../../../src/core/store/driver-better-sqlite3.ts';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-store-fallback-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const abiError = () =>
  new Error("The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 127. This version of Node.js requires NODE_MODULE_VERSION 137.");

test('auto uses better-sqlite3 when it loads', () => {
  const store = openStore(path.join(dir, 'auto.db'));
  assert.equal(store.driver, 'better-sqlite3');
  store.close();
});

test('auto falls back to node:sqlite when requiring better-sqlite3 throws, and the data is shared', () => {
  const file = path.join(dir, 'fallback.db');
  const writer = openStore(file, { driver: 'better-sqlite3' });
  const run = writer.createRun({ experiment: 'shared' });
  writer.appendMetrics(run.id, [{ key: 'loss', step: 0, time: 1, value: 0.5 }]);
  writer.close();

  const logger = memoryLogger();
  const loaders: DriverLoaders = { ...defaultLoaders, nodeMajor: 24, loadBetterSqlite3: () => { throw abiError(); } };
  const store = openStoreWith(file, { driver: 'auto', logger }, loaders);
  assert.equal(store.driver, 'node:sqlite');
  assert.deepEqual(store.latest(run.id), [{ key: 'loss', step: 0, time: 1, value: 0.5 }]);
  store.close();
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0]!, /^warn: store: better-sqlite3 could not load \(.*NODE_MODULE_VERSION.*\); falling back to node:sqlite/);
});

test('auto falls back when the binary fails inside the constructor (the addon loads lazily)', () => {
  const failingConstructor = function () {
    throw abiError();
  } as unknown as BetterSqlite3Constructor;
  const store = openStoreWith(path.join(dir, 'lazy.db'), {}, { ...defaultLoaders, nodeMajor: 24, loadBetterSqlite3: () => failingConstructor });
  assert.equal(store.driver, 'node:sqlite');
  store.close();
});

test('auto never tries better-sqlite3 on Node < 22', () => {
  const loaders: DriverLoaders = { ...defaultLoaders, nodeMajor: 20, loadBetterSqlite3: () => assert.fail('must not load better-sqlite3 on Node 20') };
  const store = openStoreWith(path.join(dir, 'old-node.db'), {}, loaders);
  assert.equal(store.driver, 'node:sqlite');
  store.close();
});

test('an explicit driver that cannot load is a STORE_UNAVAILABLE error with a hint', () => {
  const loaders: DriverLoaders = { ...defaultLoaders, loadBetterSqlite3: () => { throw abiError(); }, loadNodeSqlite: () => { throw new Error('No such built-in module: node:sqlite'); } };
  for (const driver of ['better-sqlite3', 'node:sqlite'] as const) {
    assert.throws(() => openStoreWith(path.join(dir, 'x.db'), { driver }, loaders), (error: unknown) => {
      assert.ok(error instanceof HyperlabError);
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.match(error.message, new RegExp(driver));
      assert.ok(error.hint);
      return true;
    });
  }
});

test('a file SQLite cannot open is reported, not retried on the other driver', () => {
  const loaders: DriverLoaders = { ...defaultLoaders, loadNodeSqlite: () => assert.fail('must not fall back for an SQLite error') };
  const folder = path.join(dir, 'a-folder');
  fs.mkdirSync(folder);
  assert.throws(() => openStoreWith(folder, {}, loaders), (error: unknown) => {
    assert.ok(error instanceof HyperlabError);
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.match(error.message, /cannot open the run store .*a-folder: unable to open database file/);
    return true;
  });
});

test('a writable store creates its folder; a read-only one must exist', () => {
  const file = path.join(dir, 'new', '.hyperlab', 'runs.db');
  assert.throws(() => openStore(file, { readonly: true }), (error: unknown) => error instanceof HyperlabError && error.code === 'STORE_UNAVAILABLE' && /no run store at/.test(error.message));
  const store = openStore(file);
  store.close();
  assert.ok(fs.existsSync(file));
});
