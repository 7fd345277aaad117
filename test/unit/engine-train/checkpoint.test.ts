import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSafetensors, encodeSafetensors, decodeSafetensors } from '../../../src/engine/train/safetensors.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment, type RunResult } from '../../../src/engine/train/run.ts';
import { blobData, blobSpec, fixedClock, recorder } from './helpers.ts';

const data = blobData();
const python = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-ckpt-'));
}

async function train(overrides: Record<string, unknown>, checkpointDir: string | null): Promise<RunResult & { artifacts: string[] }> {
  const reporter = recorder();
  const r = await runExperiment({ spec: blobSpec(overrides), specDir: '.', reporter, control: neverStop, checkpointDir, data, now: fixedClock });
  return { ...r, artifacts: reporter.recorded.artifacts };
}

test('safetensors encode/decode round trip, 8-byte aligned data, metadata as strings', () => {
  const bytes = encodeSafetensors([{ name: 'a', shape: [2, 2], data: Float32Array.of(1, -2, 3.5, 1e-30) }, { name: 'b', shape: [1], data: Float32Array.of(7) }], { spec: '{"x":1}' });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
  assert.deepEqual(header.b, { dtype: 'F32', shape: [1], data_offsets: [16, 20] });
  const back = decodeSafetensors(bytes, 'mem');
  assert.deepEqual([...back.tensors.get('a')!.data], [1, -2, 3.5, Math.fround(1e-30)]);
  assert.deepEqual(back.metadata, { spec: '{"x":1}' });
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 5), 'short.safetensors'), /short\.safetensors is not a readable safetensors file/);
});

test('best and last checkpoints hold the weights, the spec and the step; Python reads the header and data', async () => {
  const dir = tmpDir();
  const r = await train({ 'train.epochs': 2, 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01 }, dir);
  assert.deepEqual(r.artifacts.sort(), [`checkpoint:${path.join(dir, 'best.safetensors')}`, `checkpoint:${path.join(dir, 'last.safetensors')}`]);
  const last = readSafetensors(path.join(dir, 'last.safetensors'));
  assert.equal(last.metadata['step'], '30');
  assert.equal(last.metadata['epoch'], '2');
  assert.equal(JSON.parse(last.metadata['spec']!).train.optimizer.kind, 'adam');
  const model = r.members[0]!.model;
  for (const p of model.params()) assert.deepEqual(last.tensors.get(p.name)!.data, p.value);
  assert.ok([...last.tensors.keys()].some((k) => k.startsWith('optimizer.')));

  const script = [
    'import json, struct, sys',
    'raw = open(sys.argv[1], "rb").read()',
    'n = struct.unpack("<Q", raw[:8])[0]',
    'h = json.loads(raw[8:8 + n])',
    'meta = h.pop("__metadata__")',
    'w = h["dense0.weight"]',
    'b, e = w["data_offsets"]',
    'vals = struct.unpack("<%df" % ((e - b) // 4), raw[8 + n + b: 8 + n + e])',
    'print(json.dumps({"dtype": w["dtype"], "shape": w["shape"], "first": vals[0], "epochs": json.loads(meta["spec"])["train"]["epochs"]}))',
  ].join('\n');
  const out = JSON.parse(execFileSync(python, ['-c', script, path.join(dir, 'last.safetensors')], { encoding: 'utf8' }));
  assert.deepEqual(out, { dtype: 'F32', shape: [16, 4], first: model.params()[0]!.value[0], epochs: 2 });
});

