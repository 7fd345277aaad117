import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { removeRunDirectory, runDirectory } from '../../../src/core/runner/index.ts';
import { tempDir } from './helpers.ts';

test('a run folder sits beside the store, and removing it removes only that run\'s files', () => {
  const dir = tempDir();
  const db = path.join(dir, '.hyperlab', 'runs.db');
  assert.equal(runDirectory(db, 7), path.join(dir, '.hyperlab', 'runs', '7'));
  for (const id of [7, 8]) {
    fs.mkdirSync(runDirectory(db, id), { recursive: true });
    fs.writeFileSync(path.join(runDirectory(db, id), 'last.safetensors'), 'x');
  }
  removeRunDirectory(db, 7);
  assert.equal(fs.existsSync(runDirectory(db, 7)), false);
  assert.equal(fs.existsSync(path.join(runDirectory(db, 8), 'last.safetensors')), true);
  removeRunDirectory(db, 7); // already gone: no error
});
