// The Compress & Export panel in the real workbench (code-server, headless Chromium) on a REAL
// run trained by the hyperlab CLI (FashionMNIST MLP, small subset): opened from the palette, the
// "Smallest within 1 point" preset exported (the panel runs `hyperlab export` in a child
// process: ONNX written, run in ONNX Runtime, compared with the engine), the report drawn, its
// files on disk; screenshots in dark, light and high contrast (test-results/compress-*.png). Then
// Comparison shows the export record as columns (test-results/compress-comparison.png).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../../src/core/store/index.ts';
import { codeServerInstalled, startCodeServer, type CodeServer } from '../e2e/codeServer.ts';
import { openPanelOnRuns, shootThemes, webviewFrame } from '../e2e/webviews.ts';
import { openWorkbench, runPaletteCommand, whenRestored, type Workbench } from '../e2e/workbench.ts';
import { REPO_ROOT } from './buildSuite.ts';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.cjs');
const skip = codeServerInstalled() ? false : 'code-server is not installed (bash test/e2e/setup-vscode.sh)';
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-compress-ws-'));
const db = path.join(workspace, '.hyperlab', 'runs.db');
let server: CodeServer | undefined;
let bench: Workbench | undefined;
let runId = 0;

before(async () => {
  if (skip) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  const spec = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'media', 'templates', 'fashion-mnist-mlp.hyperlab.json'), 'utf8'));
  delete spec.$schema;
  const file = path.join(workspace, 'mlp.hyperlab.json');
  fs.writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  const starting = startCodeServer();
  await promisify(execFile)(process.execPath, [CLI, 'run', file, '--db', db, '--set', 'data.limit=3000', '--set', 'data.testLimit=1000', '--set', 'train.epochs=2'], { cwd: workspace });
  const store = openStore(db, { readonly: true });
  runId = store.listRuns()[0]!.id;
  store.close();
  server = await starting;
  bench = await openWorkbench({ baseUrl: server.baseUrl, extensionPath: REPO_ROOT, workspace });
  await whenRestored(bench.page);
});

after(async () => {
  await bench?.close();
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('Compress and Export on a real run: a preset exported, verified in ONNX Runtime, the report and its files', { skip, timeout: 600_000 }, async () => {
  const page = bench!.page;
  try {
    await openPanelOnRuns(page, 'Hyperlab: Compress and Export...', [runId], false);
    const frame = await webviewFrame(page, '#preset-smallest');
    await frame.locator('#preset-int8-cpu').click();
    await frame.waitForFunction(() => document.querySelectorAll('#variants tbody tr[data-variant]').length === 1);
    await frame.locator('#add-variant').click();
    await frame.waitForFunction(() => document.querySelectorAll('#variants tbody tr[data-variant]').length === 2);
    await frame.locator('#start').click();
    await frame.locator('#report-table').waitFor({ timeout: 540_000 });
    const rows = await frame.locator('#report-table tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-row'), tr.querySelector('td:last-child')?.textContent]));
    assert.deepEqual(rows.map((r) => r[0]), ['fp32', 'int8-channel', 'int8-channel'], 'the FP32 baseline, then the variants under the labels of report.md');
    assert.ok(rows.every((r) => r[1] === 'ONNX Runtime'), 'every variant ran in ONNX Runtime');
    const command = (await frame.locator('#command').textContent())!;
    assert.match(command, new RegExp(`^hyperlab export ${runId} --variant quantize=int8,per-channel --variant quantize=int8,per-channel --format onnx --out `));
    const out = command.split(' --out ')[1]!.split(' --db ')[0]!.replace(/^'|'$/g, '');
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as { variants: { bytes: number; testAcc: number }[] };
    assert.equal(report.variants.length, 3);
    assert.ok(report.variants[1]!.bytes < report.variants[0]!.bytes * 0.3, 'INT8 is under 30% of FP32');
    assert.ok(fs.existsSync(path.join(out, 'hyperlab-export-command.txt')));
    await frame.locator('#pareto canvas').waitFor();
    await shootThemes(page, RESULTS, 'compress-report');
  } catch (error) {
    await page.screenshot({ path: path.join(RESULTS, 'compress-report.fail.png') }).catch(() => {});
    throw error;
  }
});

test('Comparison after the export: the run\'s variants, smallest file and best exported accuracy as columns', { skip, timeout: 120_000 }, async () => {
  const page = bench!.page;
  try {
    await runPaletteCommand(page, 'Hyperlab: Compare Runs');
    const frame = await webviewFrame(page, 'body[data-panel="comparison"][data-painted="true"]');
    const headers = await frame.locator('.rt-header .rt-name').allInnerTexts();
    assert.deepEqual(headers.slice(3, 6), ['exports', 'export kB · smallest', 'export test acc · best'], `after name, status and the objective: ${headers.join(', ')}`);
    const store = openStore(db, { readonly: true });
    const exports = store.artifactsOfKind('export').filter((a) => a.runId === runId);
    store.close();
    const smallest = Math.min(...exports.map((a) => a.meta!['bytes'] as number)) / 1000;
    const row = (await frame.locator('.rt-window .rt-row').first().innerText()).replace(/\s+/g, ' ');
    assert.match(row, /fp32, int8-channel/, `row: ${row}`);
    assert.ok(row.includes(smallest.toPrecision(3).replace(/\.?0+$/, '')) || row.includes(String(Math.round(smallest))), `smallest export ${smallest} kB in the row: ${row}`);
    await page.screenshot({ path: path.join(RESULTS, 'compress-comparison.png') });
  } catch (error) {
    await page.screenshot({ path: path.join(RESULTS, 'compress-comparison.fail.png') }).catch(() => {});
    throw error;
  }
});
