// data.path names the only folder looked in. Before, a path to a folder that did not exist (a
// typo) was skipped and the run trained on the system dataset without a word.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { IDX_FILES, locateIdxDataset } from '../../../src/engine/data/locate.ts';

function systemRootWithDataset(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-datapath-'));
  fs.mkdirSync(path.join(root, 'fashion-mnist'));
  for (const name of Object.values(IDX_FILES)) fs.writeFileSync(path.join(root, 'fashion-mnist', `${name}.gz`), '');
  return root;
}

test('a data.path that does not exist is an error naming it, even with the dataset installed system-wide', async () => {
  const systemRoot = systemRootWithDataset();
  const missing = path.join(systemRoot, 'fashoin-mnist');
  await assert.rejects(locateIdxDataset('fashion-mnist', { path: missing, download: false, env: {}, systemRoot, cacheRoot: path.join(systemRoot, 'cache') }),
    (error: unknown) => {
      assert.ok(error instanceof HyperlabError);
      assert.equal(error.code, 'DATASET_NOT_FOUND');
      assert.equal(error.message, `data.path ${missing} does not exist (ENOENT)`);
      assert.match(error.hint ?? '', /set it to null to use \$HYPERLAB_DATA_DIR or the system dataset/);
      return true;
    });
  // Without data.path the system copy is used, as before.
  const found = await locateIdxDataset('fashion-mnist', { path: null, download: false, env: {}, systemRoot, cacheRoot: path.join(systemRoot, 'cache') });
  assert.equal(found.trainImages, path.join(systemRoot, 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
});

test('a data.path folder without the files, or a file, is an error naming what is missing', async () => {
  const systemRoot = systemRootWithDataset();
  const partial = path.join(systemRoot, 'partial');
  fs.mkdirSync(partial);
  fs.writeFileSync(path.join(partial, 'train-images-idx3-ubyte'), '');
  const options = { download: false, env: {}, systemRoot, cacheRoot: path.join(systemRoot, 'cache') };
  await assert.rejects(locateIdxDataset('fashion-mnist', { ...options, path: partial }),
    new RegExp(`data\\.path ${partial} does not hold the fashion-mnist files: train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \\(or \\.gz\\) missing`));
  await assert.rejects(locateIdxDataset('fashion-mnist', { ...options, path: path.join(partial, 'train-images-idx3-ubyte') }), /is not a folder/);
});
