// SLURM from the real VS Code (code-server, headless Chromium) on the real single-node cluster
// (test/slurm/start-slurm.sh; skipped with one printed line where it cannot start): a run the CLI
// submitted before the window opened is reattached at activation and ends finished with every
// point; Run Experiment on a spec with execution.backend slurm submits a job, its Run Explorer
// tooltip names the job, and it finishes with every point its engine wrote; the same for a spec
// without an execution section, sent to SLURM by the hyperlab.execution setting; and for a spec
// that runs the user's script (producer and execution sections).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { openFile, openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { channelPoints, startCluster, storedPoints, tinySpec, workspace as slurmWorkspace, writeSpec } from '../unit/slurm/helpers.ts';
import { REPO_ROOT } from './buildSuite.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const skip = !codeServerInstalled() ? 'code-server is not installed (bash test/e2e/setup-vscode.sh)' : startCluster() ?? false;

const workspace = skip ? '' : slurmWorkspace();
const db = path.join(workspace, '.hyperlab', 'runs.db');
let server: CodeServer | undefined;
let bench: Workbench | undefined;
let detachedRun: { id: number; jobId: string } | undefined;

before(async () => {
  if (skip) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  // Submitted by the CLI, which returns at once; the job sleeps before it trains, so it is still
  // going when the window opens and nothing but the window can bring its points in.
  const detached = writeSpec(workspace, 'from-cli', tinySpec({ time: '10', setup: 'sleep 8' }));
  const out = execFileSync(process.execPath, [CLI, 'run', detached, '--detach', '--json'], { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed = JSON.parse(out) as { run: { id: number }; cluster: { jobId: string } };
  detachedRun = { id: parsed.run.id, jobId: parsed.cluster.jobId };
  writeSpec(workspace, 'from-vscode', tinySpec({ time: '10' }));
  // A spec that runs the user's script (the client's test script) on the cluster.
  writeSpec(workspace, 'script-on-slurm', {
    producer: { command: process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3', args: [path.join(REPO_ROOT, 'test', 'unit', 'client', 'scripts', 'configured.py')], env: { EXPERIMENT: 'filed-by-init' } },
    train: { lr: 0.1, epochs: 2 },
    execution: { backend: 'slurm', time: '5' },
  });
  // No execution section: the workspace's hyperlab.execution setting sends it to SLURM.
  const { execution: _execution, ...bySetting } = tinySpec({}) as { execution: object };
  writeSpec(workspace, 'by-setting', bySetting);
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'hyperlab.execution': { backend: 'slurm', time: '7' } }));
  server = await startCodeServer();
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace });
  await whenRestored(bench.page);
});

after(async () => {
  await bench?.close();
  await server?.stop();
});

function uiTest(name: string, shot: string, body: (page: Page) => Promise<void>): void {
  test(name, { skip, timeout: 240_000 }, async () => {
    try {
      await body(bench!.page);
    } catch (error) {
      await bench!.page.screenshot({ path: path.join(RESULTS, `${shot}.fail.png`) }).catch(() => {});
      throw error;
    }
  });
}

