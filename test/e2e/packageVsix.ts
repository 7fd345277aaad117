// Builds the .vsix exactly as `npm run package` does (same vsce flags, read from package.json),
// into a given path. Shared by the packaging unit test and the UI test, which installs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export function packageVsix(out: string): void {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.cjs'))) run([process.execPath, 'scripts/build.mjs']);
  const script = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { package: string } }).scripts.package;
  const flags = script.slice(script.indexOf('vsce package') + 'vsce package'.length).replace(/--out\s+\S+/, '').trim().split(/\s+/).filter(Boolean);
  run([process.execPath, path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', ...flags, '--out', out]);
}

function run(argv: string[]): void {
  // stdin closed: a question from vsce (a missing field) fails the build instead of hanging it.
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}
