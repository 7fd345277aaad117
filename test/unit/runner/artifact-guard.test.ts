// The artifact guard on its own: a recorded artifact does not wait for its hash (a seam holds the
// hash back), and the worker's hash is the file's SHA-256, read to its end and no further.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ArtifactGuard, hashInWorker } from '../../../src/core/runner/artifact-guard.ts';
import { tempDir } from './helpers.ts';

test('an artifact is recorded before it is hashed; the hash is filled in when it arrives', async () => {
  const runDir = tempDir('hyperlab-guard-');
  fs.writeFileSync(path.join(runDir, 'model.bin'), 'weights');
  const records: { kind: string; path: string; size: number }[] = [];
  const hashes: [number, string][] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const guard = new ArtifactGuard({
    runDir, cwd: runDir,
    record: (artifact) => records.push(artifact),
    setHash: (id, sha256) => hashes.push([id, sha256]),
    note: (text) => assert.fail(`unexpected note: ${text}`),
    hash: async (fd, maxBytes) => { await held; return hashInWorker(fd, maxBytes); },
  });
  await guard.add('model.bin', { kind: 'checkpoint', meta: null });
  assert.deepEqual(records, [{ kind: 'checkpoint', meta: null, path: path.join(fs.realpathSync(runDir), 'model.bin'), size: 7 }]);
  assert.deepEqual(hashes, [], 'recorded while the hash is still held back');
  release();
  await guard.settled();
  assert.deepEqual(hashes, [[1, createHash('sha256').update('weights').digest('hex')]]);
});

test('hashInWorker: the SHA-256 of a real multi-chunk file; a file longer than the limit is read one byte past it, no further', async () => {
  const file = path.join(tempDir('hyperlab-hash-'), 'data.bin');
  const bytes = randomBytes(3 * (1 << 20) + 12_345);
  fs.writeFileSync(file, bytes);
  const fd = fs.openSync(file, 'r');
  try {
    assert.deepEqual(await hashInWorker(fd, bytes.length), { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    const capped = await hashInWorker(fd, 1000);
    assert.ok(capped.bytes > 1000 && capped.bytes <= 1 << 20, `stopped after the first chunk past the limit (read ${capped.bytes})`);
  } finally {
    fs.closeSync(fd);
  }
});

test('refusals are logged up to the limit, then counted silently: a flood of bad artifact messages does not flood the log', async () => {
  const runDir = tempDir('hyperlab-guard-');
  const notes: string[] = [];
  const guard = new ArtifactGuard({
    runDir, cwd: runDir, limits: { refusalsLogged: 3 },
    record: () => assert.fail('nothing is recorded'), setHash: () => {}, note: (text) => notes.push(text),
  });
  await Promise.all(Array.from({ length: 50 }, () => guard.add('/etc/passwd', { kind: 'x', meta: null })));
  assert.equal(notes.length, 3);
  assert.match(notes[2]!, /\(3 refusals logged; later ones are not\)$/);
});

test('past the per-run number of artifact messages checked, the rest are refused unchecked, with one note', async () => {
  const runDir = tempDir('hyperlab-guard-');
  fs.writeFileSync(path.join(runDir, 'a'), 'a');
  const notes: string[] = [];
  const records: string[] = [];
  const guard = new ArtifactGuard({
    runDir, cwd: runDir, limits: { maxChecked: 4, refusalsLogged: 0 },
    record: (artifact) => records.push(artifact.path), setHash: () => {}, note: (text) => notes.push(text),
  });
  await Promise.all(['/etc/passwd', '/etc/passwd', '/etc/passwd', 'a', 'a', 'a'].map((file) => guard.add(file, { kind: 'x', meta: null })));
  assert.deepEqual(records.map((file) => path.basename(file)), ['a']);
  assert.deepEqual(notes, ['artifact refused: a: more than 4 artifact messages in this run (the limit); later ones are refused unchecked']);
  await guard.settled();
});
