import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { HyperlabError } from '../../../src/core/errors.ts';
import { defaultSpec } from '../../../src/core/spec/index.ts';
import { augmentBatch } from '../../../src/engine/data/augment.ts';
import { epochOrder, gatherBatch } from '../../../src/engine/data/batches.ts';
import { parseCsv } from '../../../src/engine/data/csv.ts';
import { encodeIdx, parseIdx, readIdxFile } from '../../../src/engine/data/idx.ts';
import { loadData } from '../../../src/engine/data/load.ts';
import { locateIdxDataset } from '../../../src/engine/data/locate.ts';
import { seededSplit } from '../../../src/engine/data/split.ts';
import { Rng } from '../../../src/engine/rng.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-data-'));
}

/** A tiny IDX dataset: 20 train and 6 test 4×4 images whose pixels encode their index. */
function writeTinyIdx(dir: string, gzip: boolean): void {
  const write = (name: string, bytes: Uint8Array): void => {
    fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
  };
  const images = (n: number): Uint8Array => Uint8Array.from({ length: n * 16 }, (_, i) => (Math.floor(i / 16) * 10 + (i % 16)) % 256);
  const labels = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 3);
  write('train-images-idx3-ubyte', encodeIdx([20, 4, 4], images(20)));
  write('train-labels-idx1-ubyte', encodeIdx([20], labels(20)));
  write('t10k-images-idx3-ubyte', encodeIdx([6, 4, 4], images(6)));
  write('t10k-labels-idx1-ubyte', encodeIdx([6], labels(6)));
}

test('IDX: raw and gzip parse to the same dims and bytes; bad magic is rejected', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const raw = encodeIdx([2, 3], data);
  assert.deepEqual(parseIdx(raw, 'raw'), { dims: [2, 3], data });
  assert.deepEqual(parseIdx(new Uint8Array(zlib.gzipSync(raw)), 'gz').dims, [2, 3]);
  const bad = raw.slice();
  bad[0] = 7;
  assert.throws(() => parseIdx(bad, 'bad.idx'), /bad\.idx is not an IDX file: magic number starts with 7/);
  const float = raw.slice();
  float[2] = 0x0d;
  assert.throws(() => parseIdx(float, 'f.idx'), /element type 0xd is not unsigned byte/);
  assert.throws(() => parseIdx(raw.subarray(0, raw.length - 1), 't.idx'), /header says 2×3 = 6 values but 5 bytes follow/);
});

test('IDX: the real FashionMNIST files have the expected headers', { skip: !fs.existsSync(FASHION) }, () => {
  const labels = readIdxFile(path.join(FASHION, 't10k-labels-idx1-ubyte.gz'));
  assert.deepEqual(labels.dims, [10000]);
  assert.ok(labels.data.every((l) => l < 10));
  const images = readIdxFile(path.join(FASHION, 't10k-images-idx3-ubyte.gz'));
  assert.deepEqual(images.dims, [10000, 28, 28]);
});

test('CSV: header, named and indexed columns, string labels, errors with line numbers', () => {
  const text = 'a,b,species\n1,2,cat\n3,4,dog\n\n5,6,cat\n';
  const t = parseCsv(text, { labelColumn: 'species', featureColumns: null, header: true, delimiter: ',' }, 'x.csv');
  assert.deepEqual([...t.features], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...t.labels], [0, 1, 0]);
  assert.deepEqual(t.classNames, ['cat', 'dog']);
  assert.deepEqual(t.featureNames, ['a', 'b']);
  const onlyB = parseCsv(text, { labelColumn: -1, featureColumns: ['b'], header: true, delimiter: ',' }, 'x.csv');
  assert.deepEqual([...onlyB.features], [2, 4, 6]);
  const numeric = parseCsv('1,10\n2,9\n3,10\n', { labelColumn: 1, featureColumns: null, header: false, delimiter: ',' }, 'n.csv');
  assert.deepEqual(numeric.classNames, ['9', '10']);
  assert.deepEqual([...numeric.labels], [1, 0, 1]);
  assert.throws(() => parseCsv('a,b,c\n1,2,x\n1,oops,y\n', { labelColumn: 'c', featureColumns: null, header: true, delimiter: ',' }, 'e.csv'),
    /e\.csv:3: column "b" holds "oops", not a number/);
  assert.throws(() => parseCsv('a,b,c\n1,2\n', { labelColumn: 'c', featureColumns: null, header: true, delimiter: ',' }, 'e.csv'), /e\.csv:2: 2 fields where the header has 3/);
  assert.throws(() => parseCsv('a,b,c\n1,2,3\n', { labelColumn: 'label', featureColumns: null, header: true, delimiter: ',' }, 'e.csv'),
    /data\.csv\.labelColumn: e\.csv has no column "label"; its columns are a, b, c/);
});

