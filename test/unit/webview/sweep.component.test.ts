// The Sweep dashboard in real Chromium, fed the view the host builds from a real fixture store:
// what it draws (history points, best ring, slices, contour, lanes), what its controls send.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SweepView } from '../../../src/core/webview/contract.ts';
import { componentsAvailable, launchChromium, openPanel, requireBundles } from './componentHarness.ts';
import { fixtureSweepView, sweepFixtureStore } from '../../fixtures/stores/sweepStore.ts';

const skip = componentsAvailable() || requireBundles(['sweep']);
const fixture = sweepFixtureStore();
let browser: Browser;

before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); fixture.remove(); });

interface SweepProbe {
  view(): SweepView | null;
  historyPoints(): { runId: number; x: number; y: number }[];
  contour(): { best: number; worst: number; trials: number } | null;
  contourParams(): (string | null)[];
  state(): { contourX: string | null; logY: boolean };
}

function open(theme: 'dark' | 'light' | 'high-contrast' = 'dark') {
  const view = fixtureSweepView(fixture);
  return openPanel(browser, {
    kind: 'sweep', store: fixture.store, runIds: [], theme,
    respond: (message) => (message.type === 'ready' || message.type === 'requestSweep' ? [{ type: 'sweep', view }] : []),
  });
}

test('the history plots every trial that has a value, circles the best, and a click asks to open that trial', { skip }, async () => {
  const panel = await open();
  await panel.page.locator('#facts [data-fact="best"]').waitFor();
  const view = await panel.page.evaluate(() => (window as unknown as { hyperlabSweep: SweepProbe }).hyperlabSweep.view());
  assert.ok(view);
  const points = await panel.page.evaluate(() => (window as unknown as { hyperlabSweep: SweepProbe }).hyperlabSweep.historyPoints());
  // 8 finished + 1 running (its last value) + 1 failed (a cross on the worst edge): all 10.
  assert.equal(points.length, 10);
  const best = view.trials.find((t) => t.runId === view.bestRunId)!;
  assert.match((await panel.page.locator('#facts [data-fact="best"]').textContent())!, new RegExp(`trial ${best.number}, run #${best.runId}`));
  assert.match((await panel.page.locator('#facts [data-fact="trials"]').textContent())!, /10 of 12 \(8 finished, 1 failed, 1 running\)/);
  // The best point is the lowest on the plot (min objective: smaller y value, larger pixel y).
  const bestPoint = points.find((p) => p.runId === best.runId)!;
  const others = points.filter((p) => p.runId !== best.runId && view.trials.find((t) => t.runId === p.runId)!.status === 'finished');
  assert.ok(others.every((p) => p.y < bestPoint.y), 'the best trial is drawn lowest');
  const canvas = panel.page.locator('#history canvas');
  await canvas.click({ position: { x: bestPoint.x, y: bestPoint.y } });
  await panel.waitForMessage('openRun');
  assert.deepEqual(panel.received.find((m) => m.type === 'openRun'), { type: 'openRun', runId: best.runId });
  await panel.close();
});

test('one slice per searched parameter, a contour over the two most important, and workers as lanes', { skip }, async () => {
  const panel = await open();
  await panel.page.locator('#slices .plot-box').first().waitFor();
  assert.deepEqual(await panel.page.locator('#slices .plot-box').evaluateAll((els) => els.map((e) => e.getAttribute('data-param'))), ['train.optimizer.lr', 'train.batchSize']);
  const params = await panel.page.evaluate(() => (window as unknown as { hyperlabSweep: SweepProbe }).hyperlabSweep.contourParams());
  assert.deepEqual(params, ['train.optimizer.lr', 'train.batchSize']);
  await panel.page.locator('#contour-legend', { hasText: 'finished trials' }).waitFor();
  const contour = await panel.page.evaluate(() => (window as unknown as { hyperlabSweep: SweepProbe }).hyperlabSweep.contour());
  assert.equal(contour?.trials, 8);
  assert.ok(contour!.best < contour!.worst);
  // Interpolated cells fill the contour's plot area: a pixel inside it is painted.
  const painted = await panel.page.locator('#contour canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    return canvas.getContext('2d')!.getImageData(Math.floor(canvas.width / 2), Math.floor(canvas.height / 3), 1, 1).data[3];
  });
  assert.ok(painted! > 0, 'contour background drawn');
  // Timeline: lanes 'worker 1' and 'worker 2' only; bars painted in the second lane.
  const lanePixel = await panel.page.locator('#timeline canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const ratio = window.devicePixelRatio || 1;
    const plotTop = 8 * ratio;
    const plotHeight = canvas.height - (8 + 36) * ratio;
    // middle of lane 2 of 2, a quarter of the way along x (trial 1 runs there)
    return canvas.getContext('2d')!.getImageData(Math.floor(70 * ratio + (canvas.width - 84 * ratio) * 0.05), Math.floor(plotTop + plotHeight * 0.75), 1, 1).data[3];
  });
  assert.ok(lanePixel! > 0, 'a bar in the second worker lane');
  await panel.close();
});

test('choosing contour parameters and log y is saved; Run It Again and Open in Comparison name the sweep', { skip }, async () => {
  const panel = await open('light');
  await panel.page.locator('#run-again').waitFor();
  await panel.page.locator('#log-y').click();
  await panel.page.waitForFunction(() => (window as unknown as { hyperlabSweep: SweepProbe }).hyperlabSweep.state().logY === true);
  await panel.page.locator('#run-again').click();
  await panel.waitForMessage('runBestAgain');
  assert.deepEqual(panel.received.find((m) => m.type === 'runBestAgain'), { type: 'runBestAgain', sweepId: fixture.sweepId });
  await panel.page.locator('#open-comparison').click();
  await panel.waitForMessage('openInComparison');
  const saved = panel.received.filter((m) => m.type === 'saveState').at(-1) as unknown as { state: { logY: boolean; sweepId: number } };
  assert.equal(saved.state.logY, true);
  assert.equal(saved.state.sweepId, fixture.sweepId);
  assert.match((await panel.page.locator('#best').textContent())!, /train\.optimizer\.lr\s*0\.01/);
  assert.deepEqual(panel.rejected, []);
  await panel.close();
});

test('without a sweep the panel says how to start one', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'sweep', store: fixture.store, runIds: [], respond: (m) => (m.type === 'ready' ? [{ type: 'sweep', view: null }] : []) });
  await panel.page.locator('.placeholder').waitFor();
  assert.match((await panel.page.locator('.placeholder').textContent())!, /Hyperlab: Run Sweep/);
  await panel.close();
});
