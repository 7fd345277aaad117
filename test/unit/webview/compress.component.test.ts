// The Compress & Export panel in real Chromium: presets fill the variant editor, impossible
// variants are refused before anything starts, Export sends exactly what the editor shows, and a
// report is drawn as a table (Pareto front and the smallest-within-1-point marked) and a plot.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CompressReport, CompressRun, ToWebview, PanelKind } from '../../../src/core/webview/contract.ts';
import { componentsAvailable, launchChromium, openPanel, REPO_ROOT, requireBundles } from './componentHarness.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const skip = componentsAvailable() || requireBundles(['compress']);
const fixture = panelFixtureStore();
let browser: Browser;
before(async () => { if (!skip) browser = await launchChromium(); });
after(async () => { await browser?.close(); fixture.remove(); });

const run = (overrides: Partial<CompressRun> = {}): CompressRun => ({
  run: { id: 7, name: 'mlp-full', experimentName: 'fashion-mnist-mlp', status: 'finished', sweepId: null, startedAt: 1, endedAt: 2, reason: null },
  blocked: null, testAccuracy: 0.8945, layerWidths: [{ name: 'dense1', inputs: 784 }, { name: 'dense2', inputs: 256 }, { name: 'dense3', inputs: 128 }], ...overrides,
});

const row = (label: string, fileBytes: number, accuracy: number, baseline = false, ptqAccuracy: number | null = null) => ({
  label, baseline, fileBytes, accuracy, ptqAccuracy, sparsity: label.includes('prune') ? 0.9 : 0, parameters: 235_146, agreement: baseline ? 1 : 0.99,
  perClassDelta: [{ name: 'Shirt', delta: baseline ? 0 : -1.2 }, { name: 'Bag', delta: 0.1 }], latencyMs: { batch1: 0.05, batch64: 0.9 },
  verified: 'onnxruntime' as const, note: null, files: ['model.onnx'],
});
const report: CompressReport = {
  runId: 7, runName: 'mlp-full', outDir: '/tmp/out', command: 'hyperlab export 7 --quantize int8 --per-channel --out /tmp/out', format: 'onnx', createdAt: Date.UTC(2026, 10, 29),
  rows: [row('fp32', 941_000, 0.8945, true), row('int8/channel', 243_000, 0.8941), row('int4/block 32', 140_000, 0.8870), row('ternary', 90_000, 0.80), row('kmeans4', 150_000, 0.8850)],
};

function open(messages: ToWebview<PanelKind>[]) {
  return openPanel(browser, { kind: 'compress', store: fixture.store, runIds: [], respond: (m) => (m.type === 'ready' ? messages : []) });
}

test('a preset fills the variant editor, and Export sends the variants shown with the chosen format', { skip }, async () => {
  const panel = await open([{ type: 'run', run: run(), lastReport: null }]);
  await panel.page.locator('#preset-smallest').click();
  await panel.page.waitForFunction(() => document.querySelectorAll('#variants tbody tr[data-variant]').length === 5);
  const labels = await panel.page.locator('#variants td.label').allTextContents();
  assert.deepEqual(labels, ['int8/channel', 'int4/block 32', 'kmeans4', 'ternary', 'prune 90% + fine-tune 2 · int8/channel']);
  await panel.page.locator('#start').click();
  await panel.waitForMessage('startExport');
  const sent = panel.received.find((m) => m.type === 'startExport') as unknown as { runId: number; variants: { quantize: string }[]; format: string };
  assert.equal(sent.runId, 7);
  assert.equal(sent.format, 'onnx');
  assert.deepEqual(sent.variants.map((v) => v.quantize), ['int8', 'int4', 'kmeans4', 'ternary', 'int8']);
  await panel.push({ type: 'progress', message: 'Exporting int4/block 32 (2 of 6)…', fraction: 0.33 });
  await panel.page.locator('#progress-text', { hasText: '2 of 6' }).waitFor();
  await panel.page.locator('#cancel').click();
  await panel.waitForMessage('cancelExport');
  assert.deepEqual(panel.rejected, []);
  await panel.close();
});

test('2:4 on a layer whose width is not a multiple of 4 is shown as a problem and Export stays disabled', { skip }, async () => {
  const panel = await open([{ type: 'run', run: run({ layerWidths: [{ name: 'dense1', inputs: 784 }, { name: 'dense2', inputs: 30 }] }), lastReport: null }]);
  await panel.page.locator('#preset-sparse-gpu').click();
  await panel.page.locator('#variants .problem').first().waitFor();
  assert.match((await panel.page.locator('#variants .problem').first().textContent())!, /dense2 has 30 inputs/);
  assert.equal(await panel.page.locator('#start').getAttribute('disabled'), '');
  await panel.close();
});