test('an absent dataset names all three ways to get it', async () => {
  const empty = tmpDir();
  await assert.rejects(
    locateIdxDataset('fashion-mnist', { path: null, download: false, env: {}, systemRoot: path.join(empty, 'sys'), cacheRoot: path.join(empty, 'cache') }),
    (error: unknown) => {
      assert.ok(error instanceof HyperlabError);
      assert.equal(error.code, 'DATASET_NOT_FOUND');
      const text = error.describe();
      assert.match(text, /data\.path \(or \$HYPERLAB_DATA_DIR\)/);
      assert.match(text, /dataset-fashion-mnist/);
      assert.match(text, /data\.download to true .*fashion-mnist\.s3-website/);
      return true;
    });
});

test('split is seeded: same seed same samples, other seed other samples, nothing lost', () => {
  const data = { x: Float32Array.from({ length: 100 }, (_, i) => i), y: Int32Array.from({ length: 100 }, (_, i) => i), count: 100, shape: [1] };
  const a = seededSplit(data, 0.2, 7);
  const b = seededSplit(data, 0.2, 7);
  const c = seededSplit(data, 0.2, 8);
  assert.equal(a.held.count, 20);
  assert.deepEqual([...a.held.y], [...b.held.y]);
  assert.notDeepEqual([...a.held.y], [...c.held.y]);
  assert.deepEqual([...a.kept.y, ...a.held.y].sort((p, q) => p - q), [...data.y]);
});

test('loadData: IDX from data.path (gzip or raw), limit, split and standardization with train statistics', async () => {
  for (const gzip of [true, false]) {
    const dir = tmpDir();
    writeTinyIdx(dir, gzip);
    const spec = defaultSpec().data;
    spec.path = dir;
    spec.limit = 10;
    spec.validationFraction = 0.2;
    const loaded = await loadData(spec, { specDir: '/', seed: 3 });
    assert.equal(loaded.train.count + loaded.validation.count, 10);
    assert.ok(loaded.validation.count >= 1);
    assert.equal(loaded.test.count, 6);
    assert.deepEqual(loaded.shape, [1, 4, 4]);
    let sum = 0, sq = 0;
    for (const v of loaded.train.x) { sum += v; sq += v * v; }
    const mean = sum / loaded.train.x.length;
    assert.ok(Math.abs(mean) < 1e-5, `train mean ${mean}`);
    assert.ok(Math.abs(sq / loaded.train.x.length - 1) < 1e-4);
  }
});

test('the train/validation membership of a sample does not depend on data.limit', async () => {
  const dir = tmpDir();
  writeTinyIdx(dir, false);
  // raw pixels: sample k's first pixel is 10·k, an id
  const ids = (d: { x: Float32Array; count: number }): number[] => Array.from({ length: d.count }, (_, i) => d.x[i * 16]! / 10);
  const split = async (limit: number | null): Promise<{ train: number[]; validation: number[] }> => {
    const spec = { ...defaultSpec().data, path: dir, limit, validationFraction: 0.3, normalization: 'none' as const };
    const loaded = await loadData(spec, { specDir: '/', seed: 4 });
    return { train: ids(loaded.train), validation: ids(loaded.validation) };
  };
  const all = await split(null);
  assert.equal(all.validation.length, 6);
  for (const limit of [8, 12, 17]) {
    const part = await split(limit);
    assert.deepEqual(part.validation, all.validation.filter((k) => k < limit), `limit ${limit}`);
    assert.deepEqual(part.train, all.train.filter((k) => k < limit), `limit ${limit}`);
  }
});

test('batches: seeded order covers every sample once; augmentation shifts with background fill and flips', () => {
  const order = epochOrder(10, new Rng(1));
  assert.deepEqual([...order].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...order], [...epochOrder(10, new Rng(1))]);
  const data = { x: Float32Array.from({ length: 30 }, (_, i) => i), y: Int32Array.from({ length: 10 }, (_, i) => i), count: 10, shape: [3] };
  const x = new Float32Array(12), y = new Float32Array(4);
  assert.equal(gatherBatch(data, order, 8, 4, x, y), 2);
  assert.deepEqual([...y.subarray(0, 2)], [order[8], order[9]]);

  // A 1×3×3 image, flip only: every row reversed or untouched.
  const img = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const flipped = img.slice();
  augmentBatch(flipped, 1, [1, 3, 3], { shift: 0, hflip: true, noise: 0 }, 0, new Rng(2), new Float32Array(9));
  assert.ok([[1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 2, 1, 6, 5, 4, 9, 8, 7]].some((e) => e.join() === [...flipped].join()));
  // Shift: the result is the image moved by (dy, dx) within [-1, 1], padded with the fill value.
  const shifted = img.slice();
  augmentBatch(shifted, 1, [1, 3, 3], { shift: 1, hflip: false, noise: 0 }, -1, new Rng(5), new Float32Array(9));
  const candidates: string[] = [];
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    candidates.push(Array.from({ length: 9 }, (_, k) => {
      const i = Math.floor(k / 3) + dy, j = (k % 3) + dx;
      return i >= 0 && i < 3 && j >= 0 && j < 3 ? img[i * 3 + j] : -1;
    }).join());
  }
  assert.ok(candidates.includes([...shifted].join()), [...shifted].join());
});
