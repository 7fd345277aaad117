// Everyday use in the real workbench (headless Chromium), as the walkthrough: a live run
// started with the overrides box's own example shows epoch x/N, % and ETA in the Run Explorer;
// Comparison is filtered with the filter field's own example, typed into the webview; F2 renames
// the selected run and the Tag box's own example tags it; "Run Again with Changes..." opens the box pre-filled with the run's changes;
// a long auto-name fits the sidebar at its default width with every change in the hover card;
// two running runs are stopped, and two others deleted with the Delete key, each behind one
// confirmation; a PyTorch script's run (the Python client's run.watch at an exploding learning
// rate) raises the Gradient Monitor's alert. Screenshots in dark, light and high contrast land in
// test-results/ (everyday-*.png) for a person to look at.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { TAGS_EXAMPLE } from '../../src/core/store/run-annotations.ts';
import { parseOverrides } from '../../src/vscode/runs/overrides.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { openPanelOnRuns, setTheme, shoot, webviewFrame } from '../e2e/webviews.ts';
import { openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';
import { createWorkspace } from './workspaceFixture.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const PYTHON = process.env['HYPERLAB_PYTHON'] ?? '/usr/bin/python3';
const EXPLODING_SCRIPT = path.join(REPO_ROOT, 'test', 'unit', 'client', 'scripts', 'exploding.py');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

let server: CodeServer | undefined;
let bench: Workbench | undefined;
const workspace = createWorkspace();
const db = path.join(workspace.dir, '.hyperlab', 'runs.db');
/** The run of the PyTorch script, trained by the Python client under `hyperlab run --`. */
let pythonRunId = 0;
/** The sidebar's width as the workbench first laid it out (the default). */
let defaultSidebarWidth = 0;

/** Finished runs already in the store, as the CLI would leave them: optimizer and lr differ, one starred and tagged. */
const SEEDED = [
  { name: 'lr=0.001 · adam', lr: 0.001, kind: 'adam', acc: 0.8712 },
  { name: 'lr=0.1 · sgd', lr: 0.1, kind: 'sgd', acc: 0.8015 },
  { name: 'lr=0.01 · adam', lr: 0.01, kind: 'adam', acc: 0.8433 },
  { name: 'lr=0.05 · adam', lr: 0.05, kind: 'adam', acc: 0.6204 },
] as const;

before(async () => {
  if (skip) return;
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.cjs')), 'dist/extension.cjs is missing: npm run build');
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(path.join(workspace.dir, '.vscode'));
  fs.writeFileSync(path.join(workspace.dir, '.vscode', 'settings.json'), JSON.stringify({
    'hyperlab.producerCommand': ['${execPath}', path.join(REPO_ROOT, 'test', 'fixtures', 'producer.mjs'), 'planned'],
    'hyperlab.parallelism': 2,
  }));
  fs.mkdirSync(path.dirname(db), { recursive: true });
  const store = openStore(db);
  for (const seeded of SEEDED) {
    const run = store.createRun({ experiment: 'tiny-mlp', name: seeded.name, params: { 'train.optimizer.lr': seeded.lr, 'train.optimizer.kind': seeded.kind } });
    store.markRunning(run.id, null);
    store.appendMetrics(run.id, [0.5, 0.8, 1].map((share, i) => ({ key: 'epoch.val.acc', step: i + 1, epoch: i + 1, time: Date.now(), value: seeded.acc * share })));
    store.endRun(run.id, 'finished', null, { 'val.acc': seeded.acc });
    if (seeded.acc > 0.87) {
      store.setRunStarred(run.id, true);
      store.tagRun(run.id, ['baseline']);
    }
  }
  store.close();
  const starting = startCodeServer({ env: { HL_STEPS: '74' } });
  // A PyTorch MLP watched by the Python client every step at learning rate 0.5: 4 steps take its
  // gradient norms to ~1e13 (still finite). Run by the real CLI, as a user's `hyperlab run -- python3 …`.
  await promisify(execFile)(process.execPath, [CLI, 'run', '--db', db, '--', PYTHON, EXPLODING_SCRIPT],
    { cwd: workspace.dir, env: { ...process.env, LR: '0.5', STEPS: '4' } });
  const stored = openStore(db, { readonly: true });
  pythonRunId = stored.listRuns().find((r) => r.experimentName === 'exploding')!.id;
  assert.equal(stored.layerStats(pythonRunId).length, 4, 'the client sent a layer-statistics sample per step');
  stored.close();
  server = await starting;
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace: workspace.dir });
  await whenRestored(bench.page);
});

