// The Comparison webview in real Chromium (the built bundle) against a real fixture store,
// answered through the real validator: sorting, filtering, brushing, column choice, grouping,
// virtualized scrolling of 10,000 runs, keyboard selection and the spec diff.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { fillSweep } from '../../e2e/compareFixtures.ts';
import { launchBrowser, openComparePage, type ComparePage } from '../../e2e/comparePage.ts';
import { componentsAvailable, requireBundles } from '../webview/componentHarness.ts';

const skip = componentsAvailable() || requireBundles(['comparison']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-compare-ui-'));
let browser: Browser;
let small: Store;

before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  small = openStore(path.join(dir, 'small.db'));
  fillSweep(small, { runs: 40 });
});
after(async () => {
  small?.close();
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function painted(page: Page): Promise<void> {
  await page.waitForSelector('body[data-painted="true"]', { timeout: 20_000 });
}
/** A column's header by its key (the header shows its title; the key is in data-key and the tooltip). */
const column = (page: Page, key: string) => page.locator(`.rt-header .rt-head[data-key="${key}"]`);
const headerKeys = (page: Page) => page.locator('.rt-header .rt-head').evaluateAll((heads) => heads.map((h) => h.getAttribute('data-key')!));
async function columnIndex(page: Page, key: string): Promise<number> {
  const keys = await headerKeys(page);
  const index = keys.indexOf(key);
  assert.ok(index >= 0, `column ${key} is shown (have ${keys.join(', ')})`);
  return index;
}
async function columnValues(page: Page, name: string): Promise<string[]> {
  const index = await columnIndex(page, name);
  return page.locator('.rt-window .rt-row:not(.rt-group)').evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).title), index);
}
const filterInput = (page: Page) => page.locator('#filter input');
type Label = { kind: 'name' | 'tick'; axis: number; text: string; left: number; top: number; right: number; bottom: number };
const parallelLabels = (page: Page) => page.evaluate(() => (window as unknown as { hyperlabComparison: { parallelLabels(): Label[] } }).hyperlabComparison.parallelLabels());

