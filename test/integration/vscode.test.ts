// Runs the integration suite (suite/*.suite.ts) inside a real VS Code extension host:
// code-server headless, the extension loaded from this checkout, the suite as extensionTestsPath.
// Asserts the host's exit code and every test the suite reports.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { openWorkbench } from '../e2e/workbench.ts';
import { buildSuite, REPO_ROOT } from './buildSuite.ts';
import type { SuiteReport } from './suite/harness.ts';
import { createWorkspace } from './workspaceFixture.ts';

const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

before(() => {
  if (skip) return;
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.cjs')), 'dist/extension.cjs is missing: npm run build');
});

/** Starts a fresh code-server on a fresh workspace and runs suite/ENTRY.ts in its extension host. */
async function runSuite(entry: string, options: { workspaceTrust?: boolean } = {}): Promise<{ exitCode: number; report: SuiteReport; console: string; serverLog: string }> {
  const suite = await buildSuite(entry);
  const workspace = createWorkspace();
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-suite-')), 'results.json');
  let server: CodeServer | undefined;
  try {
    server = await startCodeServer({ env: { HYPERLAB_SUITE_RESULTS: resultsFile }, ...options });
    const bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace: workspace.dir, testsPath: suite });
    let exitCode: number;
    try {
      exitCode = await bench.exitCode;
    } finally {
      await bench.close();
    }
    const report: SuiteReport = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : { planned: -1, results: [], notes: [] };
    return { exitCode, report, console: bench.console.join('\n'), serverLog: server.log().slice(-3000) };
  } finally {
    await server?.stop();
    workspace.remove();
    fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  }
}

test('the integration suite passes inside the real extension host', { skip }, async () => {
  const { exitCode, report: { planned, results, notes }, console: hostConsole, serverLog } = await runSuite('index');
  for (const line of notes) console.log(`# ${line}`);
  const report = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`).join('\n');
  const failures = results.filter((r) => !r.ok);
  assert.deepEqual(failures.map((f) => `${f.name}: ${f.error}`), [], `failed inside the extension host:\n${report}`);
  assert.ok(planned >= 16, `the suite registered ${planned} tests`);
  assert.equal(results.length, planned, `the suite reported ${results.length} of ${planned} results:\n${report}\n${hostConsole}`);
  assert.equal(exitCode, 0, `extension host exit code ${exitCode}\n${hostConsole}\n${serverLog}`);
});

test('in Restricted Mode the extension reads but starts no process', { skip }, async () => {
  const { exitCode, report, console: hostConsole } = await runSuite('restricted', { workspaceTrust: true });
  assert.deepEqual(report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`), []);
  assert.equal(report.results.length, report.planned);
  assert.equal(report.planned, 2);
  assert.equal(exitCode, 0, hostConsole);
});
