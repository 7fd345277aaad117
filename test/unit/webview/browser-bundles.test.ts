// Every webview panel's script bundles for the browser as `npm run build` bundles it (esbuild,
// platform browser): a module of src/core it reaches that imports a Node built-in breaks the
// build of every program (the sweep panel reaches src/core/spec through core/webview/panel-data).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const panels = fs.readdirSync(path.join(ROOT, 'webview')).filter((name) => /^[a-z-]+$/.test(name) && fs.existsSync(path.join(ROOT, 'webview', name, 'main.ts')));

test('each webview panel bundles for the browser (no Node built-in reached from its modules)', async () => {
  assert.ok(panels.includes('sweep'), panels.join(', '));
  for (const panel of panels) {
    const result = await esbuild.build({
      entryPoints: [`webview/${panel}/main.ts`], absWorkingDir: ROOT, bundle: true, write: false, outfile: `out/${panel}.js`,
      platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'silent',
    }).catch((error: { errors?: esbuild.Message[] }) => (error.errors ?? []).map((e) => `${e.location?.file ?? '?'}: ${e.text}`).join('; '));
    assert.ok(typeof result !== 'string', `webview/${panel}: ${String(result)}`);
  }
});
