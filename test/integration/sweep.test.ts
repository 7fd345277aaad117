// The Sweep dashboard and sweep commands in the real workbench (code-server, headless Chromium):
// a finished sweep of 100 real trials (the hyperlab CLI, two-moons MLPs, TPE + ASHA) shown from
// the palette in dark, light and high contrast; then a sweep started with "Hyperlab: Run Sweep",
// watched live in the dashboard and the Run Explorer, its extension host killed with SIGKILL
// mid-sweep, and "Hyperlab: Resume Sweep" finishing it with every trial run once.
// Screenshots: test-results/sweep-*.png, for a person to look at.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import type { SweepView } from '../../src/core/webview/contract.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { shootThemes, waitForValue, webviewFrame } from '../e2e/webviews.ts';
import { openFile, openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-sweep-ws-'));
const db = path.join(workspace, '.hyperlab', 'runs.db');
const big = path.join(workspace, 'moons-big.hyperlab.json');
const live = path.join(workspace, 'moons-live.hyperlab.json');
let server: CodeServer | undefined;
let bench: Workbench | undefined;

function writeSpec(file: string, change: (spec: { train: { epochs: number }; search: Record<string, unknown> }) => void): void {
  const spec = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'media', 'templates', 'csv-example-sweep.hyperlab.json'), 'utf8'));
  delete spec.$schema;
  change(spec);
  fs.writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(path.join(workspace, 'data'));
  fs.copyFileSync(path.join(REPO_ROOT, 'media', 'templates', 'data', 'two-moons.csv'), path.join(workspace, 'data', 'two-moons.csv'));
  writeSpec(big, (s) => {
    s.train.epochs = 4;
    s.search['budget'] = { trials: 100 };
    s.search['pruner'] = { kind: 'asha', minResource: 1, reductionFactor: 2 };
  });
  // Slow enough (a few seconds a trial) that the sweep is still going after the screenshots.
  writeSpec(live, (s) => {
    s.train.epochs = 400;
    s.search['budget'] = { trials: 16 };
  });
  const starting = startCodeServer();
  await promisify(execFile)(process.execPath, [CLI, 'sweep', big, '--db', db], { cwd: workspace, maxBuffer: 64 * 1024 * 1024 });
  server = await starting;
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace });
  await whenRestored(bench.page);
});

after(async () => {
  await bench?.close();
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

function uiTest(name: string, shot: string, body: (page: Page) => Promise<void>): void {
  test(name, { skip, timeout: 300_000 }, async () => {
    try {
      await body(bench!.page);
    } catch (error) {
      await bench!.page.screenshot({ path: path.join(RESULTS, `${shot}.fail.png`) }).catch(() => {});
      throw error;
    }
  });
}

const sweepView = (frame: Frame) => frame.evaluate(() => (window as unknown as { hyperlabSweep: { view(): SweepView | null } }).hyperlabSweep.view());
const historyPoints = (frame: Frame) => frame.evaluate(() => (window as unknown as { hyperlabSweep: { historyPoints(): unknown[] } }).hyperlabSweep.historyPoints().length);

function readStore<T>(read: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(db, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

uiTest('a finished sweep of 100 real trials in the dashboard: history, rungs, slices, contour, timeline, best trial', 'sweep-finished', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Show Sweep Dashboard');
  const frame = await webviewFrame(page, '#history canvas');
  const view = await waitForValue(page, () => sweepView(frame), (v) => v !== null && v.trials.length === 100);
  const stored = readStore((store) => store.sweeps.trials(view!.sweep.id));
  assert.equal(stored.length, 100);
  assert.deepEqual(view!.trials.map((t) => t.runId), stored.map((t) => t.runId), 'every stored trial, in trial order');
  const pruned = view!.trials.filter((t) => t.status === 'pruned').length;
  assert.ok(pruned > 0, 'ASHA stopped some trials');
  assert.deepEqual(view!.sweep.rungs, [1, 2], 'ASHA rungs below the 4 epochs');
  assert.ok(await historyPoints(frame) >= view!.trials.filter((t) => t.value !== null || t.intermediate.ys.length > 0).length);
  assert.match((await frame.locator('#facts [data-fact="trials"]').textContent())!, /^trials 100 of 100 \(/);
  assert.equal(await frame.locator('#slices .plot-box').count(), 5, 'one slice per searched parameter');
  assert.ok(view!.bestRunId !== null);
  await frame.locator('#best-params').waitFor();
  await shootThemes(page, RESULTS, 'sweep-finished');
});

uiTest('Run Sweep from the palette: live in the dashboard; SIGKILL of the extension host mid-sweep, then Resume Sweep runs every trial once', 'sweep-live', async (page) => {
  await openFile(page, 'moons-live.hyperlab.json');
  await runPaletteCommand(page, 'Hyperlab: Run Sweep');
  const sweepId = await waitForValue(page, async () => readStore((s) => s.sweeps.list().find((w) => w.specPath === live)?.id ?? null), (id) => id !== null);
  const frame = await webviewFrame(page, '#history canvas');
  // Live: the dashboard follows the sweep while trials end.
  await waitForValue(page, () => sweepView(frame), (v) => v?.sweep.id === sweepId && v.trials.filter((t) => t.status !== 'running' && t.status !== 'queued').length >= 3 && v.trials.some((t) => t.status === 'running'), 1200);
  await shootThemes(page, RESULTS, 'sweep-live');

  // Kill the extension host that drives the sweep (as a crash would): the trials' engines see
  // their channel close and stop; the sweep stays resumable in the store.
  const hosts = execFileSync('pgrep', ['-f', '--', '--type=extensionHost'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  const ours = hosts.filter((pid) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(server!.dir));
  assert.equal(ours.length, 1, `one extension host of this code-server (found ${hosts.join(', ')})`);
  const before = readStore((s) => s.sweeps.trials(sweepId!));
  assert.ok(before.some((t) => t.status === 'running'), 'trials were running when the host was killed');
  assert.ok(before.length < 16, 'the sweep had not proposed its whole budget yet');
  process.kill(ours[0]!, 'SIGKILL');
  const finishedBefore = before.filter((t) => t.status === 'finished' || t.status === 'pruned').map((t) => t.runId);
  // The window is reloaded (a new extension host starts), as a person would after the crash notice.
  await page.waitForTimeout(1500);
  const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
  await runPaletteCommand(page, 'Developer: Reload Window');
  await reloaded;
  await whenRestored(page);
  await runPaletteCommand(page, 'Hyperlab: Resume Sweep', 90_000);
  const input = page.locator('.quick-input-widget input');
  await input.fill(String(sweepId));
  await input.press('Enter');
  const done = await waitForValue(page, async () => readStore((s) => s.sweeps.get(sweepId!)), (s) => s?.status === 'finished', 2400);
  const trials = readStore((s) => s.sweeps.trials(sweepId!));
  assert.equal(trials.length, 16, 'the budget, no more');
  assert.deepEqual(trials.map((t) => t.number), [...Array(16).keys()], 'each trial number once');
  assert.ok(trials.every((t) => t.status === 'finished'), `every trial ran to its end once: ${JSON.stringify(trials.map((t) => [t.number, t.status, t.reason]))}`);
  for (const runId of finishedBefore) assert.ok(trials.some((t) => t.runId === runId && ['finished', 'pruned'].includes(t.status)), `trial run ${runId}, ended before the kill, is kept`);
  assert.equal(done!.trialCounts.running ?? 0, 0);
});