after(async () => {
  await bench?.close();
  await server?.stop();
  workspace.remove();
});

const sidebar = (page: Page) => page.locator('#workbench\\.parts\\.sidebar');
const rows = (page: Page) => sidebar(page).locator('.monaco-list-row');

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

/** Drags the sidebar's right edge by `dx` pixels. */
async function dragSidebarEdge(page: Page, dx: number): Promise<void> {
  const side = (await sidebar(page).boundingBox())!;
  await page.mouse.move(side.x + side.width + 1, 400);
  await page.mouse.down();
  await page.mouse.move(side.x + side.width + 1 + dx, 400, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(700, 500);
}

/** Right-clicks a row of the Run Explorer and picks `action` from its context menu. */
async function contextMenu(page: Page, row: ReturnType<typeof rows>, action: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: action }).first();
  await item.waitFor();
  // The menu ignores a click that comes right after it opened (the right button's own mouse-up).
  await page.waitForTimeout(300);
  await item.click();
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 5000 });
}

async function shootThemes(page: Page, name: string): Promise<void> {
  await shoot(page, path.join(RESULTS, `${name}-dark.png`));
  await setTheme(page, 'light');
  await shoot(page, path.join(RESULTS, `${name}-light.png`));
  await setTheme(page, 'high-contrast');
  await shoot(page, path.join(RESULTS, `${name}-hc.png`));
  await setTheme(page, 'dark');
}

uiTest('a live run shows epoch x/N, percent and ETA in the Run Explorer and the status bar; starred runs come first', 'everyday-live', async (page) => {
  const icon = page.locator('#workbench\\.parts\\.activitybar .action-item a[aria-label^="Hyperlab"]');
  await icon.waitFor({ timeout: 60_000 });
  await icon.click();
  await rows(page).filter({ hasText: 'lr=0.1 · sgd' }).waitFor({ timeout: 30_000 });
  // The Run Experiment box's own example.
  await runPaletteCommand(page, 'Hyperlab: Run Experiment');
  // The overrides box, known by its own example as placeholder.
  const box = page.locator('.quick-input-widget input[placeholder="optimizer.lr=0.01 epochs=3"]');
  await box.waitFor({ timeout: 20_000 });
  await box.fill('optimizer.lr=0.01 epochs=3');
  await box.press('Enter');
  // The fixture stops at step 74 of 200: epoch 3/8, 37%.
  const live = rows(page).filter({ hasText: /epoch 3\/8 · 37% · ETA \d+s/ });
  await live.waitFor({ timeout: 30_000 });
  assert.match(await live.innerText(), /lr=0\.01 · epochs=3/, 'named by its overrides');
  await page.locator('#workbench\\.parts\\.statusbar').getByText(/lr=0\.01 · epochs=3 · 37% · ETA/).waitFor({ timeout: 10_000 });
  const labels = await rows(page).allInnerTexts();
  const experiment = labels.findIndex((l) => l.startsWith('tiny-mlp'));
  assert.ok(labels[experiment + 1]!.startsWith('lr=0.001 · adam') && labels[experiment + 2]!.startsWith('lr=0.01 · epochs=3'), `starred first, then newest: ${labels.join(' | ')}`);
  assert.match((await rows(page).nth(experiment + 1).innerText()).replace(/\n/g, ' '), /val\.acc 0\.8712 \(best\) · \d+s ★ #baseline/);
  // A wider sidebar for the screenshots, so whole descriptions show; back to the default after.
  defaultSidebarWidth = (await sidebar(page).boundingBox())!.width;
  await dragSidebarEdge(page, 160);
  await shootThemes(page, 'everyday-live');
  await dragSidebarEdge(page, -160);
  await runPaletteCommand(page, 'Hyperlab: Stop Run');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'epochs=3' }).first();
  await pick.waitFor();
  await pick.click();
  await rows(page).filter({ has: page.locator('.codicon-circle-slash') }).waitFor({ timeout: 20_000 });
});

