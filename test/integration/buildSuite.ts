// Bundles the integration suite (suite/index.ts) into one CommonJS file the extension host can
// require, with `vscode` and the native SQLite module left to the host.
import path from 'node:path';
import * as esbuild from 'esbuild';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SUITE_BUNDLE = path.join(REPO_ROOT, 'out', 'integration', 'suite.cjs');

/** Bundles suite/ENTRY.ts (default: index, the main suite) to out/integration/ENTRY-suite.cjs. */
export async function buildSuite(entry = 'index'): Promise<string> {
  const outfile = entry === 'index' ? SUITE_BUNDLE : path.join(REPO_ROOT, 'out', 'integration', `${entry}-suite.cjs`);
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'test', 'integration', 'suite', `${entry}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: 'inline',
    external: ['vscode', 'better-sqlite3'],
    define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    logLevel: 'warning',
  });
  return outfile;
}