test('a run that cannot be exported says why and cannot start', { skip }, async () => {
  const panel = await open([{ type: 'run', run: run({ blocked: 'Run 7 diverged: its weights are not a model to deploy.' }), lastReport: null }]);
  await panel.page.locator('#blocked').waitFor();
  assert.match((await panel.page.locator('#blocked').textContent())!, /diverged/);
  assert.equal(await panel.page.locator('#start').getAttribute('disabled'), '');
  await panel.close();
});

test('the report marks the Pareto front and the smallest within 1 point, plots every variant, and its buttons name the run', { skip }, async () => {
  const panel = await open([{ type: 'run', run: run(), lastReport: null }, { type: 'report', report }]);
  await panel.page.locator('#report-table').waitFor();
  const marks = await panel.page.locator('#report-table tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-row'), r.className]));
  assert.deepEqual(marks, [
    ['fp32', 'pareto'], ['int8/channel', 'pareto'], ['int4/block 32', 'pareto pick'], ['ternary', 'pareto'], ['kmeans4', ''],
  ]);
  assert.match((await panel.page.locator('#report-table tbody tr[data-row="int8/channel"]').textContent())!, /25\.8%.*89\.41%.*-0\.04/);
  await panel.page.waitForFunction(() => (window as unknown as { hyperlabCompress: { paretoPoints(): unknown[] } }).hyperlabCompress.paretoPoints().length === 5);
  assert.match((await panel.page.locator('#command').textContent())!, /^hyperlab export 7 /);
  await panel.page.locator('#copy-command').click();
  await panel.waitForMessage('copyCommand');
  await panel.page.locator('#open-folder').click();
  await panel.waitForMessage('openFolder');
  assert.deepEqual(panel.received.filter((m) => m.type === 'openFolder'), [{ type: 'openFolder', runId: 7 }]);
  await panel.close();
});

test('QAT is offered beside the quantization: it lifts the INT4-per-tensor refusal, is sent as qat, and the report shows the PTQ accuracy it beat', { skip }, async () => {
  const panel = await open([{ type: 'run', run: run(), lastReport: null }]);
  const page = panel.page;
  await page.locator('#preset-int8-cpu').click();
  const qat = page.getByLabel('Quantization-aware fine-tuning epochs of variant 1');
  assert.equal(await qat.isDisabled(), false, 'QAT is offered for int8');
  await page.getByLabel('Quantization of variant 1').selectOption('int4');
  await page.getByLabel('Quantization granularity of variant 1').selectOption('tensor');
  await page.locator('#variants .problem', { hasText: 'or add QAT epochs' }).waitFor();
  assert.equal(await page.locator('#start').getAttribute('disabled'), '');
  await page.getByLabel('Quantization-aware fine-tuning epochs of variant 1').fill('2');
  await page.getByLabel('Quantization-aware fine-tuning epochs of variant 1').dispatchEvent('change');
  await page.locator('#variants td.label', { hasText: 'int4/tensor + QAT 2' }).waitFor();
  assert.equal(await page.locator('#variants .problem').count(), 0);
  await page.getByLabel('Quantization of variant 1').selectOption('fp16');
  await page.locator('#variants .problem', { hasText: 'QAT trains for the INT8/INT4 grid' }).waitFor();
  await page.getByLabel('Quantization of variant 1').selectOption('int4');
  await page.locator('#start').click();
  await panel.waitForMessage('startExport');
  const sent = panel.received.find((m) => m.type === 'startExport') as unknown as { variants: { quantize: string; granularity: string; qat: number }[] };
  assert.deepEqual(sent.variants.map((v) => [v.quantize, v.granularity, v.qat]), [['int4', 'tensor', 2]]);
  assert.deepEqual(panel.rejected, []);
  await panel.push({ type: 'report', report: { ...report, rows: [row('fp32', 941_000, 0.8945, true), row('int4/tensor + QAT 2', 125_000, 0.8801, false, 0.8312)] } });
  await page.locator('#report-table').waitFor();
  assert.match((await page.locator('#report-table tbody tr[data-row="int4/tensor + QAT 2"]').textContent())!, /88\.01% \(PTQ 83\.12%\)/);
  assert.doesNotMatch((await page.locator('#report-table tbody tr[data-row="fp32"]').textContent())!, /PTQ/);
  const results = path.join(REPO_ROOT, 'test-results');
  fs.mkdirSync(results, { recursive: true });
  await page.screenshot({ path: path.join(results, 'compress-qat.png'), fullPage: true });
  await panel.close();
});
