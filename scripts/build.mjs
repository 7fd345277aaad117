// Bundles the four programs with esbuild: the extension host entry, the engine child process,
// the CLI, and one script per webview panel. `vscode` and native modules stay external.
import * as esbuild from 'esbuild';
import { buildWasm } from './build-wasm.mjs';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };
const nodeExternal = ['vscode', 'better-sqlite3', 'onnxruntime-node'];
// Sources are ES modules (tests run them as .ts on Node 24); the bundles are CommonJS.
const cjsDefine = { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' };

const exists = (p) => fs.existsSync(path.join(root, p));
const webviewEntries = exists('webview')
  ? fs.readdirSync(path.join(root, 'webview')).filter((f) => /^[a-z-]+$/.test(f) && exists(`webview/${f}/main.ts`))
  : [];

const builds = [
  exists('src/extension.ts') && { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.cjs', platform: 'node', format: 'cjs', target: 'node22', define: cjsDefine, external: nodeExternal },
  exists('src/engine/main.ts') && { ...common, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.cjs', platform: 'node', format: 'cjs', target: 'node22', define: cjsDefine, external: nodeExternal, loader: { '.wasm': 'binary' } },
  exists('src/cli/main.ts') && { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs', platform: 'node', format: 'cjs', target: 'node22', define: cjsDefine, external: nodeExternal, banner: { js: '#!/usr/bin/env node' } },
  ...webviewEntries.map((name) => ({ ...common, entryPoints: [`webview/${name}/main.ts`], outfile: `dist/webview/${name}.js`, platform: 'browser', format: 'iife', target: 'chrome120' })),
].filter(Boolean);

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // the engine's WebAssembly kernels land next to dist/engine.cjs, which loads them from there
  await Promise.all([...builds.map((b) => esbuild.build(b)), buildWasm()]);
  if (exists('dist/cli.cjs')) fs.chmodSync(path.join(root, 'dist/cli.cjs'), 0o755);
}
