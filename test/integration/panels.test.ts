// The panels in the real workbench (code-server, headless Chromium) on REAL engine runs trained
// by the hyperlab CLI on FashionMNIST (small data.limit, few epochs): Curves, Gradient monitor,
// Run detail and Comparison opened from the palette, screenshots in dark, light and high
// contrast themes (test-results/panels-*.png, for a person to look at); a webview posting
// hostile messages that change nothing and cost one log line each; panels restored after a window reload; and a run
// training in another process gaining points in the open Curves panel. One code-server for all.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { openPanelOnRuns, outputChannelLines, postFromWebview, shoot, shootThemes, waitForValue, webviewFrame } from '../e2e/webviews.ts';
import { openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-panels-ws-'));
const db = path.join(workspace, '.hyperlab', 'runs.db');
const spec = path.join(workspace, 'fashion-mlp.hyperlab.json');
let server: CodeServer | undefined;
let bench: Workbench | undefined;
let live: ChildProcess | undefined;
const runIds: number[] = [];

/** Trains one run with the CLI; a run that diverges (exit 1) is a run too. */
async function train(overrides: string[]): Promise<void> {
  const common = ['data.limit=1500', 'data.testLimit=1000', 'train.epochs=5', 'train.statsEvery=4'];
  const args = [CLI, 'run', spec, '--db', db, ...[...common, ...overrides].flatMap((o) => ['--set', o])];
  await promisify(execFile)(process.execPath, args, { cwd: workspace }).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
}

before(async () => {
  if (skip) return;
  for (const file of ['cli.cjs', 'engine.cjs', 'extension.cjs', 'webview/comparison.js']) {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', file)), `dist/${file} is missing: run npm run build`);
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const template = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'media', 'templates', 'fashion-mnist-mlp.hyperlab.json'), 'utf8'));
  delete template.$schema;
  fs.writeFileSync(spec, `${JSON.stringify(template, null, 2)}\n`);
  // code-server boots while the runs train (one after another: one store writer at a time).
  const starting = startCodeServer();
  // Real runs that differ only in optimizer and learning rate; #2's is far too large (it
  // diverges: the gradient monitor's alert, the worst objective in the comparison).
  await train(['train.optimizer.kind=adam', 'train.optimizer.lr=0.001']);
  await train(['train.optimizer.kind=sgd', 'train.optimizer.lr=3']);
  await train(['train.optimizer.kind=adam', 'train.optimizer.lr=0.004']);
  await train(['train.optimizer.kind=momentum', 'train.optimizer.lr=0.05']);
  await train(['train.optimizer.kind=sgd', 'train.optimizer.lr=0.02']);
  const store = openStore(db, { readonly: true });
  runIds.push(...store.listRuns({ sortBy: 'id', order: 'asc' }).map((r) => r.id));
  store.close();
  server = await starting;
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace });
  await whenRestored(bench.page);
});

