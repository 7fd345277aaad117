// Import round-trips on fixtures written by the real tools (test/fixtures/import, made by
// make_fixtures.py with tensorboardX and MLflow 3): every scalar, metric point, param and tag is
// found in the store with the same values, steps and times.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SOURCE_TAG } from '../../../src/core/import/index.ts';
import { maskedCrc32c, crc32c, readTfRecords } from '../../../src/core/import/tensorboard/tfrecord.ts';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { PYTHON, ROOT, SCRIPTS, cli } from './helpers.ts';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
const T0 = 1_764_000_000;

interface Manifest {
  tensorboard: { [run: string]: { [tag: string]: { points: number; first: [number, number, number]; last: [number, number, number] } } };
  mlflow: { [kind: string]: { experiments: number; runs: { experiment: string; name: string; status: string; params: number; tags: string[]; metric_points: number; metrics: { [key: string]: number } }[] } };
}

interface MlflowDump {
  runId: string; name: string; status: string; startTime: number; endTime: number; experiment: string;
  params: { [key: string]: string }; tags: { [key: string]: string };
  metrics: { key: string; value: number; timestamp: number; step: number }[];
}

function runByName(store: Store, name: string) {
  const runs = store.listRuns().filter((r) => r.name === name);
  assert.equal(runs.length, 1, `one run named ${name}`);
  return runs[0]!;
}

test('TFRecord framing: CRC-32C test vector, masked CRCs, a truncated tail and a corrupt record stop the reader with a reason', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const file = fs.readFileSync(path.join(FIXTURES, 'tensorboard', 'lr0.1', 'val', fs.readdirSync(path.join(FIXTURES, 'tensorboard', 'lr0.1', 'val'))[0]!));
  const whole = readTfRecords(file);
  assert.equal(whole.stoppedAt, null);
  assert.equal(whole.records.length, 22, 'file version + 10 × (loss, accuracy) + a text summary');
  assert.equal(file.readUInt32LE(8), maskedCrc32c(file.subarray(0, 8)));
  const cut = readTfRecords(file.subarray(0, file.length - 3));
  assert.equal(cut.records.length, 21);
  assert.match(cut.stoppedAt!.reason, /truncated/);
  const corrupt = Buffer.from(file);
  corrupt[40] = corrupt[40]! ^ 0xff;
  const bad = readTfRecords(corrupt);
  assert.match(bad.stoppedAt!.reason, /CRC/);
  assert.ok(bad.records.length < whole.records.length);
});

test('the protobuf descriptor is generated from the committed .proto subset', async () => {
  const generator = await import(path.join(ROOT, 'scripts', 'gen-tensorboard-proto.mjs')) as { descriptorSource(): string };
  assert.equal(fs.readFileSync(path.join(ROOT, 'src', 'core', 'import', 'tensorboard', 'event-descriptor.ts'), 'utf8'), generator.descriptorSource());
});

test('import tensorboard: one run per event folder; every scalar (simple_value and TF2 tensor) with its step, wall time and value', () => {
  const dir = tempDir('hyperlab-import-');
  const result = cli(['import', 'tensorboard', path.join(FIXTURES, 'tensorboard'), '--experiment', 'tb', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /1 non-scalar summaries/, 'the text summary is reported, not imported');
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    assert.deepEqual(store.listRuns().map((r) => r.name).sort(), Object.keys(MANIFEST.tensorboard).sort());
    let checked = 0;
    for (const [runName, tags] of Object.entries(MANIFEST.tensorboard)) {
      const run = runByName(store, runName);
      assert.equal(run.experimentName, 'tb');
      assert.equal(run.status, 'finished');
      const lr = runName.startsWith('lr0.01') ? 0.01 : 0.1;
      const stride = runName.endsWith('/val') ? 20 : 1;
      assert.deepEqual(store.metricKeys(run.id), Object.keys(tags).sort());
      for (const [tag, expected] of Object.entries(tags)) {
        const points = store.points(run.id, tag);
        assert.equal(points.length, expected.points, `${runName} ${tag}`);
        points.forEach((p, i) => {
          // The generator's own formula (make_fixtures.py), rounded to float32 as the event stores it.
          const step = i * stride;
          const loss = Math.exp(-lr * step / 20) + 0.01 * Math.sin(step);
          assert.equal(p.step, step);
          assert.equal(p.time, (T0 + step) * 1000);
          assert.equal(p.value, Math.fround(tag === 'loss' ? loss : 1 - loss / 2), `${runName} ${tag} step ${step}`);
          checked++;
        });
        assert.deepEqual([points[0]!.step, points[0]!.time / 1000], expected.first.slice(0, 2));
        assert.deepEqual([points.at(-1)!.step, points.at(-1)!.time / 1000], expected.last.slice(0, 2));
        assert.ok(Math.abs(points.at(-1)!.value - expected.last[2]) < 1e-7);
      }
      assert.equal(run.startedAt, T0 * 1000);
    }
    assert.equal(checked, 840);
  } finally {
    store.close();
  }
  const again = cli(['import', 'tensorboard', path.join(FIXTURES, 'tensorboard'), '--experiment', 'tb'], dir);
  assert.match(again.stdout, /0 run\(s\), 0 points imported; 4 imported before, skipped/);
});

