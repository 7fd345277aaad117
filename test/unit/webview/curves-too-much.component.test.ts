// The Curves panel in real Chromium when a selection asks for too much at once: 51 runs with a
// train/validation pair are 102 curves, over the 100 one request may ask for. The real gate
// refuses the request before any query and answers "too much at once"; the panel shows that
// notice in place of the curves, keeps its toolbar, and draws again once fewer runs are shown.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openStore } from '../../../src/core/store/index.ts';
import type { MetricPoint, Store } from '../../../src/core/store/types.ts';
import { LIMITS } from '../../../src/core/webview/contract.ts';
import { metricKeysOf, runRef } from '../../../src/core/webview/panel-data.ts';
import { componentsAvailable, launchChromium, openPanel, requireBundles, type PanelPage } from './componentHarness.ts';

const skip = componentsAvailable() || requireBundles(['curves']);
const RUNS = 51;
let dir: string;
let store: Store;
let runIds: number[];
let browser: Browser;
let panel: PanelPage;

const inspect = <T>(what: string): Promise<T> => panel.page.evaluate((w) => (window as unknown as { hyperlabCurves: Record<string, () => unknown> }).hyperlabCurves[w]!(), what) as Promise<T>;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await read()).slice(0, 400)}`);
}

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-too-much-'));
  store = openStore(path.join(dir, 'runs.db'));
  runIds = [];
  for (let r = 0; r < RUNS; r++) {
    const run = store.createRun({ experiment: 'many', name: `run${r}` });
    const points: MetricPoint[] = [];
    for (let e = 1; e <= 4; e++) {
      points.push({ key: 'epoch.train.loss', step: e * 10, epoch: e, time: 1_000 + e, value: 1 / e + r / 100 });
      points.push({ key: 'epoch.val.loss', step: e * 10, epoch: e, time: 1_000 + e, value: 1.1 / e + r / 100 });
    }
    store.appendMetrics(run.id, points);
    store.endRun(run.id, 'finished', null, {});
    runIds.push(run.id);
  }
  browser = await launchChromium();
  panel = await openPanel(browser, { kind: 'curves', store, runIds });
});

after(async () => {
  await browser?.close();
  store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('51 runs × a train/validation pair: the host refuses the 102 curves as too much at once and the panel says so, keeping its toolbar', { skip }, async () => {
  const notice = await until(() => inspect<string>('tooMuch'), (t) => t.length > 0, 'the too-much notice');
  assert.equal(notice, `Too much at once: ${RUNS} runs × 2 metrics = ${RUNS * 2} curves in one request, and the panel draws at most ${LIMITS.seriesPerRequest} at a time. Show fewer runs (Runs…) or one metric.`);
  assert.equal(await panel.page.locator('#too-much [role="alert"]').count(), 1, 'announced as an alert');
  assert.ok(await panel.page.locator('#too-much').isVisible());
  assert.ok(await panel.page.locator('#pick-runs').isVisible(), 'the toolbar stays, to choose fewer runs');
  assert.deepEqual(await inspect<unknown[]>('datasets'), [], 'nothing drawn');
  assert.equal(panel.received.filter((m) => m.type === 'requestSeries').length, 0, 'the gate let no series request through');
  assert.match(panel.rejected[0] ?? '', /^"requestSeries": too much at once \(102 asked, at most 100\)$/);
});

test('once fewer runs are shown, the next request is answered and the notice goes', { skip }, async () => {
  const shown = runIds.slice(0, 3);
  await panel.push({ type: 'runs', runs: shown.map((id) => runRef(store.getRun(id)!)), keys: metricKeysOf(store, shown) });
  await panel.waitForMessage('requestSeries');
  const drawn = await until(() => inspect<{ label: string; quiet: boolean }[]>('datasets'), (d) => d.length > 0, 'the curves');
  assert.equal(drawn.filter((d) => !d.quiet).length, 6);
  assert.equal(await inspect<string>('tooMuch'), '');
});
