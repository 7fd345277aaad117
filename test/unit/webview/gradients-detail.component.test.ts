// The Gradient monitor and Run detail panels in real Chromium against a fixture store.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { componentsAvailable, requireBundles, launchChromium, openPanel } from './componentHarness.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const skip = componentsAvailable() || requireBundles(['gradients', 'detail']);
const fixture = panelFixtureStore();
let browser: Browser;

before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); fixture.remove(); });

test('the gradient monitor flags an exploding run with remedies whose links ask the host to open the spec field', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'gradients', store: fixture.store, runIds: [fixture.runIds.exploding], hasSpec: true });
  const alert = panel.page.locator('#alerts [data-kind="exploding"]');
  await alert.waitFor();
  assert.match((await alert.textContent())!, /Exploding gradients: norm above 1\.0e\+3 in layers? dense1/);
  assert.match((await alert.textContent())!, /Clip gradients by norm/);
  await alert.locator('vscode-link', { hasText: 'Open train.clip.norm in the spec' }).click();
  await panel.waitForMessage('openSpecField');
  assert.deepEqual(panel.received.find((m) => m.type === 'openSpecField'), { type: 'openSpecField', runId: fixture.runIds.exploding, field: 'train.clip.norm' });
  const drawn = await panel.page.evaluate(() => (window as unknown as { hyperlabGradients: { datasets(): { label: string; hidden: boolean; points: number }[] } }).hyperlabGradients.datasets());
  assert.deepEqual(drawn.map((d) => [d.label, d.points]), [['dense1', 12], ['dense2', 12], ['dense3', 12]]);
  assert.equal(await panel.page.evaluate(() => (window as unknown as { hyperlabGradients: { logY(): boolean } }).hyperlabGradients.logY()), true, 'log scale by default');
  await panel.page.locator('#legend button[data-layer="dense2"]').click();
  const after = await panel.page.evaluate(() => (window as unknown as { hyperlabGradients: { datasets(): { label: string; hidden: boolean }[] } }).hyperlabGradients.datasets());
  assert.deepEqual(after.map((d) => d.hidden), [false, true, false]);
  // The heatmap is painted: its canvas has non-transparent pixels in the first layer's row.
  const painted = await panel.page.locator('#heatmap').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(Math.floor(canvas.width * 0.6), 5, 1, 1).data;
    return data[3];
  });
  assert.ok(painted! > 0, 'heatmap cells drawn');
  await panel.close();
});

test('a healthy run shows no alert', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'gradients', store: fixture.store, runIds: [fixture.runIds.healthy] });
  await panel.page.locator('#alerts .hint').waitFor();
  assert.match((await panel.page.locator('#alerts').textContent())!, /No vanishing or exploding gradients/);
  await panel.close();
});

test('the gradient monitor shows how a run ended when it ends while the panel is open (status and reason, not "running")', { skip }, async () => {
  const store = fixture.store;
  const run = store.createRun({ experiment: 'fixture-mlp', name: 'ends-while-watched', specPath: null, params: { 'train.optimizer.lr': 3 } });
  store.markRunning(run.id, null);
  store.appendLayerStats(run.id, 0, [{ name: 'dense1', gradNorm: 0.5, weightNorm: 10, updateRatio: 1e-3 }]);
  const panel = await openPanel(browser, { kind: 'gradients', store, runIds: [run.id] });
  const summary = panel.page.locator('#summary');
  await panel.page.locator('#summary', { hasText: '1 layers' }).waitFor();
  assert.match((await summary.textContent())!, /^fixture-mlp · running · 1 layers · 1 samples/);
  store.appendLayerStats(run.id, 4, [{ name: 'dense1', gradNorm: 5e6, weightNorm: 10, updateRatio: 1e-3 }]);
  store.endRun(run.id, 'diverged', 'loss became NaN at step 5', null);
  await panel.push({ type: 'changed', runIds: [run.id] });
  await panel.waitForMessage('requestLayerStats', 2);
  await panel.page.locator('#summary', { hasText: '2 samples' }).waitFor();
  assert.match((await summary.textContent())!, /^fixture-mlp · diverged: loss became NaN at step 5 · 1 layers · 2 samples/);
  await panel.close();
});

test('run detail shows status, params, the confusion matrix, per-class accuracy, artifacts and the log tail', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'detail', store: fixture.store, runIds: [fixture.runIds.overfit], theme: 'light' });
  const page = panel.page;
  await page.locator('#confusion').waitFor();
  assert.match((await page.locator('#status').textContent())!, /Finished/);
  const cells = await page.locator('#confusion tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(cells, [['90', '5', '5'], ['2', '97', '1'], ['20', '3', '77']]);
  assert.deepEqual(await page.locator('#per-class td.num').allTextContents(), ['90.0%', '97.0%', '77.0%']);
  assert.match((await page.locator('#params').textContent())!, /model\.units128/);
  const confusionFirst = await page.evaluate(() => !!(document.getElementById('confusion')!.compareDocumentPosition(document.getElementById('params-section')!) & Node.DOCUMENT_POSITION_FOLLOWING));
  assert.ok(confusionFirst, 'the confusion matrix comes before the parameters');
  assert.match((await page.locator('#artifacts').textContent())!, /checkpoint\/tmp\/overfit\/last\.safetensors120\.6 KB/);
  assert.match((await page.locator('#log').textContent())!, /warning: something on stderr/);
  // Live: a new log line, a changed push, and the panel asks again.
  fixture.store.appendLog(fixture.runIds.overfit, [{ stream: 'stdout', text: 'a line written later', time: Date.now() }]);
  await panel.push({ type: 'changed', runIds: [fixture.runIds.overfit] });
  await panel.waitForMessage('requestDetail');
  await page.locator('#log', { hasText: 'a line written later' }).waitFor();
  await panel.close();
});
