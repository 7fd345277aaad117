// Run Detail in real Chromium on a real store: the experiment's objective with the best run
// marked, the run's tags and note, and buttons that ask the host to rename, tag, note or star.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { componentsAvailable, launchChromium, openPanel, requireBundles } from './componentHarness.ts';

const skip = componentsAvailable() || requireBundles(['detail']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-detail-objective-'));
let store: Store;
let browser: Browser;
const ids: number[] = [];

before(async () => {
  store = openStore(path.join(dir, 'runs.db'));
  for (const acc of [0.81, 0.88]) {
    const run = store.createRun({ experiment: 'mlp', name: `acc ${acc}` });
    store.markRunning(run.id, null);
    store.appendMetrics(run.id, [{ key: 'epoch.val.acc', step: 10, epoch: 1, time: 1, value: acc - 0.05 }, { key: 'epoch.val.acc', step: 20, epoch: 2, time: 2, value: acc }]);
    store.endRun(run.id, 'finished', null, { 'test.acc': 0.5 });
    ids.push(run.id);
  }
  store.tagRun(ids[1]!, ['baseline']);
  store.setRunNote(ids[1]!, 'the one to beat');
  store.setRunStarred(ids[1]!, true);
  if (!skip) browser = await launchChromium();
});
after(async () => { await browser?.close(); store.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('the objective (best epoch val acc, best of the experiment marked), tags, note; the buttons ask the host to edit', { skip }, async () => {
  const panel = await openPanel(browser, { kind: 'detail', store, runIds: [ids[1]!] });
  const page = panel.page;
  await page.locator('#objective').waitFor();
  assert.equal(await page.locator('#objective').innerText(), 'Objective val.acc ↑: 0.88 ★ best of 2 runs');
  assert.equal(await page.locator('h1').innerText(), `★ acc 0.88 #${ids[1]}`);
  assert.equal(await page.locator('#tags').innerText(), '#baseline');
  assert.equal(await page.locator('#note').innerText(), 'the one to beat');
  for (const [button, edit] of [['#edit-name', 'name'], ['#edit-tags', 'tags'], ['#edit-note', 'note'], ['#edit-star', 'star']] as const) {
    await page.locator(button).click();
    await panel.waitForMessage('editRun', ['name', 'tags', 'note', 'star'].indexOf(edit) + 1);
    assert.deepEqual(panel.received.filter((m) => m.type === 'editRun').at(-1), { type: 'editRun', runId: ids[1], edit });
  }
  assert.deepEqual(panel.rejected, []);
  await panel.close();
  const other = await openPanel(browser, { kind: 'detail', store, runIds: [ids[0]!] });
  await other.page.locator('#objective').waitFor();
  assert.equal(await other.page.locator('#objective').innerText(), 'Objective val.acc ↑: 0.81', 'not the best: no mark');
  assert.equal(await other.page.locator('#tags').innerText(), 'no tags');
  await other.close();
});
