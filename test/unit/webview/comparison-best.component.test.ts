// The Comparison panel in real Chromium on a real store: the table opens best-first with the
// best run marked, scrolls sideways instead of clipping, and importance lists every varying
// parameter (one whose values each hold a single run as "not enough runs per value").
// Screenshots in dark, light and high contrast: test-results/comparison-best-*.png (the table as
// it opens), comparison-scrolled-*.png (the whole panel, the table scrolled sideways).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { componentsAvailable, launchChromium, openPanel, REPO_ROOT, requireBundles, type ThemeName } from './componentHarness.ts';

const skip = componentsAvailable() || requireBundles(['comparison']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-comparison-best-'));
let store: Store;
let browser: Browser;
const RESULTS = path.join(REPO_ROOT, 'test-results');

before(async () => {
  store = openStore(path.join(dir, 'runs.db'));
  // Six runs: lr and optimizer drive the accuracy, data.limit differs in every run, many
  // constant-looking columns make the table wider than the panel.
  const settings = [[0.001, 'adam', 0.84], [0.01, 'adam', 0.88], [0.001, 'sgd', 0.79], [0.01, 'sgd', 0.83], [0.1, 'sgd', 0.86], [3, 'sgd', 0.97]] as const;
  settings.forEach(([lr, kind, acc], i) => {
    const params = { 'train.optimizer.lr': lr, 'train.optimizer.kind': kind, 'data.limit': 1000 * (i + 1), 'train.batchSize': 32 * (1 + (i % 2)),
      'train.weightDecay': i * 1e-4, 'model.dropout': 0.1 * (i % 3), 'train.label_smoothing': 0.05 * (i % 2), 'train.epochs': 3 + (i % 2) };
    const run = store.createRun({ experiment: 'mlp', name: `lr=${lr} · ${kind}`, params });
    store.markRunning(run.id, null);
    const diverged = lr === 3;
    store.appendMetrics(run.id, [1, 2, 3].flatMap((e) => [
      { key: 'epoch.val.acc', step: e * 10, epoch: e, time: 1000 + e, value: acc - (3 - e) * 0.02 },
      { key: 'epoch.val.loss', step: e * 10, epoch: e, time: 1000 + e, value: diverged && e === 3 ? Number.NaN : 1 - acc + (3 - e) * 0.05 },
      { key: 'train.loss', step: e * 10, epoch: e, time: 1000 + e, value: diverged && e === 3 ? Number.NaN : 1.1 - acc },
    ]));
    store.endRun(run.id, diverged ? 'diverged' : 'finished', diverged ? 'loss became NaN' : null, { 'test.acc': acc, epoch_time_s: 0.0123 * (i + 1) });
  });
  if (!skip) browser = await launchChromium();
  fs.mkdirSync(RESULTS, { recursive: true });
});
after(async () => { await browser?.close(); store.close(); fs.rmSync(dir, { recursive: true, force: true }); });

async function open(theme: ThemeName) {
  const panel = await openPanel(browser, { kind: 'comparison', store, runIds: [], theme });
  await panel.page.locator('.rt-row[data-run]').first().waitFor();
  return panel;
}

test('best-first by epoch val acc, the best (non-diverged) run marked; the table scrolls sideways; importance lists data.limit as not enough', { skip }, async () => {
  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    const panel = await open(theme);
    const page = panel.page;
    const names = await page.locator('.rt-row[data-run] .rt-cell:first-child').allInnerTexts();
    assert.equal(names[0], '★ bestlr=0.01 · adam', `the best run first and marked: ${names.join(' | ')}`);
    assert.equal(await page.locator('.rt-row.best').count(), 1);
    assert.ok(names.indexOf('lr=3 · sgd') > 0, 'the diverged run (0.97 before its NaN) is not marked best');
    assert.equal(await page.locator('.rt-head[aria-sort="descending"]').getAttribute('data-column'), 'metric.epoch.val.acc.best');
    const suffix = theme === 'high-contrast' ? 'hc' : theme;
    await page.screenshot({ path: path.join(RESULTS, `comparison-best-${suffix}.png`), clip: { x: 0, y: 0, width: 1000, height: 280 } });
    const body = page.locator('.rt-body');
    const [scrollWidth, clientWidth] = await body.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scrollWidth > clientWidth, `the table is wider than the panel (${scrollWidth} > ${clientWidth})`);
    await body.evaluate((el) => { el.scrollLeft = 300; });
    assert.ok(await body.evaluate((el) => el.scrollLeft) > 0, 'and scrolls sideways');
    const notEnough = page.locator('#importance .importance-row.not-enough');
    assert.deepEqual(await notEnough.evaluateAll((els) => els.map((e) => e.getAttribute('data-column'))), ['param.data.limit', 'param.train.weightDecay'], 'a different value in every run');
    assert.match(await notEnough.first().innerText(), /not enough runs per value/);
    assert.match(await page.locator('#importance-lead').innerText(), /need not add up to 100%/);
    await page.screenshot({ path: path.join(RESULTS, `comparison-scrolled-${suffix}.png`), fullPage: true });
    await panel.close();
  }
});