const COMPARE_ROWS = '.rt-window .rt-row';

uiTest('Comparison filtered with the filter field\'s own example, typed into the webview, shows the runs it describes', 'everyday-compare', async (page) => {
  await runPaletteCommand(page, 'Hyperlab: Compare Runs');
  const frame: Frame = await webviewFrame(page, 'body[data-panel="comparison"][data-painted="true"]');
  const field = frame.locator('#filter');
  // Its accessible name, as the real toolkit component leaves it (it used to say "Text field").
  assert.equal(await field.getAttribute('aria-label'), 'Filter runs (terms like lr>0.001 or optimizer=adam; any other word matches names and text)');
  assert.equal(await field.evaluate((el) => el.shadowRoot?.querySelector('input')?.getAttribute('aria-label')), await field.getAttribute('aria-label'), 'the input inside has the name');
  const placeholder = (await field.getAttribute('placeholder'))!;
  // "Filter: lr>0.001 optimizer.kind=adam val.acc.best:0.8..1 or any text": the example is between.
  const example = /^Filter: (.+) or any text$/.exec(placeholder)?.[1];
  assert.ok(example, `the placeholder holds an example: ${placeholder}`);
  const shown = () => frame.locator(COMPARE_ROWS).allInnerTexts();
  const all = await shown();
  assert.equal(all.length, SEEDED.length + 2, `every run before filtering (the seeded ones, the stopped live run, the Python run): ${all.join(' | ')}`);
  await field.click();
  await field.pressSequentially(example, { delay: 20 });
  // lr>0.001 drops lr=0.001; optimizer.kind=adam drops sgd (and the runs without an optimizer);
  // val.acc.best:0.8..1 drops lr=0.05 (0.62): only lr=0.01 · adam is left.
  await frame.waitForFunction((selector) => document.querySelectorAll(selector).length === 1, COMPARE_ROWS, { timeout: 10_000 });
  assert.match((await shown())[0]!, /lr=0\.01 · adam/);
  assert.equal(await frame.locator('#filter-errors').innerText(), '', 'every term of the example is understood');
  assert.match(await frame.locator('#run-count').innerText(), /\b1\b/);
  await shoot(page, path.join(RESULTS, 'everyday-compare-filter-dark.png'));
  await field.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await frame.waitForFunction(([selector, n]) => document.querySelectorAll(selector as string).length === n, [COMPARE_ROWS, all.length] as const);
  await runPaletteCommand(page, 'View: Close All Editors');
});

uiTest('F2 renames the selected run in the Run Explorer, and the Tag box\'s own example tags it: the tree and the store show both', 'everyday-rename', async (page) => {
  const row = rows(page).filter({ hasText: 'lr=0.01 · adam' });
  await row.click();
  await page.keyboard.press('F2');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor({ timeout: 10_000 });
  assert.equal(await box.inputValue(), 'lr=0.01 · adam', 'the box starts from the current name');
  await box.fill('adam baseline');
  await box.press('Enter');
  await rows(page).filter({ hasText: 'adam baseline' }).waitFor({ timeout: 10_000 });
  // Then tagged from its context menu with the Tag box's own example.
  const renamed = rows(page).filter({ hasText: 'adam baseline' });
  await contextMenu(page, renamed, 'Tag Run...');
  await box.waitFor({ timeout: 10_000 });
  const prompt = await page.locator('.quick-input-widget .quick-input-message').innerText();
  const example = /e\.g\. (.+?)\. /.exec(prompt)?.[1];
  assert.equal(example, TAGS_EXAMPLE, `the box's example: ${prompt}`);
  await box.fill(example);
  await box.press('Enter');
  await renamed.filter({ hasText: '#baseline #best-lr' }).waitFor({ timeout: 10_000 });
  const store = openStore(db, { readonly: true });
  try {
    const run = store.listRuns().find((r) => r.name === 'adam baseline')!;
    assert.equal(run.params['train.optimizer.lr'], 0.01);
    assert.deepEqual(store.annotations([run.id]).get(run.id)?.tags, ['baseline', 'best-lr']);
  } finally {
    store.close();
  }
  await runPaletteCommand(page, 'View: Close All Editors');
});