test('resume: 2 epochs, then 2 more from the last checkpoint, equals 4 epochs straight (weights and Adam state restored)', async () => {
  const dir = tmpDir();
  const opts = { 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01, 'train.epochs': 4 };
  const straight = await train(opts, null);
  // Stop after epoch 2 by early stopping with no restore: the last checkpoint is then epoch 2's.
  await train({ ...opts, 'train.earlyStopping': { enabled: true, metric: 'train.loss', patience: 1, minDelta: 1000, restoreBest: false } }, dir);
  assert.equal(readSafetensors(path.join(dir, 'last.safetensors')).metadata['epoch'], '2');
  const resumed = await train({ ...opts, 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null);
  assert.equal(resumed.members[0]!.history.length, 2);
  assert.equal(resumed.summary['steps'], straight.summary['steps']);
  const w = (r: RunResult): Float32Array[] => r.members[0]!.model.params().map((p) => p.value);
  assert.deepEqual(w(resumed), w(straight));
});

test('resuming with train.epochs at or below the epochs already trained is an error naming train.epochs (it "finished" with 0 epochs and null losses)', async () => {
  const dir = tmpDir();
  await train({ 'train.epochs': 2 }, dir);
  await assert.rejects(train({ 'train.epochs': 2, 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null),
    (error: Error) => /train\.epochs: 2, but the checkpoint .* has already trained 2 epochs/.test(error.message));
  const more = await train({ 'train.epochs': 3, 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null);
  assert.equal(more.members[0]!.history.length, 1);
});

test('a diverged run keeps the last good checkpoint', async () => {
  const dir = tmpDir();
  const r = await train({ 'train.loss.kind': 'mse', 'train.schedule': { kind: 'step', stepEpochs: 1, gamma: 1e12 }, 'train.epochs': 3 }, dir);
  assert.equal(r.status, 'diverged');
  const last = readSafetensors(path.join(dir, 'last.safetensors'));
  assert.equal(last.metadata['epoch'], '1');
  assert.ok([...last.tensors.values()].every((t) => t.data.every(Number.isFinite)));
});

test('an update that overflows the weights in the last step of an epoch is caught there: last checkpoint and final weights stay finite', async () => {
  // Full batch: one step per epoch, so the overflowing update is the epoch's last; its loss was finite.
  const dir = tmpDir();
  const r = await train({ 'train.batchSize': 240, 'train.epochs': 3, 'train.optimizer.lr': 1e39 }, dir);
  assert.equal(r.status, 'diverged');
  assert.match(String(r.reason), /became non-finite in the update of step 0 \(epoch 1/);
  assert.equal(r.members[0]!.history.length, 0);
  assert.ok(r.members[0]!.model.params().every((p) => p.value.every(Number.isFinite)));
  assert.ok(!fs.existsSync(path.join(dir, 'last.safetensors')));
  assert.ok(Number.isFinite(r.summary['test.acc'] as number));
});

test('resume keeps the best-checkpoint and early-stopping trackers: no "best" after the resume that is not, patience goes on, best weights restored', async () => {
  // lr 0.5 on the blobs: validation loss is lowest at epoch 2 and never beaten later.
  const opts = { 'train.optimizer.lr': 0.5, 'train.earlyStopping': { enabled: true, metric: 'val.loss', patience: 3, minDelta: 0, restoreBest: true } };
  const straight = await train({ ...opts, 'train.epochs': 6 }, null);
  assert.equal(straight.summary['bestEpoch'], 2);
  assert.equal(straight.summary['stoppedEarly'], true);
  const first = tmpDir(), second = tmpDir();
  await train({ ...opts, 'train.epochs': 3 }, first);
  const resumed = await train({ ...opts, 'train.epochs': 6, 'train.checkpoint.resumeFrom': path.join(first, 'last.safetensors') }, second);
  assert.equal(resumed.summary['bestEpoch'], 2);
  assert.equal(resumed.summary['stoppedEarly'], true);
  assert.equal(resumed.summary['epochs'], straight.summary['epochs']);
  assert.ok(!fs.existsSync(path.join(second, 'best.safetensors')), 'no epoch after the resume beat epoch 2');
  const w = (r: RunResult): Float32Array[] => r.members[0]!.model.params().map((p) => p.value);
  assert.deepEqual(w(resumed), w(straight));
});

test('resume during SWA continues the same average: equal to the uninterrupted run bit for bit', async () => {
  const opts = { 'train.optimizer.lr': 0.05, 'train.swa': { enabled: true, startEpoch: 2, lr: 0.05 } };
  const straight = await train({ ...opts, 'train.epochs': 5 }, null);
  const dir = tmpDir();
  await train({ ...opts, 'train.epochs': 3 }, dir);
  const resumed = await train({ ...opts, 'train.epochs': 5, 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null);
  assert.equal(resumed.summary['swaEpochs'], 4);
  const w = (r: RunResult): Float32Array[] => r.members[0]!.model.params().map((p) => p.value);
  assert.deepEqual(w(resumed), w(straight));
});

test('checkpoints follow the safetensors format rules: spaces pad the header to 8 bytes, offsets tile the data section from 0, aligned F32/F64, PyTorch reads every tensor', async () => {
  const dir = tmpDir();
  // BatchNorm buffers, Adam state and SWA sums (F64): every kind of tensor a checkpoint holds
  const r = await train({
    'model.layers': [{ type: 'dense', units: 5 }, { type: 'batchnorm' }, { type: 'activation', fn: 'relu' }, { type: 'dense', units: 3 }],
    'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01, 'train.swa': { enabled: true, startEpoch: 1, lr: 0.01 }, 'train.epochs': 2,
  }, dir);
  const script = [
    'import json, struct, sys, torch',
    'raw = open(sys.argv[1], "rb").read()',
    'n = struct.unpack("<Q", raw[:8])[0]',
    'assert (8 + n) % 8 == 0, n',
    'text = raw[8:8 + n].decode("utf-8")',
    'body = text.rstrip(" ")',
    'assert body.endswith("}") and len(text) - len(body) < 8, "header padded with spaces only"',
    'h = json.loads(text)',
    'meta = h.pop("__metadata__")',
    'assert all(isinstance(v, str) for v in meta.values())',
    'data = raw[8 + n:]',
    'pos = 0',
    'for b, e, k in sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in h.items()):',
    '    assert b == pos, (k, b, pos)',
    '    pos = e',
    'assert pos == len(data), (pos, len(data))',
    'dt = {"F32": torch.float32, "F64": torch.float64}',
    'sums = {}',
    'for k, v in h.items():',
    '    b, e = v["data_offsets"]',
    '    t = torch.frombuffer(bytearray(data[b:e]), dtype=dt[v["dtype"]]).reshape(v["shape"])',
    '    assert b % t.element_size() == 0, k',
    '    sums[k] = [v["dtype"], float(t.double().sum())]',
    'print(json.dumps(sums))',
  ].join('\n');
  const sums = JSON.parse(execFileSync(python, ['-c', script, path.join(dir, 'last.safetensors')], { encoding: 'utf8' })) as Record<string, [string, number]>;
  const last = readSafetensors(path.join(dir, 'last.safetensors'));
  assert.deepEqual(Object.keys(sums).sort(), [...last.tensors.keys()].sort());
  assert.ok(Object.values(sums).some(([dtype]) => dtype === 'F64'));
  for (const [name, t] of last.tensors) {
    let js = 0;
    for (const v of t.data) js += v;
    assert.ok(Math.abs(sums[name]![1] - js) <= 1e-9 * (1 + Math.abs(js)), `${name}: ${sums[name]![1]} vs ${js}`);
  }
  assert.ok(r.members[0]!.model.buffers().some((b) => last.tensors.has(b.name)));
});
