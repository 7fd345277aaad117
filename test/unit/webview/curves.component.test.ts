// The Curves panel in real Chromium against a fixture store: legend toggles, the smoothing
// slider, the log toggle, zoom and reset, the metric choice and live updates change what is drawn.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { componentsAvailable, requireBundles, launchChromium, openPanel, snapshot, type PanelPage } from './componentHarness.ts';
import { panelFixtureStore, STEPS_PER_EPOCH, EPOCHS } from '../../fixtures/stores/panelStore.ts';

const skip = componentsAvailable() || requireBundles(['curves']);
const fixture = panelFixtureStore();
let browser: Browser;
let panel: PanelPage;

interface DrawnDataset { label: string; hidden: boolean; quiet: boolean; points: number; first: { x: number; y: number } | null; last: { x: number; y: number } | null; fill: boolean }
const inspect = <T>(page: Page, what: string): Promise<T> => page.evaluate((w) => (window as unknown as { hyperlabCurves: Record<string, () => unknown> }).hyperlabCurves[w]!(), what) as Promise<T>;
const datasets = (page: Page) => inspect<DrawnDataset[]>(page, 'datasets');
const setSmoothing = (v: number) => panel.page.locator('#smoothing').evaluate((el, value) => {
  (el as HTMLInputElement).value = String(value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, v);

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
  browser = await launchChromium();
  panel = await openPanel(browser, { kind: 'curves', store: fixture.store, runIds: [fixture.runIds.healthy, fixture.runIds.overfit] });
  await panel.waitForMessage('requestSeries');
  await until(() => datasets(panel.page), (d) => d.length > 0, 'the first draw');
});

after(async () => {
  await browser?.close();
  fixture.remove();
});

test('the first paint shows train and validation for both runs, the gap shaded, the over-fitting hint for the over-fitting run and "not converged" for the one still improving', { skip }, async () => {
  const drawn = (await datasets(panel.page)).filter((d) => !d.quiet);
  assert.deepEqual(drawn.map((d) => d.label), ['healthy · epoch.train.loss', 'healthy · epoch.val.loss', 'overfit · epoch.train.loss', 'overfit · epoch.val.loss']);
  assert.deepEqual(drawn.map((d) => d.fill), [false, true, false, true], 'the validation curve is filled to the training curve');
  assert.equal(drawn[0]!.points, EPOCHS);
  const hints = await inspect<string[]>(panel.page, 'hints');
  assert.equal(hints.length, 2, hints.join('\n'));
  // healthy: both losses still fall 4-11% per epoch at the end; overfit: validation rises from epoch 4.
  assert.match(hints[0]!, /^healthy: Under-fitting \(not converged\): .* at step 300\)\. Train longer or raise the learning rate\.$/);
  assert.match(hints[1]!, /^overfit: Over-fitting: validation loss rose in each of the last 2 evaluations .* the best validation loss was at step 150\./);
  assert.deepEqual(panel.rejected, []);
});

test('clicking a run in the legend hides its curves and changes the canvas; clicking again shows them', { skip }, async () => {
  const before = await snapshot(panel.page, '#curves-chart');
  const toggle = panel.page.locator(`#legend button[data-run-id="${fixture.runIds.overfit}"]`);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  const hidden = (await datasets(panel.page)).filter((d) => d.label.startsWith('overfit'));
  assert.ok(hidden.length > 0 && hidden.every((d) => d.hidden));
  assert.ok(!(await snapshot(panel.page, '#curves-chart')).equals(before), 'the canvas changed');
  assert.deepEqual((await inspect<string[]>(panel.page, 'hints')).map((h) => h.split(':')[0]), ['healthy'], 'a hidden run gives no hint');
  await toggle.press('Enter'); // keyboard reachable
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.ok((await datasets(panel.page)).every((d) => !d.hidden));
});

test('the smoothing slider leaves short series (6 epochs) unsmoothed, so they do not lag', { skip }, async () => {
  await setSmoothing(0);
  const raw = await datasets(panel.page);
  assert.ok(raw.every((d) => !d.quiet), 'no faint raw copies at 0');
  await setSmoothing(0.9);
  const slid = await datasets(panel.page);
  assert.ok(slid.every((d) => !d.quiet), 'no faint copies behind a 6-point curve');
  assert.deepEqual(slid.map((d) => d.last), raw.map((d) => d.last), 'the epoch curves end where the raw values end');
  assert.match(await panel.page.locator('#style-key').textContent() ?? '', /under 20 points are drawn unsmoothed/);
  assert.equal((await inspect<{ smoothing: number }>(panel.page, 'state')).smoothing, 0.9);
});