/** The long-named run: every change the box can take at once. */
const LONG_OVERRIDES = 'optimizer.lr=0.0123456 optimizer.kind=sgd epochs=12 data.limit=20000 weightDecay=0.0005';

uiTest('"Run Again with Changes..." pre-fills the box with the run\'s changes; a long auto-name fits the default sidebar width with every change in its hover card; Stop on two running runs asks once and stops both', 'everyday-stop', async (page) => {
  // The live run of the first test, stopped: its changes are lr and epochs.
  await contextMenu(page, rows(page).filter({ hasText: 'lr=0.01 · epochs=3' }), 'Run Again with Changes...');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => ((document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? '') !== '', null, { timeout: 10_000 });
  const prefilled = await box.inputValue();
  assert.deepEqual(parseOverrides(prefilled), { 'train.optimizer.lr': 0.01, 'train.epochs': 3 }, `pre-filled: ${prefilled}`);
  await box.fill(LONG_OVERRIDES);
  await box.press('Enter');
  const long = rows(page).filter({ hasText: 'lr=0.0123 · sgd +3' });
  await long.filter({ hasText: /epoch \d\/8/ }).waitFor({ timeout: 30_000 });
  // A second running run, from the palette.
  await runPaletteCommand(page, 'Hyperlab: Run Experiment');
  const overrides = page.locator('.quick-input-widget input[placeholder="optimizer.lr=0.01 epochs=3"]');
  await overrides.waitFor({ timeout: 20_000 });
  await overrides.fill('epochs=2');
  await overrides.press('Enter');
  const short = rows(page).filter({ hasText: /^epochs=2/ });
  await short.filter({ hasText: /epoch \d\/8/ }).waitFor({ timeout: 30_000 });

  // At the default width the whole auto-name shows: its text ends inside the row.
  assert.equal(Math.round((await sidebar(page).boundingBox())!.width), Math.round(defaultSidebarWidth), 'the sidebar is at its default width');
  const name = long.locator('.label-name');
  const nameBox = (await name.boundingBox())!;
  const labelBox = (await long.locator('.monaco-icon-label-container').boundingBox())!;
  assert.ok(nameBox.x + nameBox.width <= labelBox.x + labelBox.width, `the name (right edge ${nameBox.x + nameBox.width}) fits the row (${labelBox.x + labelBox.width})`);
  await page.mouse.move(700, 500);
  await shoot(page, path.join(RESULTS, 'everyday-long-name-dark.png'));
  // Both selected, Stop from the context menu: one question, both end killed.
  await long.click();
  await short.click({ modifiers: ['Control'] });
  assert.equal(await sidebar(page).locator('.monaco-list-row.selected').count(), 2);
  await contextMenu(page, short, 'Stop Run');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10_000 });
  assert.match(await dialog.innerText(), /Stop 2 runs\?/);
  await dialog.locator('.monaco-button', { hasText: /^Stop$/ }).click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  await long.filter({ has: page.locator('.codicon-circle-slash') }).waitFor({ timeout: 20_000 });
  await short.filter({ has: page.locator('.codicon-circle-slash') }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'one question for both');
  const store = openStore(db, { readonly: true });
  try {
    const stopped = store.listRuns().filter((r) => r.name === 'lr=0.0123 · sgd +3' || r.name === 'epochs=2');
    assert.deepEqual(stopped.map((r) => r.status), ['killed', 'killed']);
  } finally {
    store.close();
  }
  // The hover card lists every change, unabridged (hovered once the run has ended: a live run's
  // row is redrawn every second, which restarts the hover's delay).
  const hover = page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').filter({ hasText: 'changes' }).first();
  // Read while it shows: the tree's refresh after the runs ended can close it in between.
  let card = '';
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(700, 500);
    await name.hover();
    if (await hover.waitFor({ timeout: 5000 }).then(() => true, () => false)) card = await hover.innerText({ timeout: 1000 }).catch(() => '');
    if (card) break;
    if (attempt === 5) throw new Error(`no hover card on the run: ${await page.locator('.workbench-hover-container, .monaco-hover').allInnerTexts()}`);
  }
  const changes = /changes\s+(.+)/.exec(card)?.[1]?.split(' · ') ?? [];
  assert.deepEqual([...changes].sort(), ['epochs=12', 'limit=20000', 'lr=0.01235', 'sgd', 'weight decay=5e-4'], `every change in the hover card: ${card}`);
  await page.screenshot({ path: path.join(RESULTS, 'everyday-long-name-hover-dark.png') });
  await page.mouse.move(700, 500);
  await hover.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});

  await runPaletteCommand(page, 'View: Close All Editors');
});