describe('Comparison panel in Chromium', { skip }, () => {
  let ui: ComparePage;
  before(async () => {
    if (skip) return;
    ui = await openComparePage(browser, small);
    await painted(ui.page);
  });
  after(async () => ui?.close());

  test('shows every run with its varying parameters and best metrics, and names the importance method', async () => {
    const page = ui.page;
    assert.equal(await page.locator('#run-count').innerText(), '40 of 40 runs');
    assert.deepEqual(await headerKeys(page), ['name', 'status', 'val.acc.best', 'train.optimizer.kind', 'train.optimizer.lr', 'model.layers.1.units', 'train.loss.best', 'val.loss.best'], 'the objective next to the run, then the params');
    assert.deepEqual(await page.locator('.rt-header .rt-name').allInnerTexts(), ['name', 'status', 'val acc · best', 'optimizer', 'lr', 'units', 'train loss · best', 'val loss · best'], 'headers show titles');
    assert.match((await column(page, 'val.acc.best').locator('button').getAttribute('title'))!, /^val\.acc\.best\nClick to sort \(higher is better\)$/, 'the tooltip names the key');
    assert.match(await page.locator('#importance-method').innerText(), /ε² per parameter, each on its own: .* need not add up to 100%/);
    const first = page.locator('#importance .importance-row').first();
    assert.equal(await first.locator('.bar-name').innerText(), 'lr', 'the loss bowl is over lr: it matters most');
    assert.match((await first.getAttribute('title'))!, /^train\.optimizer\.lr: /);
    const options = (id: string) => page.locator(`#${id} vscode-option`).evaluateAll((els) => els.map((e) => `${e.getAttribute('value')}=${e.textContent}`));
    assert.deepEqual((await options('scatter-x')).slice(0, 3), ['param.train.optimizer.kind=optimizer', 'param.train.optimizer.lr=lr', 'param.model.layers.1.units=units'], 'the scatter picks by title');
    assert.ok((await options('scatter-y')).includes('metric.val.acc.best=val acc · best'));
    const axisNames = (await parallelLabels(page)).filter((l) => l.kind === 'name').map((l) => l.text);
    assert.deepEqual(axisNames, ['optimizer', 'lr (log)', 'units', 'val acc · best'], 'parallel axes named by title');
    assert.deepEqual(ui.rejected, []);
  });

  test('parallel coordinates: every axis name stands clear above the tick labels; the objective\'s ticks sit right of its axis, away from the lines', async () => {
    const labels = await parallelLabels(ui.page);
    const names = labels.filter((l) => l.kind === 'name');
    const ticks = labels.filter((l) => l.kind === 'tick');
    assert.equal(names.length, 4);
    // The highest a tick label can sit: centred on the axis' top end (a tick at the domain's top).
    const axisTop = await ui.page.evaluate(() => (window as unknown as { hyperlabComparison: { parallelAxisTop(): number } }).hyperlabComparison.parallelAxisTop());
    const halfTick = Math.max(...ticks.map((t) => (t.bottom - t.top) / 2));
    const lowestName = Math.max(...names.map((n) => n.bottom));
    assert.ok(axisTop - halfTick - lowestName >= 8, `a top tick label (from ${(axisTop - halfTick).toFixed(1)} px) clears the axis names (to ${lowestName.toFixed(1)} px) by ≥ 8 px`);
    for (const name of names) {
      for (const tick of ticks) {
        if (tick.right < name.left || tick.left > name.right) continue; // side by side: no clash
        assert.ok(tick.top - name.bottom >= 8, `"${tick.text}" (axis ${tick.axis}, top ${tick.top.toFixed(1)}) clears "${name.text}" (bottom ${name.bottom.toFixed(1)}) by ${(tick.top - name.bottom).toFixed(1)} px`);
      }
    }
    const objective = names.length - 1;
    const axisX = await ui.page.evaluate((i) => (window as unknown as { hyperlabComparison: { parallelAxisX(i: number): number } }).hyperlabComparison.parallelAxisX(i), objective);
    const objectiveTicks = ticks.filter((t) => t.axis === objective);
    assert.ok(objectiveTicks.length > 0 && objectiveTicks.every((t) => t.left > axisX), 'objective ticks right of the axis');
    const width = await ui.page.locator('#parallel canvas').evaluate((c) => c.getBoundingClientRect().width);
    assert.ok(objectiveTicks.every((t) => t.right <= width), 'and inside the canvas');
  });

  test('clicking a header sorts ascending, then descending', async () => {
    const page = ui.page;
    await column(page, 'val.loss.best').locator('button').click();
    const asc = (await columnValues(page, 'val.loss.best')).map(Number);
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
    assert.equal(await column(page, 'val.loss.best').getAttribute('aria-sort'), 'ascending');
    await column(page, 'val.loss.best').locator('button').click();
    const desc = (await columnValues(page, 'val.loss.best')).map(Number);
    assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
    assert.ok(desc[0]! > asc.at(-1)!, 'the largest loss now comes first (only rows in view exist)');
    await column(page, 'val.loss.best').locator('button').click(); // back to unsorted
  });

  test('typing a filter filters the rows and the count; a bad term says why', async () => {
    const page = ui.page;
    await filterInput(page).fill('kind=sgd');
    await page.waitForFunction(() => !document.querySelector('#run-count')!.textContent!.startsWith('40 of'));
    const kinds = await columnValues(page, 'train.optimizer.kind');
    assert.ok(kinds.length > 5 && kinds.every((k) => k === 'sgd'), kinds.join(','));
    assert.equal(await page.locator('#run-count').innerText(), `${kinds.length} of 40 runs`);
    await filterInput(page).fill('nope>1');
    await page.locator('#filter-errors', { hasText: 'no column named "nope"' }).waitFor();
    await filterInput(page).fill('');
    await page.locator('#run-count', { hasText: '40 of 40 runs' }).waitFor();
  });

  test('brushing the lr axis of the parallel coordinates filters the table and writes the range into the filter', async () => {
    const page = ui.page;
    const box = (await page.locator('#parallel canvas').boundingBox())!;
    const before = await page.locator('#parallel canvas').screenshot();
    // Axes: kind, lr, units, objective: lr is the second.
    const x = box.x + await page.evaluate(() => (window as unknown as { hyperlabComparison: { parallelAxisX(i: number): number } }).hyperlabComparison.parallelAxisX(1));
    await page.mouse.move(x, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.move(x, box.y + box.height * 0.7, { steps: 5 });
    await page.mouse.up();
    const filter = await filterInput(page).inputValue();
    const match = /^train\.optimizer\.lr:([\d.e-]+)\.\.([\d.e-]+)$/.exec(filter);
    assert.ok(match, `the brush shows in the filter: "${filter}"`);
    const [lo, hi] = [Number(match[1]), Number(match[2])];
    const lrs = (await columnValues(page, 'train.optimizer.lr')).map(Number);
    assert.ok(lrs.length > 0 && lrs.length < 40, `the table keeps some runs (${lrs.length})`);
    assert.ok(lrs.every((v) => v >= lo && v <= hi), `every shown lr is inside [${lo}, ${hi}]`);
    assert.notDeepEqual(await page.locator('#parallel canvas').screenshot(), before, 'the plot redrew (brush and faded lines)');
    // A click on the axis clears the brush.
    await page.mouse.click(x, box.y + box.height * 0.5);
    assert.equal(await filterInput(page).inputValue(), '');
    await page.locator('#run-count', { hasText: '40 of 40 runs' }).waitFor();
  });

  test('choosing columns adds and removes them; grouping puts runs under headers', async () => {
    const page = ui.page;
    await page.locator('#columns-button').click();
    await page.locator('#column-picker').waitFor();
    const epochs = page.locator('[id="column-param.train.epochs"]');
    assert.equal(await epochs.getAttribute('title'), 'train.epochs', 'the picker names the key');
    assert.match(await page.locator('[id="column-metric.train.loss.best"]').innerText(), /train loss · best\s*train\.loss\.best/, 'title, then key');
    await epochs.click();
    await page.locator('[id="column-metric.train.loss.best"]').click();
    let names = await headerKeys(page);
    assert.ok(names.includes('train.epochs'), 'a constant parameter was added');
    assert.ok(!names.includes('train.loss.best'), 'a metric was removed');
    await page.locator('#columns-button').click();
    await page.locator('#group-by').click();
    await page.locator('#group-by vscode-option', { hasText: 'optimizer' }).click();
    const groups = await page.locator(".rt-window .rt-group").allTextContents();
    assert.equal(groups.length, 2);
    assert.match(groups[0]!, /optimizer = adam\s*· \d+ runs · best objective \d/);
    await page.locator('.rt-window .rt-group').first().click(); // fold adam
    assert.equal(await page.locator('.rt-window .rt-group').first().getAttribute('aria-expanded'), 'false');
    names = await headerKeys(page);
    assert.ok(names.length > 0);
    await page.locator('#group-by').click();
    await page.locator('#group-by vscode-option', { hasText: 'No grouping' }).click();
    await page.locator('.rt-window .rt-group').first().waitFor({ state: 'detached' });
  });

  test('keyboard: the grid takes focus, arrows move, Space selects two runs and their spec diff appears', async () => {
    const page = ui.page;
    await page.locator('.rt-body').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('.rt-row[aria-selected="true"]').count(), 2);
    await page.locator('#spec-diff table.spec-diff').waitFor();
    const changed = await page.locator('#spec-diff tr.diff-changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
    assert.ok(changed.includes('train.optimizer.lr'), `lr differs between two trials (${changed.join(', ')})`);
    assert.equal(await page.locator('#spec-diff tr.diff-same').count(), 0, 'only differences by default');
  });
});

describe('Comparison panel in a high contrast theme', { skip }, () => {
  // Dark High Contrast has no list selection and no diff backgrounds: without borders, the two
  // selected runs and the changed values looked exactly like the rest.
  test('selected rows and changed diff cells are outlined in the theme\'s contrast colors', async () => {
    const ui = await openComparePage(browser, small, { theme: 'high-contrast' });
    try {
      const page = ui.page;
      await painted(page);
      const rows = page.locator('.rt-window .rt-row:not(.rt-group)');
      await rows.nth(0).click();
      await rows.nth(2).click({ modifiers: ['Control'] });
      await page.locator('#spec-diff table.spec-diff').waitFor();
      await page.mouse.move(0, 0);
      const outline = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => { const s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineColor}`; });
      assert.equal(await outline(page.locator('.rt-row[aria-selected="true"]').first()), 'solid rgb(243, 133, 24)', 'contrastActiveBorder around a selected run');
      assert.equal(await outline(page.locator('.rt-row[aria-selected="false"]').first()), 'none rgb(255, 255, 255)', 'none around the others');
      const changed = page.locator('#spec-diff tr.diff-changed').first();
      assert.equal(await outline(changed.locator('td.left')), 'dashed rgb(255, 0, 143)', 'removed-text border on the left value');
      assert.equal(await outline(changed.locator('td.right')), 'dashed rgb(51, 255, 46)', 'inserted-text border on the right value');
      assert.deepEqual(ui.rejected, []);
    } finally {
      await ui.close();
    }
  });
});

describe('Comparison panel with 10,000 runs', { skip }, () => {
  test('renders only the rows in view and scrolls to the last run', async () => {
    const store = openStore(path.join(dir, 'big.db'));
    fillSweep(store, { runs: 10_000, steps: 2, seed: 11 });
    const ui = await openComparePage(browser, store);
    try {
      const page = ui.page;
      await painted(page);
      assert.equal(await page.locator('#run-count').innerText(), '10,000 of 10,000 runs');
      const rendered = await page.locator('.rt-window .rt-row').count();
      assert.ok(rendered > 10 && rendered < 80, `only the visible rows exist (${rendered})`);
      await page.locator('.rt-body').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      // The last of the 10,000 rows (best-first order) is rendered once scrolled to the end.
      await page.waitForFunction(() => [...document.querySelectorAll('.rt-window .rt-row')].some((r) => r.getAttribute('aria-rowindex') === '10001'));
      assert.ok((await page.locator('.rt-window .rt-row').count()) < 80);

      // aria-activedescendant names a row that is rendered and in view, whatever scrolled the table.
      const active = () => page.locator('.rt-body').evaluate((body) => {
        const id = body.getAttribute('aria-activedescendant');
        const row = id ? document.getElementById(id) : null;
        const view = body.getBoundingClientRect();
        const header = body.querySelector('.rt-header')!.getBoundingClientRect();
        const box = row?.getBoundingClientRect();
        return { id, rendered: !!row && body.contains(row), index: row ? Number(row.getAttribute('aria-rowindex')) : null,
          inView: !!box && box.top >= header.bottom - 1 && box.bottom <= view.bottom + 1 };
      });
      const settled = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.locator('.rt-body').evaluate((el) => { el.scrollTop = 0; });
      await settled();
      await page.locator('.rt-body').focus();
      await page.keyboard.press('ArrowDown');
      assert.deepEqual(await active(), { id: 'rt-row-1', rendered: true, index: 3, inView: true });
      // Scrolled away by the wheel: the active row is no longer rendered, so it is not named.
      await page.locator('.rt-body').evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
      await settled();
      const away = await active();
      assert.ok(away.id === null || (away.rendered && away.inView), `after scrolling: ${JSON.stringify(away)}`);
      // The keyboard moves from the active row and brings it into view.
      await page.keyboard.press('ArrowDown');
      assert.deepEqual(await active(), { id: 'rt-row-2', rendered: true, index: 4, inView: true });
      await page.keyboard.press('End');
      assert.deepEqual(await active(), { id: 'rt-row-9999', rendered: true, index: 10_001, inView: true });
      for (const key of ['PageUp', 'PageUp', 'ArrowUp', 'Home']) {
        await page.keyboard.press(key);
        const now = await active();
        assert.ok(now.rendered && now.inView, `${key}: ${JSON.stringify(now)}`);
      }
      assert.equal((await active()).id, 'rt-row-0');
      // Tabbing back into a table scrolled elsewhere makes a row in view active (no jump back).
      await filterInput(page).focus();
      await page.locator('.rt-body').evaluate((el) => { el.scrollTop = 240_000; });
      await settled();
      await page.locator('.rt-body').focus();
      const refocused = await active();
      assert.ok(refocused.rendered && refocused.inView && refocused.index! > 9000, `after focusing again: ${JSON.stringify(refocused)}`);
      // A filter that leaves fewer rows than the active index: the active row is the last one left, rendered.
      await page.keyboard.press('End');
      await filterInput(page).fill('trial-000');
      await page.locator('#run-count', { hasText: '9 of 10,000 runs' }).waitFor();
      await settled();
      const filtered = await active();
      assert.ok(filtered.id === null || (filtered.rendered && filtered.inView), `after filtering: ${JSON.stringify(filtered)}`);
    } finally {
      await ui.close();
      store.close();
    }
  });
});
