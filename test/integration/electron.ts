// The same integration suite under @vscode/test-electron: downloads VS Code (desktop, Electron)
// from Microsoft's update servers and runs suite/index.ts in its extension host.
//   npm run build && npm run test:electron        (needs internet access to update.code.visualstudio.com;
//   on Linux without a display, run it under xvfb-run)
// This is not part of `npm test`: CI machines without that access use vscode.test.ts, which runs the
// very same suite in code-server. The extension must be built first (dist/extension.cjs).
// Note: Electron's Node loads better-sqlite3's N-API prebuild as is (N-API is ABI-stable).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite, REPO_ROOT } from './buildSuite.ts';
import type { SuiteReport } from './suite/harness.ts';
import { createWorkspace } from './workspaceFixture.ts';

const workspace = createWorkspace();
const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-suite-')), 'results.json');
let exitCode = 1;
try {
  const suite = await buildSuite();
  exitCode = await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: suite,
    extensionTestsEnv: { HYPERLAB_SUITE_RESULTS: resultsFile },
    launchArgs: [workspace.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  const report: SuiteReport = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  for (const line of report.notes) console.log(`# ${line}`);
  const failed = report.results.filter((r) => !r.ok);
  console.log(`integration suite under VS Code desktop: ${report.results.length - failed.length}/${report.planned} passed`);
  if (failed.length > 0 || report.results.length !== report.planned) exitCode = 1;
} catch (error) {
  console.error(`test:electron failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  workspace.remove();
  fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
}
process.exit(exitCode);
