// Everyday use in the real workbench (headless Chromium): a live run in the Run Explorer shows
// epoch x/N, % and ETA; runs are multi-selected and deleted with the Delete key behind one
// confirmation. Screenshots in dark, light and high contrast land in test-results/
// (everyday-live-*.png, everyday-selection-*.png) for a person to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { setTheme, shoot } from '../e2e/webviews.ts';
import { openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';
import { createWorkspace } from './workspaceFixture.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

let server: CodeServer | undefined;
let bench: Workbench | undefined;
const workspace = createWorkspace();
const db = path.join(workspace.dir, '.hyperlab', 'runs.db');

before(async () => {
  if (skip) return;
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.cjs')), 'dist/extension.cjs is missing: npm run build');
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(path.join(workspace.dir, '.vscode'));
  fs.writeFileSync(path.join(workspace.dir, '.vscode', 'settings.json'), JSON.stringify({
    'hyperlab.producerCommand': ['${execPath}', path.join(REPO_ROOT, 'test', 'fixtures', 'producer.mjs'), 'planned'],
  }));
  // Finished runs already in the store, as the CLI would leave them: one starred and tagged.
  fs.mkdirSync(path.dirname(db), { recursive: true });
  const store = openStore(db);
  for (const [name, acc] of [['lr=0.001 · adam', 0.8712], ['lr=0.1 · sgd', 0.8015], ['lr=0.01 · momentum', 0.8433]] as const) {
    const run = store.createRun({ experiment: 'tiny-mlp', name, params: {} });
    store.markRunning(run.id, null);
    store.endRun(run.id, 'finished', null, { 'val.acc': acc });
    if (acc > 0.87) {
      store.setRunStarred(run.id, true);
      store.tagRun(run.id, ['baseline']);
    }
  }
  store.close();
  server = await startCodeServer({ env: { HL_STEPS: '74' } });
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
  assert.ok(labels[1]!.startsWith('lr=0.001 · adam') && labels[2]!.startsWith('lr=0.01 · epochs=3'), `starred first, then newest: ${labels.join(' | ')}`);
  assert.match((await rows(page).nth(1).innerText()).replace(/\n/g, ' '), /val\.acc 0\.8712 · \d+s ★ #baseline/);
  // A wider sidebar for the screenshots, so whole descriptions show.
  const side = (await sidebar(page).boundingBox())!;
  await page.mouse.move(side.x + side.width + 1, 400);
  await page.mouse.down();
  await page.mouse.move(side.x + side.width + 160, 400, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(700, 500);
  await shootThemes(page, 'everyday-live');
  await runPaletteCommand(page, 'Hyperlab: Stop Run');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'epochs=3' }).first();
  await pick.waitFor();
  await pick.click();
  await rows(page).filter({ has: page.locator('.codicon-circle-slash') }).waitFor({ timeout: 20_000 });
});

uiTest('two runs selected with Ctrl+click are deleted with the Delete key behind one confirmation', 'everyday-selection', async (page) => {
  const sgd = rows(page).filter({ hasText: 'lr=0.1 · sgd' });
  const momentum = rows(page).filter({ hasText: 'lr=0.01 · momentum' });
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
  assert.match(await dialog.innerText(), /lr=0\.1 · sgd \(#2\), lr=0\.01 · momentum \(#3\)/);
  await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
  await sgd.waitFor({ state: 'detached', timeout: 20_000 });
  await momentum.waitFor({ state: 'detached', timeout: 20_000 });
  const store = openStore(db, { readonly: true });
  try {
    assert.deepEqual(store.listRuns({ sortBy: 'id', order: 'asc' }).map((r) => r.name), ['lr=0.001 · adam', 'lr=0.01 · epochs=3']);
  } finally {
    store.close();
  }
});