after(async () => {
  live?.kill('SIGKILL');
  await bench?.close();
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

function uiTest(name: string, shot: string, body: (page: Page) => Promise<void>): void {
  test(name, { skip, timeout: 180_000 }, async () => {
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
const curvesState = (frame: Frame) => frame.evaluate(() => (window as unknown as { hyperlabCurves: { state(): { runIds: number[]; logY: boolean; metric: string } } }).hyperlabCurves.state());

uiTest('Curves on two real runs: train vs validation per epoch, in dark and light themes', 'panels-curves', async (page) => {
  await openPanelOnRuns(page, 'Hyperlab: Show Curves', [runIds[0]!, runIds[2]!], true);
  const frame = await webviewFrame(page, '#curves-chart');
  await frame.waitForFunction(() => (window as unknown as { hyperlabCurves: { datasets(): unknown[] } }).hyperlabCurves.datasets().length > 0);
  const drawn = (await curvesDatasets(frame)).filter((d) => !d.quiet);
  // Labels are "<run name> · <key>"; run names say what they change and may hold " · " themselves.
  assert.deepEqual(drawn.map((d) => d.label.split(' · ').at(-1)), ['epoch.train.loss', 'epoch.val.loss', 'epoch.train.loss', 'epoch.val.loss']);
  assert.equal(drawn[0]!.points, 5, 'five epochs of the first run');
  await frame.locator('#log-y').click(); // state the reload test expects back
  await waitForValue(page, () => curvesState(frame), (s) => s.logY);
  await shootThemes(page, RESULTS, 'panels-curves');
});

uiTest('Gradient monitor on the real run with a far too large learning rate', 'panels-gradients', async (page) => {
  await openPanelOnRuns(page, 'Hyperlab: Show Gradient Monitor', [runIds[1]!], false);
  const frame = await webviewFrame(page, '#grad-chart');
  await frame.locator('#alerts .hint').first().waitFor({ timeout: 30_000 });
  const layers = await frame.evaluate(() => (window as unknown as { hyperlabGradients: { datasets(): { label: string; points: number }[] } }).hyperlabGradients.datasets());
  assert.ok(layers.length >= 3 && layers.every((l) => l.points > 0), `per-layer norms drawn: ${JSON.stringify(layers)}`);
  await shootThemes(page, RESULTS, 'panels-gradients');
});

uiTest('Run detail on a real finished run: summary and confusion matrix first, parameters folded to the chosen ones', 'panels-detail', async (page) => {
  await openPanelOnRuns(page, 'Hyperlab: Show Run Details', [runIds[2]!], false);
  const frame = await webviewFrame(page, '#confusion');
  assert.equal(await frame.locator('#confusion tbody tr').count(), 10);
  assert.match((await frame.locator('#status').textContent())!, /Finished/);
  const chosen = await frame.locator('#params tbody tr th, #params tbody tr td:first-child').allTextContents();
  assert.ok(chosen.includes('train.optimizer.lr') && chosen.includes('data.limit'), `non-default params listed: ${chosen.join(', ')}`);
  assert.ok(chosen.length < 20, `only the chosen params by default (${chosen.length})`);
  await shootThemes(page, RESULTS, 'panels-detail');
});

const COMPARE_ROWS = '.rt-window .rt-row';

uiTest('Comparison of the real runs (optimizers × learning rates), two runs selected for the spec diff, in dark and light', 'panels-comparison', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Compare Runs');
  const frame = await webviewFrame(page, 'body[data-painted="true"]');
  assert.equal(await frame.locator(COMPARE_ROWS).count(), runIds.length, 'one row per run');
  const headers = await frame.locator('.rt-header .rt-name').allInnerTexts();
  assert.ok(headers.includes('lr') && headers.includes('optimizer'), `the varying params are columns, titled: ${headers.join(', ')}`);
  assert.equal(headers[2], 'val acc · best', `the experiment's objective (best epoch val acc) next to the run: ${headers.join(', ')}`);
  assert.equal(await frame.locator(`${COMPARE_ROWS}.best`).count(), 1, 'the best run is marked');
  await frame.locator(COMPARE_ROWS).nth(0).click();
  await frame.locator(COMPARE_ROWS).nth(1).click({ modifiers: ['Control'] });
  await frame.locator('#spec-diff table').waitFor();
  const diffText = (await frame.locator('#spec-diff').textContent())!;
  assert.match(diffText, /train\.optimizer\.lr/);
  // Room for the whole panel in the shots: table, parallel coordinates, scatter, importance, diff.
  await runPaletteCommand(page, 'View: Close Primary Side Bar');
  await page.setViewportSize({ width: 1280, height: 1500 });
  try {
    await shootThemes(page, RESULTS, 'panels-comparison');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

uiTest('a hostile webview: malformed, 50 MB, unknown-kind and SQL messages change nothing; one log line per rejection', 'panels-hostile', async (page) => {
  const frame = await webviewFrame(page, 'body[data-panel="comparison"][data-painted="true"]');
  const before = storeSnapshot();
  const logged = () => outputChannelLines(server!.dir).filter((l) => l.includes('Comparison panel: rejected a message from its webview'));
  const already = logged().length;
  const hostile: { message: unknown; huge?: { field: string; chars: number }; reason: RegExp }[] = [
    { message: 'not an object', reason: /expected an object with a "type" field, got the string "not an object"/ },
    { message: { type: 42 }, reason: /field "type" must be a string, got the number 42/ },
    { message: { type: 'requestSpecDiff', left: 'one', right: runIds[0] }, reason: /"requestSpecDiff": field "left" must be an integer/ },
    { message: { type: 'requestDataset' }, huge: { field: 'experiment', chars: 50 * 1024 * 1024 }, reason: /larger than 65536 characters/ },
    { message: { type: 'deleteRun', runId: runIds[0] }, reason: /unknown message type "deleteRun"/ },
    { message: { type: 'requestSpecDiff', left: '1; DROP TABLE runs; --', right: runIds[0] }, reason: /field "left" must be an integer .* got the string "1; DROP TABLE runs; --"/ },
    { message: { type: "'; DELETE FROM metrics; --" }, reason: /unknown message type "'; DELETE FROM metrics; --"/ },
    { message: { type: 'requestDataset', experiment: null, sql: 'UNION SELECT * FROM runs' }, reason: /"requestDataset": unexpected field "sql"/ },
  ];
  for (const h of hostile) await postFromWebview(frame, h.message, h.huge);
  // A SQL fragment where text is allowed passes the gate and is only ever a bound parameter.
  await postFromWebview(frame, { type: 'requestDataset', experiment: "x' OR 1=1; DROP TABLE runs; --" });
  const lines = await waitForValue(page, async () => logged().slice(already), (l) => l.length >= hostile.length, 300);
  await page.waitForTimeout(1000); // nothing more arrives
  const rejections = logged().slice(already);
  assert.equal(rejections.length, hostile.length, `one line per rejection:\n${rejections.join('\n')}`);
  hostile.forEach((h, i) => assert.match(rejections[i]!, h.reason, `line ${i + 1}: ${lines[i]}`));
  assert.ok(rejections.every((l) => l.length < 400), 'no line echoes the 50 MB string');
  assert.deepEqual(storeSnapshot(), before, 'the store is unchanged');
  await frame.locator(COMPARE_ROWS).nth(runIds.length - 1).waitFor();
  assert.equal(await frame.locator(COMPARE_ROWS).count(), runIds.length, 'the panel still shows every run');
});

function storeSnapshot(): string {
  const store = openStore(db, { readonly: true });
  try {
    return JSON.stringify({ runs: store.listRuns({ sortBy: 'id', order: 'asc' }), experiments: store.listExperiments(), ranges: store.metricRanges() });
  } finally {
    store.close();
  }
}

uiTest('after a window reload the Comparison and Curves panels come back with their state', 'panels-reload', async (page) => {
  let frame = await webviewFrame(page, 'body[data-panel="comparison"][data-painted="true"]');
  await frame.locator('#filter input').fill('train.optimizer.kind=sgd');
  await waitForValue(page, () => frame.locator(COMPARE_ROWS).count(), (n) => n === 2);
  await page.waitForTimeout(500); // the webview's setState reaches the workbench before the reload
  // The command, not page.reload(): VS Code saves its UI state (editors, webview state) first.
  const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
  await runPaletteCommand(page, 'Developer: Reload Window');
  await reloaded;
  await whenRestored(page);
  frame = await webviewFrame(page, 'body[data-panel="comparison"][data-painted="true"]');
  assert.equal(await frame.locator('#filter input').inputValue(), 'train.optimizer.kind=sgd', 'the filter is back');
  assert.equal(await frame.locator(COMPARE_ROWS).count(), 2, 'the two SGD runs');
  await page.locator('.tabs-container .tab', { hasText: 'Hyperlab Curves' }).click();
  const curves = await webviewFrame(page, '#curves-chart');
  const state = await waitForValue(page, () => curvesState(curves), (s) => s.runIds.length === 2);
  assert.deepEqual([...state.runIds].sort((a, b) => a - b), [runIds[0], runIds[2]]);
  assert.equal(state.logY, true, 'log y is still on');
  await waitForValue(page, () => curvesDatasets(curves), (d) => d.filter((x) => !x.quiet).length === 4);
});

uiTest('the curve of a run training in another process gains points while Curves is open', 'panels-live', async (page) => {
  // Far more epochs than the test waits for (it stops the run at the end): 30 epochs (~5,000
  // steps) had ended before the panel's first read on a loaded machine, and a finished curve
  // cannot grow.
  live = spawn(process.execPath, [CLI, 'run', spec, '--db', db, '--set', 'data.limit=12000', '--set', 'train.epochs=1000', '--set', 'train.metricsEvery=1'],
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
  await openPanelOnRuns(page, 'Hyperlab: Show Curves', [liveId], true);
  const frame = await webviewFrame(page, '#curves-chart');
  await frame.locator('#metric vscode-option[value="loss"]').waitFor({ state: 'attached' });
  await frame.locator('#metric').click();
  await frame.locator('#metric vscode-option[value="loss"]').click();
  const lossPoints = async () => (await curvesDatasets(frame)).find((d) => d.label.endsWith(' · loss') && !d.quiet);
  const first = await waitForValue(page, lossPoints, (d) => d !== undefined && d.points > 0);
  const later = await waitForValue(page, lossPoints, (d) => d !== undefined && d.last!.x > first!.last!.x);
  // The points drawn are the store's buckets (one per pixel of the chart): past ~900 steps a
  // longer run is drawn in as many points or fewer, so what grows is the steps the curve covers.
  assert.ok(later!.last!.x > first!.last!.x && later!.points > 0, `the loss curve now reaches step ${later!.last!.x} (was ${first!.last!.x}; ${first!.points} → ${later!.points} points drawn)`);
  assert.ok(later!.points >= Math.min(first!.points, 200), 'still drawn in full detail');
  await shoot(page, path.join(RESULTS, 'panels-curves-live.png'));
  live.kill('SIGINT');
});
