// Bad input to `hyperlab export`: a clear error naming the problem, the README's exit code, and
// no half-written export (neither --out nor its working folder beside it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { smallMlpSpec, tmpDir, trainRun } from './helpers.ts';

let dir: string;
let db: string;
let good: number;

function io(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env: {}, programDir: dir, onInterrupt: () => () => {}, stderrIsTTY: false };
}

async function cli(...args: string[]) {
  const o = io();
  const code = await runCli(['export', ...args, '--db', db], o);
  return { code, stderr: o.err.join(''), stdout: o.out.join('') };
}

function leftovers(): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('out'));
}

before(async () => {
  dir = tmpDir();
  db = path.join(dir, 'runs.db');
  // width 30: the last layer's fan-in is not a multiple of 4
  const spec = smallMlpSpec({ 'model.layers': [{ type: 'flatten' }, { type: 'dense', units: 30, activation: 'relu' }, { type: 'dense', units: 10 }], 'data.limit': 1000, 'data.testLimit': 200 });
  good = (await trainRun(spec, db)).runId;
  const noCheckpoint = await trainRun({ ...spec, train: { ...spec.train, checkpoint: { ...spec.train.checkpoint, last: false, best: false } } }, db);
  const diverged = await trainRun({ ...spec, train: { ...spec.train, optimizer: { ...spec.train.optimizer, kind: 'sgd', lr: 1e30 } } }, db);
  assert.equal(noCheckpoint.runId, good + 1);
  assert.equal(diverged.store.getRun(diverged.runId)!.status, 'diverged');
});

test('a run without a checkpoint: not found (exit 3), names the setting', async () => {
  const r = await cli(String(good + 1), '--out', 'out1');
  assert.equal(r.code, 3);
  assert.match(r.stderr, /run \d+ cannot be exported: it has no last checkpoint/);
  assert.match(r.stderr, /train\.checkpoint\.last/);
  assert.deepEqual(leftovers(), []);
});

test('a diverged run: failed (exit 1), says so', async () => {
  const r = await cli(String(good + 2), '--out', 'out2');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /diverged/);
  assert.deepEqual(leftovers(), []);
});

test('an output folder that exists: usage error (exit 2), the folder untouched', async () => {
  fs.mkdirSync(path.join(dir, 'out3'));
  fs.writeFileSync(path.join(dir, 'out3', 'keep.txt'), 'mine');
  const r = await cli(String(good), '--out', 'out3');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out .*out3 already exists/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'out3')), ['keep.txt']);
  fs.rmSync(path.join(dir, 'out3'), { recursive: true });
});

test('an output folder that cannot be written: usage error (exit 2)', async () => {
  // /proc takes no new entries, even for root (for whom access() says every folder is writable)
  const r = await cli(String(good), '--out', '/proc/hyperlab-export-test');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out \/proc\/hyperlab-export-test: cannot write beside it/);
  fs.writeFileSync(path.join(dir, 'afile'), '');
  const r2 = await cli(String(good), '--out', 'afile/out');
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /afile is not a folder/);
});

test('2:4 on a layer whose input width is not a multiple of 4: usage error naming the layer, nothing written', async () => {
  const r = await cli(String(good), '--nm', '2:4', '--out', 'out4');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /2:4 sparsity needs each layer's input width to be a multiple of 4, but dense2 has 30 inputs/);
  assert.match(r.stderr, /--skip-unfit/);
  assert.deepEqual(leftovers(), []);
});

test('impossible flag combinations and unknown values: usage errors (exit 2)', async () => {
  for (const [args, message] of [
    [['--nm', '2:4', '--structured'], /--nm and --structured cannot be combined/],
    [['--finetune', '2'], /--finetune needs pruning/],
    [['--quantize', 'int3'], /--quantize int3 is not a known method/],
    [['--quantize', 'int8', '--block', '32'], /--block needs --quantize int4/],
    [['--prune', '1.5'], /--prune 1.5 is not a fraction/],
    [['--format', 'tflite'], /--format tflite is not a target/],
    [['--qat', '2'], /--qat needs --quantize int8 or int4/],
    [['--qat', '2', '--quantize', 'fp16'], /--qat needs --quantize int8 or int4, not fp16/],
    [['--qat', '1.5', '--quantize', 'int8'], /--qat 1.5 is not a whole number of epochs/],
    [['--qat', '1', '--quantize', 'int8', '--prune', '0.5', '--finetune', '1'], /--qat and --finetune cannot be combined/],
    [['--variant', 'quantize=kmeans4,qat=1'], /--qat needs --quantize int8 or int4, not kmeans4/],
  ] as const) {
    const r = await cli(String(good), ...args, '--out', 'out5');
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal((await cli(String(good))).code, 2);
  assert.deepEqual(leftovers(), []);
});

test('an unknown run: not found (exit 3); a good export through the CLI: exit 0 and the table', async () => {
  assert.equal((await cli('999', '--out', 'out6')).code, 3);
  const r = await cli(String(good), '--quantize', 'fp16', '--out', 'out7');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| fp16 \|/);
  assert.ok(fs.existsSync(path.join(dir, 'out7', 'fp16', 'model.onnx')));
  assert.deepEqual(leftovers(), ['out7']);
});

test('cancelling through the AbortSignal (the panel\'s Cancel, the CLI\'s Ctrl-C) stops the export and leaves nothing', async () => {
  const { openStore } = await import('../../../src/core/store/index.ts');
  const { exportRun } = await import('../../../src/export/index.ts');
  const { parseVariant } = await import('../../../src/export/variants.ts');
  const store = openStore(db);
  const controller = new AbortController();
  const seen: string[] = [];
  try {
    await assert.rejects(exportRun({
      store, dbPath: db, runId: good, out: path.join(dir, 'out8'), variants: [parseVariant('quantize=int8'), parseVariant('quantize=fp16')], formats: ['onnx'],
      onProgress: (p) => { seen.push(p.message); if (p.message.startsWith('int8')) controller.abort(); }, signal: controller.signal,
    }), /export cancelled; nothing was written/);
  } finally {
    store.close();
  }
  assert.ok(seen.includes('int8-channel: compressing'));
  assert.ok(!seen.some((m) => m.startsWith('fp16')));
  assert.deepEqual(leftovers().filter((f) => f.startsWith('out8')), []);
});