for (const kind of ['sqlite', 'file'] as const) {
  test(`import mlflow (${kind} store): every run, param, tag and metric point, as Python's sqlite3 reads them from mlflow.db`, () => {
    const dump = spawnSync(PYTHON, [path.join(SCRIPTS, 'dump_mlflow_db.py'), path.join(FIXTURES, 'mlflow', 'mlflow.db')], { encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    const reference = JSON.parse(dump.stdout) as MlflowDump[];
    const expected = MANIFEST.mlflow[kind]!;
    assert.equal(reference.length, expected.runs.length);

    const dir = tempDir('hyperlab-import-');
    const source = kind === 'sqlite' ? `sqlite:///${path.join(FIXTURES, 'mlflow', 'mlflow.db')}` : path.join(FIXTURES, 'mlflow', 'mlruns');
    const result = cli(['import', 'mlflow', source], dir);
    assert.equal(result.code, 0, result.stderr);
    const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
    try {
      assert.equal(store.listRuns().length, expected.runs.length);
      assert.deepEqual(store.listExperiments().map((e) => e.name).sort(), ['fashion-cnn', 'fashion-mlp']);
      let points = 0;
      for (const want of expected.runs) {
        const ref = reference.find((r) => r.name === want.name)!;
        const run = runByName(store, want.name);
        assert.equal(run.experimentName, want.experiment);
        assert.equal(run.status, want.status === 'FINISHED' ? 'finished' : 'failed');
        assert.deepEqual([run.startedAt, run.endedAt, run.createdAt], [ref.startTime, ref.endTime, ref.startTime]);
        // Params: MLflow keeps text; a number that round-trips exactly is stored as that number.
        assert.equal(Object.keys(run.params).length, want.params);
        assert.deepEqual(Object.fromEntries(Object.entries(run.params).map(([k, v]) => [k, String(v)])), ref.params);
        const tags = store.tags(run.id);
        const sourceTag = tags[SOURCE_TAG];
        delete tags[SOURCE_TAG];
        assert.deepEqual(tags, ref.tags);
        for (const key of want.tags) assert.ok(key in tags, `tag ${key}`);
        if (kind === 'sqlite') assert.equal(sourceTag, `mlflow:${ref.runId}`);
        for (const [key, count] of Object.entries(want.metrics)) {
          const stored = store.points(run.id, key);
          const refPoints = ref.metrics.filter((m) => m.key === key).sort((a, b) => a.step - b.step);
          assert.equal(stored.length, count, `${want.name} ${key}`);
          assert.deepEqual(stored.map((p) => [p.step, p.time, p.value]), refPoints.map((m) => [m.step, m.timestamp, m.value]));
          points += stored.length;
        }
      }
      assert.equal(points, expected.runs.reduce((n, r) => n + r.metric_points, 0));
    } finally {
      store.close();
    }
    const again = cli(['import', 'mlflow', source, '--json'], dir);
    assert.equal((JSON.parse(again.stdout) as { skippedRuns: number }).skippedRuns, 4);
  });
}

test('import: bad sources are usage errors that say what to pass', () => {
  const dir = tempDir('hyperlab-import-');
  const notMlflow = cli(['import', 'mlflow', dir], dir);
  assert.equal(notMlflow.code, 2);
  assert.match(notMlflow.stderr, /not an MLflow file store/);
  const noEvents = cli(['import', 'tensorboard', dir], dir);
  assert.equal(noEvents.code, 2);
  assert.match(noEvents.stderr, /no event files/);
  const format = cli(['import', 'wandb', dir], dir);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown format "wandb"/);
});
