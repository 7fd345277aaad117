// The panels in the real workbench (code-server, headless Chromium) on REAL engine runs trained
// by the hyperlab CLI on FashionMNIST: Curves, Gradient monitor and Run detail opened from the
// palette, screenshots in a dark and a light theme (test-results/panels-*.png, for a person to
// look at), and a run training in another process gaining points in the open Curves panel.
// Run: npm run build && node --test test/e2e/panels-ui.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from './codeServer.ts';
import { openWorkbench, runPaletteCommand, whenRestored, type Workbench } from './workbench.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const skip = !codeServerInstalled() ? 'code-server is not installed (bash test/e2e/setup-vscode.sh)'
  : !fs.existsSync(path.join(REPO_ROOT, 'dist', 'webview', 'curves.js')) ? 'dist/webview is missing: npm run build' : false;

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-panels-ws-'));
const db = path.join(workspace, '.hyperlab', 'runs.db');
const spec = path.join(workspace, 'fashion-mlp.hyperlab.json');
let server: CodeServer | undefined;
let bench: Workbench | undefined;
let live: ChildProcess | undefined;
const runIds: number[] = [];

/** Trains one run with the CLI; a run that diverges (exit 1) is a run too. */
function train(overrides: string[]): void {
  try {
    execFileSync(process.execPath, [CLI, 'run', spec, '--db', db, ...overrides.flatMap((o) => ['--set', o])], { cwd: workspace, stdio: 'pipe' });
  } catch (error) {
    if ((error as { status?: number }).status !== 1) throw error;
  }
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  const template = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'media', 'templates', 'fashion-mnist-mlp.hyperlab.json'), 'utf8'));
  delete template.$schema;
  fs.writeFileSync(spec, `${JSON.stringify(template, null, 2)}\n`);
  // Two real runs: a sane learning rate, and a far too large one (for the gradient monitor).
  train(['data.limit=2000', 'train.epochs=6', 'train.statsEvery=4']);
  train(['data.limit=2000', 'train.epochs=3', 'train.statsEvery=2', 'train.optimizer.kind=sgd', 'train.optimizer.lr=3', 'train.schedule.kind=constant']);
  train(['data.limit=2000', 'train.epochs=6', 'train.statsEvery=4', 'train.optimizer.lr=0.004']);
  const store = openStore(db, { readonly: true });
  runIds.push(...store.listRuns({ sortBy: 'id', order: 'asc' }).map((r) => r.id));
  store.close();
  server = await startCodeServer();
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace });
  await whenRestored(bench.page);
});

after(async () => {
  live?.kill('SIGKILL');
  await bench?.close();
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

/** The frame of the open webview that has `selector` (webviews are nested iframes). */
async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate((s) => !!document.querySelector(s), selector).catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

async function pickRunsInQuickPick(page: Page, ids: number[], many: boolean): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  if (!many) {
    await input.fill(`#${ids[0]} `);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: `#${ids[0]} ·` }).first().waitFor();
    await input.press('Enter');
    return;
  }
  for (const id of ids) await page.locator('.quick-input-list .monaco-list-row', { hasText: `#${id} ·` }).first().click();
  await input.press('Enter');
}

/** Switches between the default dark and light themes (the picker would search the marketplace). */
async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await runPaletteCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.waitForFunction((light) => document.querySelector('.monaco-workbench')?.classList.contains(light ? 'vs' : 'vs-dark'), theme === 'light');
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(5, 795);
  await page.waitForTimeout(400); // let the webview repaint after a theme switch (not asserted on)
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
}

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

type Drawn = { label: string; quiet: boolean; points: number; last: { x: number; y: number } | null };
const curvesDatasets = (frame: Frame) => frame.evaluate(() => (window as unknown as { hyperlabCurves: { datasets(): Drawn[] } }).hyperlabCurves.datasets());

