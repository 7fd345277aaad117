// fileDigestSync: what the inbox's ingestion and the SLURM job runner record of an artifact.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileDigestSync } from '../../../src/core/protocol/file-digest.ts';
import { tempDir } from '../runner/helpers.ts';

test('a regular file gives its size and SHA-256; past the hashing limit, its size alone', () => {
  const dir = tempDir('hyperlab-digest-');
  const file = path.join(dir, 'w.bin');
  const data = Buffer.alloc(3 * 1024 * 1024 + 5, 7); // more than one 1 MiB read
  fs.writeFileSync(file, data);
  assert.deepEqual(fileDigestSync(file), { size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
  assert.deepEqual(fileDigestSync(file, 1024 * 1024), { size: data.length, sha256: null });
});

test('nothing for what is not a readable regular file: gone, a folder, a FIFO (without waiting for a writer)', () => {
  const dir = tempDir('hyperlab-digest-');
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.deepEqual([fileDigestSync(path.join(dir, 'gone')), fileDigestSync(dir), fileDigestSync(fifo)], [null, null, null]);
});
