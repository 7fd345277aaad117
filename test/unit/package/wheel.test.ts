// The Python client's wheel, as `npm run package` builds it beside the .vsix: pip installs it
// into a fresh folder (checking our RECORD against the hashes pip computes of what it wrote),
// and Debian's python3, with only that folder on its path, imports the client from there and
// tracks a run into an inbox that the store then ingests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { syncInbox } from '../../../src/core/inbox/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { zipEntries } from './zipEntries.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-wheel-'));
const version = /^version = "([^"]+)"/m.exec(fs.readFileSync(path.join(root, 'python', 'pyproject.toml'), 'utf8'))![1]!;
let wheel = '';

/** A clean environment: nothing of the repository on Python's path, no Hyperlab host. */
function bareEnv(extra: { [key: string]: string } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONNOUSERSITE: '1', PIP_NO_INDEX: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  for (const key of ['PYTHONPATH', 'HYPERLAB_CHANNEL_FD', 'HYPERLAB_PARAMS', 'HYPERLAB_DIR', 'HYPERLAB_RUN_DIR']) delete env[key];
  return { ...env, ...extra };
}

function recordOf(text: string): Map<string, string> {
  return new Map(text.trim().split(/\r?\n/).map((line) => {
    const [file, hash, size] = line.split(',');
    return [file!, `${hash},${size}`] as const;
  }));
}

/** `node scripts/build-wheel.mjs --out DIR`, as `npm run package` runs it; returns the wheel it printed. */
function buildWheel(out: string): string {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-wheel.mjs'), '--out', out], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  return built.stdout.trim();
}

before(() => {
  wheel = buildWheel(path.join(work, 'dist'));
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('npm run package builds the wheel beside the .vsix, and the .vsix does not carry it', () => {
  const script = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { package: string } }).scripts.package;
  assert.match(script, /node scripts\/build-wheel\.mjs --out dist && vsce package .*--out dist\/hyperlab\.vsix/);
  assert.ok(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('dist/*.whl'));
  assert.equal(path.basename(wheel), `hyperlab-${version}-py3-none-any.whl`);
});

test('the wheel holds every module of the packages pyproject.toml lists, py.typed and the dist-info, and is the same bytes when built again', () => {
  const sources = (dir: string) => fs.readdirSync(path.join(root, 'python', dir)).filter((f) => f.endsWith('.py')).map((f) => `${dir}/${f}`);
  const info = `hyperlab-${version}.dist-info`;
  assert.deepEqual(zipEntries(wheel).sort(), [...sources('hyperlab'), ...sources('hyperlab/integrations'), 'hyperlab/py.typed',
    `${info}/METADATA`, `${info}/RECORD`, `${info}/WHEEL`, `${info}/top_level.txt`].sort());
  assert.deepEqual(fs.readFileSync(buildWheel(path.join(work, 'again'))), fs.readFileSync(wheel));
});

test('pip installs the wheel into a fresh folder; its RECORD hashes match the installed files; python3 imports the client from there and tracks a run into the inbox', () => {
  const target = path.join(work, 'site');
  const pip = spawnSync(PYTHON, ['-m', 'pip', 'install', '--no-deps', '--no-index', '--no-compile', '--target', target, wheel], { env: bareEnv(), encoding: 'utf8' });
  assert.equal(pip.status, 0, pip.stderr + pip.stdout);

  // RECORD (PEP 376/427): every file but itself, with the urlsafe, unpadded base64 of its SHA-256
  // and its size, as found in what pip installed (pip itself copies these entries unchecked).
  const info = `hyperlab-${version}.dist-info`;
  const record = recordOf(spawnSync(PYTHON, ['-c', `import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("${info}/RECORD").decode())`, wheel], { encoding: 'utf8' }).stdout);
  assert.deepEqual([...record.keys()].sort(), zipEntries(wheel).sort());
  assert.equal(record.get(`${info}/RECORD`), ',');
  for (const [file, entry] of record) {
    if (file.endsWith('/RECORD')) continue;
    const data = fs.readFileSync(path.join(target, file));
    const hash = createHash('sha256').update(data).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    assert.equal(entry, `sha256=${hash},${data.length}`, file);
  }

  const dir = fs.mkdtempSync(path.join(work, 'workspace-'));
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  const ran = spawnSync(PYTHON, ['-c', `
import importlib.metadata, sys
import hyperlab, hyperlab.integrations
assert hyperlab.__file__.startswith(sys.argv[1]), hyperlab.__file__
meta = importlib.metadata.metadata("hyperlab")
print(importlib.metadata.version("hyperlab"), meta["Requires-Python"], hyperlab.__version__)
run = hyperlab.init(experiment="from-wheel", config={"lr": 0.1})
for step in range(3):
    run.log({"train.loss": 1.0 / (step + 1)}, step=step)
run.finish()
`, target], { cwd: dir, env: bareEnv({ PYTHONPATH: target }), encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(ran.stdout.trim(), `${version} >=3.9 ${version}`);

  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  try {
    syncInbox(store, path.join(dir, '.hyperlab', 'inbox'));
    const runs = store.listRuns({});
    assert.deepEqual(runs.map((r) => [r.experimentName, r.status, r.params]), [['from-wheel', 'finished', { lr: 0.1 }]]);
    assert.deepEqual(store.points(runs[0]!.id, 'train.loss').map((p) => p.value), [1, 0.5, 1 / 3]);
  } finally {
    store.close();
  }
});
