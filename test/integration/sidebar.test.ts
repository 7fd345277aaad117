// The UI test: the real workbench in headless Chromium, with the packaged .vsix installed. Opens the Hyperlab sidebar from the
// activity bar, checks its title and welcome actions, then fills the store (as the CLI would,
// from another process) and starts a run from the palette, and checks the tree. Screenshots
// land in test-results/ (sidebar.png: empty state, sidebar-runs.png: with runs) for a person to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { packageVsix } from '../e2e/packageVsix.ts';
import { openFile, openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';
import { createWorkspace } from './workspaceFixture.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';

let server: CodeServer | undefined;
let bench: Workbench | undefined;
const workspace = createWorkspace();

before(async () => {
  if (skip) return;
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.cjs')), 'dist/extension.cjs is missing: npm run build');
  fs.mkdirSync(RESULTS, { recursive: true });
  // Runs started from the UI use the protocol fixture in its "runs until stopped" mode.
  fs.mkdirSync(path.join(workspace.dir, '.vscode'));
  fs.writeFileSync(path.join(workspace.dir, '.vscode', 'settings.json'), JSON.stringify({
    'hyperlab.producerCommand': ['${execPath}', path.join(REPO_ROOT, 'test', 'fixtures', 'producer.mjs'), 'slow'],
  }));
  // The packaged extension, installed as a user would: proves the .vsix runs (bundle, native module, media).
  const vsix = path.join(workspace.dir, '..', `${path.basename(workspace.dir)}.vsix`);
  packageVsix(vsix);
  try {
    server = await startCodeServer({ installVsix: vsix });
  } finally {
    fs.rmSync(vsix, { force: true });
  }
  bench = await openWorkbench({ baseUrl: server.baseUrl, workspace: workspace.dir });
  await whenRestored(bench.page);
});

after(async () => {
  await bench?.close();
  await server?.stop();
  workspace.remove();
});

const sidebar = (page: Page) => page.locator('#workbench\\.parts\\.sidebar');

/** Before a screenshot: extensions activated, the view's progress bar gone, no hover highlight. */
async function whenSettled(page: Page): Promise<void> {
  await page.locator('#workbench\\.parts\\.statusbar').getByText('Activating Extensions').waitFor({ state: 'detached', timeout: 30_000 });
  await sidebar(page).locator('.monaco-progress-container.active').waitFor({ state: 'detached', timeout: 30_000 });
  await page.mouse.move(700, 500);
  await page.locator('#workbench\\.parts\\.activitybar .badge .codicon').waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

/** Runs a UI step; on failure saves NAME.fail.png so the state can be seen. */
function uiTest(name: string, shot: string, body: (page: Page) => Promise<void>): void {
  test(name, { skip }, async () => {
    try {
      await body(bench!.page);
    } catch (error) {
      await bench!.page.screenshot({ path: path.join(RESULTS, `${shot}.fail.png`) }).catch(() => {});
      throw error;
    }
  });
}

uiTest('the Hyperlab sidebar opens from the activity bar with a title and its welcome actions', 'sidebar', async (page) => {
  const icon = page.locator('#workbench\\.parts\\.activitybar .action-item a[aria-label^="Hyperlab"]');
  await icon.waitFor({ timeout: 60_000 });
  await icon.click();
  const title = sidebar(page).locator('.composite.title h2');
  await title.filter({ hasText: /Hyperlab/i }).waitFor();
  const buttons = sidebar(page).locator('.welcome-view-content .monaco-button');
  await buttons.first().waitFor();
  const labels = (await buttons.allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(labels, ['New Experiment', 'Run Experiment', 'Open Documentation']);
  assert.match(await sidebar(page).locator('.welcome-view-content').innerText(), /No runs yet/);
  assert.match(await title.innerText(), /hyperlab/i);
  await whenSettled(page);
  await page.screenshot({ path: path.join(RESULTS, 'sidebar.png') });

  // The documentation button opens the packaged README in the Markdown preview.
  await buttons.filter({ hasText: 'Open Documentation' }).click();
  await page.locator('.tabs-container .tab', { hasText: /Preview readme\.md/i }).waitFor({ timeout: 20_000 });
  await runPaletteCommand(page, 'View: Close All Editors');
});

uiTest('runs appear in the Run Explorer with status icons, and a run starts and stops from the palette', 'sidebar-runs', async (page) => {
  // Another process writes the store, as the hyperlab CLI would; the window notices by polling.
  fs.mkdirSync(path.join(workspace.dir, '.hyperlab'), { recursive: true });
  const store = openStore(path.join(workspace.dir, '.hyperlab', 'runs.db'));
  try {
    const ended = [['baseline', 'finished', null, { 'val/acc': 0.8712, 'val/loss': 0.3621 }],
      ['wide-lr0.3', 'diverged', 'loss became NaN at step 412', null],
      ['bad-path', 'failed', 'dataset not found: data/train.csv', null],
      ['deep', 'killed', 'stopped by the user', { 'val/acc': 0.8015 }]] as const;
    for (const [name, status, reason, summary] of ended) {
      const run = store.createRun({ experiment: 'fashion-mnist-mlp', name, params: { lr: 0.1 } });
      store.markRunning(run.id, null);
      store.endRun(run.id, status, reason, summary);
    }
  } finally {
    store.close();
  }
  const tree = sidebar(page).locator('.monaco-list-row');
  await tree.filter({ hasText: 'baseline' }).waitFor({ timeout: 20_000 });

  await runPaletteCommand(page, 'Hyperlab: Run Experiment');
  const overrides = page.locator('.quick-input-widget input');
  await overrides.waitFor();
  await overrides.fill('train.optimizer.lr=0.05');
  await overrides.press('Enter');
  const running = tree.filter({ has: page.locator('.codicon-sync') });
  // Live: the running run's latest loss shows up as the producer reports it.
  await running.filter({ hasText: /train\/loss 0\.1 · \d+s/ }).waitFor({ timeout: 20_000 });
  const statusBar = page.locator('#workbench\\.parts\\.statusbar');
  await statusBar.getByText('lr=0.05').waitFor(); // one run going: the status bar names it (its name: what it changes)

  const iconOf = async (label: string) => (await tree.filter({ hasText: label }).locator('.custom-view-tree-node-item-icon').getAttribute('class')) ?? '';
  assert.match(await iconOf('baseline'), /codicon-pass/);
  assert.match(await iconOf('wide-lr0.3'), /codicon-warning/);
  assert.match(await iconOf('bad-path'), /codicon-error/);
  assert.match(await iconOf('deep'), /codicon-circle-slash/);
  assert.match(await tree.filter({ hasText: 'baseline' }).innerText(), /val\/acc 0\.8712/);
  await openFile(page, 'tiny-mlp.hyperlab.json');
  await whenSettled(page);
  await page.screenshot({ path: path.join(RESULTS, 'sidebar-runs.png') });

  await runPaletteCommand(page, 'Hyperlab: Stop Run');
  // Pick the running run by clicking its row: an Enter pressed while the list is still being
  // filled can land before the pick has an active item, and then nothing is accepted.
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'tiny-mlp' }).first();
  await pick.waitFor();
  await pick.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await statusBar.getByText('Hyperlab', { exact: true }).waitFor({ timeout: 20_000 }); // idle again
  await running.waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await tree.filter({ has: page.locator('.codicon-circle-slash') }).count(), 2, 'the stopped run shows as killed, next to the stored one');
});
