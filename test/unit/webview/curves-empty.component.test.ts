// Curves on runs with nothing to draw, in Chromium against a fixture store: a queued run (no
// metrics at all) and a queued run shown beside a trained one. The chart is never left blank
// without a word.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { componentsAvailable, launchChromium, openPanel, requireBundles } from './componentHarness.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const skip = componentsAvailable() || requireBundles(['curves']);
const fixture = panelFixtureStore();
const queued = fixture.store.createRun({ experiment: 'fixture-mlp', name: 'waiting', specPath: null, params: {} }).id;
let browser: Browser;

before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  fixture.remove();
});

const notes = (page: Page) => page.evaluate(() => (window as unknown as { hyperlabCurves: { emptyNotes(): string[] } }).hyperlabCurves.emptyNotes());
async function until(page: Page, ok: (n: string[]) => boolean): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const n = await notes(page);
    if (ok(n)) return n;
    await new Promise((r) => setTimeout(r, 25));
  }
  return notes(page);
}

test('a queued run alone: the panel says it is queued instead of showing an empty chart', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'curves', store: fixture.store, runIds: [queued] });
  try {
    await panel.waitForMessage('ready');
    assert.deepEqual(await until(panel.page, (n) => n.length > 0), [`waiting #${queued} is queued: its curves appear once it starts.`]);
  } finally {
    await panel.close();
  }
});

test('a queued run beside a trained one: the trained run is drawn and the queued one explained', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'curves', store: fixture.store, runIds: [fixture.runIds.healthy, queued] });
  try {
    await panel.waitForMessage('requestSeries');
    assert.deepEqual(await until(panel.page, (n) => n.length > 0), [`waiting #${queued} is queued: its curves appear once it starts.`]);
    assert.deepEqual(panel.rejected, []);
  } finally {
    await panel.close();
  }
});

test('a saved state of the wrong shape (an older panel\'s) is ignored: the panel draws with defaults', { skip }, async () => {
  const savedState = { runIds: 'all', metric: 42, x: 'steps', logY: 'yes', smoothing: 7, hidden: 'none' };
  const panel = await openPanel(browser, { kind: 'curves', store: fixture.store, runIds: [fixture.runIds.healthy], savedState });
  try {
    await panel.waitForMessage('requestSeries');
    const state = await panel.page.evaluate(() => (window as unknown as { hyperlabCurves: { state(): unknown } }).hyperlabCurves.state());
    assert.deepEqual(state, { runIds: [fixture.runIds.healthy], metric: 'epoch.train.loss', x: 'step', logY: false, smoothing: 0.6, hidden: [] });
    assert.deepEqual(panel.rejected, [], 'the state it saves back is valid');
  } finally {
    await panel.close();
  }
});
