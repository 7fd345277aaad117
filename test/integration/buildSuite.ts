// Bundles the integration suite (suite/index.ts) into one CommonJS file the extension host can
// require, with `vscode` and the native SQLite module left to the host.
import path from 'node:path';
import * as esbuild from 'esbuild';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SUITE_BUNDLE = path.join(REPO_ROOT, 'out', 'integration', 'suite.cjs');

export async function buildSuite(): Promise<string> {
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'test', 'integration', 'suite', 'index.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: 'inline',
    external: ['vscode', 'better-sqlite3'],
    define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    logLevel: 'warning',
  });
  return SUITE_BUNDLE;
}
