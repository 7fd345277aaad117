// Builds the .vsix the way `npm run package` does and checks that it holds what runs (the
// bundles, media, better-sqlite3's JavaScript and prebuilt binaries, the manifest) and none of
// the sources, tests, scripts or source maps.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { packageVsix } from '../../e2e/packageVsix.ts';
import { zipEntries } from './zipEntries.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-vsix-')), 'hyperlab.vsix');
let entries: string[] = [];

before(() => {
  packageVsix(out);
  entries = zipEntries(out).filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
});

after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

test('the .vsix holds every built bundle and kernel, the media and the manifest', () => {
  const built = fs.readdirSync(path.join(root, 'dist')).filter((f) => /\.(cjs|wasm)$/.test(f)).map((f) => `dist/${f}`);
  const webviews = fs.existsSync(path.join(root, 'dist', 'webview'))
    ? fs.readdirSync(path.join(root, 'dist', 'webview')).filter((f) => f.endsWith('.js') || f.endsWith('.css')).map((f) => `dist/webview/${f}`)
    : [];
  assert.ok(built.includes('dist/extension.cjs'));
  const wanted = [...built, ...webviews, 'package.json', 'readme.md', 'LICENSE.txt', 'media/hyperlab.png', 'media/hyperlab-activity.svg'];
  assert.deepEqual(wanted.filter((f) => !entries.includes(f)), []);
});

test('the .vsix holds better-sqlite3 as it runs: JavaScript and the N-API prebuilds, not its sources', () => {
  for (const f of ['node_modules/better-sqlite3/package.json', 'node_modules/better-sqlite3/lib/index.js',
    'node_modules/better-sqlite3/lib/database.js', 'node_modules/better-sqlite3/prebuilds/linux-x64.node',
    'node_modules/better-sqlite3/prebuilds/win32-x64.node', 'node_modules/better-sqlite3/prebuilds/darwin-arm64.node']) {
    assert.ok(entries.includes(f), `missing ${f}`);
  }
  const buildInputs = entries.filter((e) => /^node_modules\/(better-sqlite3\/(deps|src)\/|node-addon-api\/)/.test(e) || e.endsWith('binding.gyp'));
  assert.deepEqual(buildInputs, []);
});

test('the .vsix holds ONNX Runtime for linux-x64 (export verification) and not the other platforms\' 240 MB', () => {
  for (const f of ['node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', 'node_modules/onnxruntime-common/package.json']) {
    assert.ok(entries.includes(f), f);
  }
  assert.deepEqual(entries.filter((e) => /^node_modules\/onnxruntime-node\/bin\/napi-v6\/(darwin|win32|linux\/arm64)\//.test(e)), []);
});

test('the .vsix holds no sources, tests, scripts, maps or local state', () => {
  const leaked = entries.filter((e) =>
    /^(src|test|scripts|webview|out|assembly|test-results|\.ci|\.hyperlab|\.vscode)\//.test(e) || /\.(ts|map|tsbuildinfo|vsix|whl|pyc)$/.test(e) || e === 'tsconfig.json' || e === 'package-lock.json');
  assert.deepEqual(leaked, []);
});

test('the .vsix holds the Python client Run Python File with Tracking puts on PYTHONPATH, integrations included', () => {
  const client = (dir: string) => fs.readdirSync(path.join(root, 'python', dir)).filter((f) => f.endsWith('.py')).map((f) => `python/${dir}/${f}`);
  const wanted = [...client('hyperlab'), ...client('hyperlab/integrations'), 'python/pyproject.toml'];
  assert.deepEqual(wanted.filter((f) => !entries.includes(f)), []);
});

test('what the manifest points to is in the .vsix', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    main: string; icon: string; activationEvents: string[];
    contributes: { viewsContainers: { activitybar: { icon: string }[] }; jsonValidation?: { url: string }[] };
  };
  const rel = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));
  const referenced = [manifest.main, manifest.icon, ...manifest.contributes.viewsContainers.activitybar.map((c) => c.icon),
    ...(manifest.contributes.jsonValidation ?? []).map((j) => j.url)].map(rel);
  assert.deepEqual(referenced.filter((f) => !entries.includes(f)), []);
  assert.ok(!manifest.activationEvents.includes('*'), 'activation must stay lazy');
});
