// Screenshots of the Comparison webview (built bundle, Chromium, VS Code theme variables) in a
// dark and a light theme on a 40-run fixture sweep with one brushed axis and two runs selected:
// test-results/comparison-dark.png and comparison-light.png, for a person to look at.
// Run: npm run build && node test/e2e/compareShots.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/core/store/index.ts';
import { fillSweep } from './compareFixtures.ts';
import { launchBrowser, openComparePage, REPO_ROOT } from './comparePage.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-compare-shots-'));
const store = openStore(path.join(dir, 'runs.db'));
fillSweep(store, { runs: 40 });
const browser = await launchBrowser();
fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
try {
  for (const theme of ['dark', 'light'] as const) {
    const ui = await openComparePage(browser, store, { theme, height: 1400 });
    await ui.page.waitForSelector('body[data-painted="true"]');
    await ui.page.locator('#filter input').fill('lr:0.0005..0.02');
    await ui.page.locator('.rt-window .rt-row').nth(0).click();
    await ui.page.locator('.rt-window .rt-row').nth(2).click({ modifiers: ['Control'] });
    await ui.page.locator('#spec-diff table').waitFor();
    await ui.page.screenshot({ path: path.join(REPO_ROOT, 'test-results', `comparison-${theme}.png`), fullPage: true });
    await ui.close();
  }
} finally {
  await browser.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