uiTest('Curves on two real runs: train vs validation per epoch, in dark and light themes', 'panels-curves', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Show Curves');
  await pickRunsInQuickPick(page, [runIds[0]!, runIds[2]!], true);
  const frame = await webviewFrame(page, '#curves-chart');
  await frame.waitForFunction(() => (window as unknown as { hyperlabCurves: { datasets(): unknown[] } }).hyperlabCurves.datasets().length > 0);
  const drawn = (await curvesDatasets(frame)).filter((d) => !d.quiet);
  assert.deepEqual(drawn.map((d) => d.label.split(' · ')[1]), ['epoch.train.loss', 'epoch.val.loss', 'epoch.train.loss', 'epoch.val.loss']);
  assert.equal(drawn[0]!.points, 6, 'six epochs of the first run');
  await shoot(page, 'panels-curves-dark');
  await setTheme(page, 'light');
  await shoot(page, 'panels-curves-light');
  await setTheme(page, 'dark');
});

uiTest('Gradient monitor on the real run with a far too large learning rate', 'panels-gradients', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Show Gradient Monitor');
  await pickRunsInQuickPick(page, [runIds[1]!], false);
  const frame = await webviewFrame(page, '#grad-chart');
  await frame.locator('#alerts .hint').first().waitFor({ timeout: 30_000 });
  const layers = await frame.evaluate(() => (window as unknown as { hyperlabGradients: { datasets(): { label: string; points: number }[] } }).hyperlabGradients.datasets());
  assert.ok(layers.length >= 3 && layers.every((l) => l.points > 0), `per-layer norms drawn: ${JSON.stringify(layers)}`);
  await shoot(page, 'panels-gradients-dark');
  await setTheme(page, 'light');
  await shoot(page, 'panels-gradients-light');
  await setTheme(page, 'dark');
});

uiTest('Run detail on a real finished run: confusion matrix over the ten FashionMNIST classes', 'panels-detail', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Show Run Detail Panel');
  await pickRunsInQuickPick(page, [runIds[0]!], false);
  const frame = await webviewFrame(page, '#confusion');
  assert.equal(await frame.locator('#confusion tbody tr').count(), 10);
  assert.match((await frame.locator('#status').textContent())!, /Finished/);
  await shoot(page, 'panels-detail-dark');
  await setTheme(page, 'light');
  await shoot(page, 'panels-detail-light');
  await setTheme(page, 'dark');
});

uiTest('the curve of a run training in another process gains points while Curves is open', 'panels-live', async (page) => {
  live = spawn(process.execPath, [CLI, 'run', spec, '--db', db, '--set', 'data.limit=12000', '--set', 'train.epochs=30', '--set', 'train.metricsEvery=1'],
    { cwd: workspace, stdio: 'ignore' });
  const store = openStore(db, { readonly: true });
  let liveId: number | undefined;
  for (let i = 0; i < 600 && liveId === undefined; i++) {
    const run = store.listRuns({ status: 'running' })[0];
    if (run && store.metricKeys(run.id).includes('loss')) liveId = run.id;
    else await page.waitForTimeout(100);
  }
  store.close();
  assert.ok(liveId, 'the CLI run started');
  await runPaletteCommand(page, 'Hyperlab: Show Curves');
  await pickRunsInQuickPick(page, [liveId], true);
  const frame = await webviewFrame(page, '#curves-chart');
  await frame.locator('#metric vscode-option[value="loss"]').waitFor({ state: 'attached' });
  await frame.locator('#metric').click();
  await frame.locator('#metric vscode-option[value="loss"]').click();
  const lossPoints = async () => (await curvesDatasets(frame)).find((d) => d.label.endsWith(' · loss') && !d.quiet);
  const first = await waitForValue(page, lossPoints, (d) => d !== undefined && d.points > 0);
  const later = await waitForValue(page, lossPoints, (d) => d !== undefined && d.last!.x > first!.last!.x);
  assert.ok(later!.points > first!.points, `the loss curve grew from ${first!.points} to ${later!.points} points (last step ${first!.last!.x} → ${later!.last!.x})`);
  await shoot(page, 'panels-curves-live');
  live.kill('SIGINT');
});

async function waitForValue<T>(page: Page, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (ok(v)) return v;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out; last value ${JSON.stringify(await read())}`);
}