uiTest('two runs selected with Ctrl+click are deleted with the Delete key behind one confirmation', 'everyday-selection', async (page) => {
  const sgd = rows(page).filter({ hasText: 'lr=0.1 · sgd' });
  const momentum = rows(page).filter({ hasText: 'lr=0.05 · adam' });
  await sgd.click();
  await momentum.click({ modifiers: ['Control'] });
  assert.equal(await sidebar(page).locator('.monaco-list-row.selected').count(), 2);
  await page.mouse.move(700, 500);
  await shootThemes(page, 'everyday-selection');
  await momentum.click({ modifiers: ['Control'] });
  await momentum.click({ modifiers: ['Control'] });
  await page.keyboard.press('Delete');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10_000 });
  assert.match(await dialog.innerText(), /Delete 2 runs\?/);
  assert.match(await dialog.innerText(), /lr=0\.1 · sgd \(#2\), lr=0\.05 · adam \(#4\)/);
  await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
  await sgd.waitFor({ state: 'detached', timeout: 20_000 });
  await momentum.waitFor({ state: 'detached', timeout: 20_000 });
  const store = openStore(db, { readonly: true });
  try {
    const names = store.listRuns({ sortBy: 'id', order: 'asc' }).map((r) => r.name);
    assert.ok(!names.includes('lr=0.1 · sgd') && !names.includes('lr=0.05 · adam') && names.includes('lr=0.001 · adam'), names.join(' | '));
  } finally {
    store.close();
  }
});

uiTest('a PyTorch run with an exploding learning rate (Python client, run.watch) raises the Gradient Monitor\'s alert', 'everyday-python-gradients', async (page) => {
  await openPanelOnRuns(page, 'Hyperlab: Show Gradient Monitor', [pythonRunId], false);
  const frame = await webviewFrame(page, '#grad-chart');
  const alert = frame.locator('#alerts [role="alert"][data-kind="exploding"]');
  await alert.waitFor({ timeout: 30_000 });
  const text = await alert.innerText();
  assert.match(text, /Exploding gradients: norm above 1\.0e\+3 in layers Linear 0 \(/);
  assert.match(text, /torch\.nn\.utils\.clip_grad_norm_/, 'remedies in PyTorch terms for a script\'s run');
  assert.doesNotMatch(text, /train\.clip\.norm|model\.layers/, 'no spec fields: the script has no spec');
  const layers = await frame.evaluate(() => (window as unknown as { hyperlabGradients: { datasets(): { label: string; points: number }[] } }).hyperlabGradients.datasets());
  assert.deepEqual(layers.map((l) => l.points), [4, 4, 4], `the torch model's three Linear layers, one point per watched step: ${JSON.stringify(layers)}`);
  await runPaletteCommand(page, 'View: Close Primary Side Bar');
  await shootThemes(page, 'everyday-python-gradients');
  await runPaletteCommand(page, 'View: Toggle Primary Side Bar Visibility');
});