test('the log toggle switches the y axis to logarithmic and back; the y axis is titled with the metric, and says log', { skip }, async () => {
  assert.equal(await inspect<string>(panel.page, 'yLabel'), 'epoch.{train,val}.loss');
  const before = await snapshot(panel.page, '#curves-chart');
  await panel.page.locator('#log-y').click();
  assert.equal(await inspect<boolean>(panel.page, 'logY'), true);
  assert.equal(await inspect<string>(panel.page, 'yLabel'), 'epoch.{train,val}.loss (log scale)');
  assert.ok(!(await snapshot(panel.page, '#curves-chart')).equals(before));
  await panel.page.locator('#log-y').click();
  assert.equal(await inspect<boolean>(panel.page, 'logY'), false);
  assert.equal(await inspect<string>(panel.page, 'yLabel'), 'epoch.{train,val}.loss');
});

test('choosing a per-step metric and the epoch axis redraws it; wheel zooms in, drag pans, reset shows everything', { skip }, async () => {
  await panel.page.locator('#metric').click();
  await panel.page.locator('#metric vscode-option[value="loss"]').click();
  await panel.waitForMessage('requestSeries', 2);
  const step = await until(() => datasets(panel.page), (d) => d.some((x) => x.label === 'healthy · loss'), 'the loss curve');
  assert.equal(step.find((d) => d.label === 'healthy · loss' && !d.quiet)!.last!.x, STEPS_PER_EPOCH * EPOCHS - 1);
  assert.equal(await inspect<string>(panel.page, 'yLabel'), 'loss', 'the y title follows the metric');
  // A long series (300 steps) is smoothed (slider at 0.9) with debiasing, the raw curve faint behind.
  const bold = step.find((d) => d.label === 'healthy · loss' && !d.quiet)!;
  const faint = step.find((d) => d.label === 'healthy · loss (raw)' && d.quiet)!;
  assert.ok(faint, 'the raw curve is drawn faintly behind the smoothed one');
  assert.equal(bold.first!.y, faint.first!.y, 'debiased: the first smoothed value is the first raw value');
  assert.notEqual(bold.last!.y, faint.last!.y, 'later values are smoothed');

  await panel.page.locator('#x-axis').click();
  await panel.page.locator('#x-axis vscode-option[value="epoch"]').click();
  const epoch = await until(() => datasets(panel.page), (d) => (d.find((x) => x.label === 'healthy · loss')?.last?.x ?? 0) < 10, 'the epoch axis');
  const last = epoch.find((d) => d.label === 'healthy · loss' && !d.quiet)!.last!.x;
  assert.ok(last > EPOCHS - 1 && last <= EPOCHS, `the last step sits in epoch ${EPOCHS} (x = ${last})`);

  const canvas = panel.page.locator('#curves-chart');
  const box = (await canvas.boundingBox())!;
  await panel.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await panel.page.mouse.wheel(0, -400);
  const zoomed = await until(() => inspect<{ min: number; max: number } | null>(panel.page, 'xRange'), (r) => r !== null, 'a zoom');
  assert.ok(zoomed!.max - zoomed!.min < EPOCHS * 0.8, `zoomed to ${JSON.stringify(zoomed)}`);
  await panel.page.mouse.down();
  await panel.page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height / 2, { steps: 5 });
  await panel.page.mouse.up();
  const panned = (await inspect<{ min: number; max: number }>(panel.page, 'xRange'))!;
  assert.ok(panned.min > zoomed!.min, `dragging left shows larger x (${zoomed!.min} → ${panned.min})`);
  assert.ok(Math.abs((panned.max - panned.min) - (zoomed!.max - zoomed!.min)) < 1e-9, 'panning keeps the width');
  await panel.page.locator('#reset-zoom').click();
  assert.equal(await inspect(panel.page, 'xRange'), null);
  await canvas.focus();
  await panel.page.keyboard.press('+');
  assert.notEqual(await inspect(panel.page, 'xRange'), null, '+ zooms from the keyboard');
  await panel.page.keyboard.press('0');
  assert.equal(await inspect(panel.page, 'xRange'), null);
});

test('a changed push makes the panel ask again and draw the new points', { skip }, async () => {
  const runId = fixture.runIds.healthy;
  const lastX = async () => (await datasets(panel.page)).find((d) => d.label === 'healthy · loss' && !d.quiet)!.last!.x;
  const before = await lastX();
  const requests = panel.received.filter((m) => m.type === 'requestSeries').length;
  const start = STEPS_PER_EPOCH * EPOCHS;
  fixture.store.appendMetrics(runId, Array.from({ length: 100 }, (_, i) => ({ key: 'loss', step: start + i, epoch: EPOCHS + 1, time: Date.now(), value: 0.3 })));
  await panel.push({ type: 'changed', runIds: [runId] });
  await panel.waitForMessage('requestSeries', requests + 1);
  const after = await until(lastX, (x) => x > before, 'the new points');
  assert.ok(after > EPOCHS, `the curve now reaches past epoch ${EPOCHS} (x = ${after})`);
});