function readStore<T>(read: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(db, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

async function until<T>(page: Page, what: string, probe: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

const sidebar = (page: Page) => page.locator('#workbench\\.parts\\.sidebar');

/** Run Experiment on the spec file, with the overrides typed (none: Enter); waits for its run and SLURM job. */
async function submitFromSpec(page: Page, file: string, overrides = ''): Promise<{ runId: number; jobId: string }> {
  await openFile(page, file);
  await runPaletteCommand(page, 'Hyperlab: Run Experiment');
  // The overrides box, known by its placeholder (the palette's input is the same element before it).
  const box = page.locator('.quick-input-widget input[placeholder="optimizer.lr=0.01 epochs=3"]');
  await box.waitFor({ timeout: 20_000 });
  if (overrides) await box.fill(overrides);
  await box.press('Enter');
  const runId = await until(page, 'the run submitted from VS Code', () => readStore((s) => s.listRuns({}).find((r) => r.specPath?.endsWith(file))?.id));
  const jobId = await until(page, 'its SLURM job', () => readStore((s) => s.cluster.get(runId)?.jobId));
  return { runId, jobId };
}

/** The run once it has ended. */
function ended(page: Page, runId: number) {
  return until(page, `run ${runId} ended`, () => {
    const r = readStore((s) => s.getRun(runId));
    return r && r.status !== 'queued' && r.status !== 'running' ? r : undefined;
  });
}

uiTest('a run the CLI left on the cluster is reattached when the window opens and ends finished with every point', 'slurm-reattach', async (page) => {
  const { id } = detachedRun!;
  const run = await ended(page, id); // reconciled by the window
  assert.equal(run.status, 'finished', run.reason ?? '');
  readStore((store) => {
    const job = store.cluster.get(id)!;
    assert.equal(job.state, 'COMPLETED');
    assert.equal(storedPoints(store, id), channelPoints(job.channel), 'every point the engine wrote');
  });
});

uiTest('Run Experiment on a slurm spec submits a job; the tooltip names it; every point is stored', 'slurm-run', async (page) => {
  const { runId, jobId } = await submitFromSpec(page, 'from-vscode.hyperlab.json');
  const run = await ended(page, runId);
  assert.equal(run.status, 'finished', run.reason ?? '');
  readStore((store) => {
    const job = store.cluster.get(runId)!;
    assert.equal(storedPoints(store, runId), channelPoints(job.channel), 'every point the engine wrote');
    assert.ok(storedPoints(store, runId) > 18);
  });
  // The Run Explorer's hover card names the job.
  await page.locator('#workbench\\.parts\\.activitybar .action-item a[aria-label^="Hyperlab"]').click();
  const row = sidebar(page).locator('.monaco-list-row', { hasText: run.name }).first();
  await row.waitFor({ timeout: 30_000 });
  const hover = page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').filter({ hasText: 'SLURM job' });
  // The tree re-renders when the window's cluster watcher or the store's poll refreshes it, which
  // closes an open hover: hover again until the card stays up (it is made on hover).
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(0, 0);
    await row.hover();
    try {
      await hover.first().waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 6) throw error;
    }
  }
  assert.match(await hover.first().innerText(), new RegExp(`SLURM job\\s+${jobId} \\(COMPLETED, exit code 0:0`));
  await page.screenshot({ path: path.join(RESULTS, 'slurm-tooltip.png') });
});

uiTest('Run Experiment on a spec with a producer section and execution on SLURM: the script runs as a job with the typed override, filed where its init() says', 'slurm-script', async (page) => {
  const { runId } = await submitFromSpec(page, 'script-on-slurm.hyperlab.json', 'lr=0.5');
  const run = await ended(page, runId);
  assert.equal(run.status, 'finished', run.reason ?? '');
  assert.equal(run.experimentName, 'filed-by-init');
  assert.deepEqual(run.params, { train: { lr: 0.5, epochs: 2, steps: 3 }, model: { hidden: 8 } }, 'what the script ran with, as it reported it');
  readStore((store) => assert.equal(store.points(runId, 'train.loss').length, 6));
});

uiTest('Run Experiment on a spec without an execution section, in a workspace whose hyperlab.execution setting says slurm: a job with the setting\'s time limit, every point stored', 'slurm-setting', async (page) => {
  const { runId, jobId } = await submitFromSpec(page, 'by-setting.hyperlab.json');
  // SLURM's own record of the job: the setting's time limit (7 minutes).
  assert.match(execFileSync('scontrol', ['show', 'job', jobId], { encoding: 'utf8' }), /TimeLimit=00:07:00/);
  const run = await ended(page, runId);
  assert.equal(run.status, 'finished', run.reason ?? '');
  readStore((store) => assert.equal(storedPoints(store, runId), channelPoints(store.cluster.get(runId)!.channel), 'every point the engine wrote'));
});

