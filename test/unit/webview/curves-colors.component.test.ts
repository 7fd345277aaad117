// The colors the Curves panel really draws, read back from the canvas in Chromium: each run's
// line (and its legend swatch) is its palette color at full strength, in VS Code's dark, light
// and high contrast themes. Dark Modern's charts.orange is a translucent highlight
// (rgba(234, 92, 0, 0.33)); drawn as is, the second run's line came out dark brown.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { componentsAvailable, launchChromium, openPanel, requireBundles, type ThemeName } from './componentHarness.ts';
import { panelFixtureStore } from '../../fixtures/stores/panelStore.ts';

const skip = componentsAvailable() || requireBundles(['curves']);
const fixture = panelFixtureStore();
let browser: Browser;

before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  fixture.remove();
});

type RGB = [number, number, number];
interface DrawnLine { label: string; color: string; points: { x: number; y: number }[] }
const inspect = <T>(page: Page, what: string): Promise<T> => page.evaluate((w) => (window as unknown as { hyperlabCurves: Record<string, () => unknown> }).hyperlabCurves[w]!(), what) as Promise<T>;

/** The pixel nearest in color to `want` within 4 px above or below the midpoint of each segment. */
async function closestDrawn(page: Page, line: DrawnLine, want: RGB): Promise<{ distance: number; got: RGB }> {
  return page.evaluate(([points, target]) => {
    const canvas = document.getElementById('curves-chart') as HTMLCanvasElement;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const g = canvas.getContext('2d')!;
    let best = { distance: Infinity, got: [0, 0, 0] as [number, number, number] };
    for (let i = 1; i < points.length; i++) {
      const x = Math.round(((points[i - 1]!.x + points[i]!.x) / 2) * scale);
      const y = Math.round(((points[i - 1]!.y + points[i]!.y) / 2) * scale);
      const data = g.getImageData(x, y - 4, 1, 9).data;
      for (let p = 0; p < 9; p++) {
        const got: [number, number, number] = [data[p * 4]!, data[p * 4 + 1]!, data[p * 4 + 2]!];
        const distance = Math.max(...got.map((c, k) => Math.abs(c - target[k]!)));
        if (distance < best.distance) best = { distance, got };
      }
    }
    return best;
  }, [line.points, want] as const);
}

/** VS Code's variable made opaque: what a series of that color must be drawn with. */
const EXPECTED: Record<ThemeName, RGB[]> = {
  dark: [[0x59, 0xa4, 0xf9], [234, 92, 0], [0x89, 0xd1, 0x85]],
  light: [[0x00, 0x63, 0xd3], [234, 92, 0], [0x38, 0x8a, 0x34]],
  // No charts.orange in high contrast: the fallback orange.
  'high-contrast': [[0x59, 0xa4, 0xf9], [0xd1, 0x86, 0x16], [0x89, 0xd1, 0x85]],
};

for (const theme of ['dark', 'light', 'high-contrast'] as const) {
  test(`${theme}: each run's line and legend swatch are drawn in its palette color at full strength`, { skip }, async () => {
    const ids = [fixture.runIds.healthy, fixture.runIds.overfit, fixture.runIds.exploding];
    const panel = await openPanel(browser, { kind: 'curves', store: fixture.store, runIds: ids, theme });
    try {
      await panel.waitForMessage('requestSeries');
      let lines: DrawnLine[] = [];
      for (let i = 0; i < 200 && lines.length < 6; i++) {
        lines = await inspect<DrawnLine[]>(panel.page, 'linePixels');
        await new Promise((r) => setTimeout(r, 25));
      }
      const trains = lines.filter((l) => l.label.endsWith('epoch.train.loss'));
      assert.deepEqual(trains.map((l) => l.label.split(' · ')[0]), ['healthy', 'overfit', 'exploding']);
      for (const [i, line] of trains.entries()) {
        const want = EXPECTED[theme][i]!;
        const { distance, got } = await closestDrawn(panel.page, line, want);
        assert.ok(distance <= 8, `${line.label}: drawn rgb(${got.join(', ')}), expected rgb(${want.join(', ')}) (stroke ${line.color})`);
        const swatch = await panel.page.locator(`#legend button[data-run-id="${ids[i]}"] .swatch`).evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.equal(swatch, `rgb(${want.join(', ')})`, `${line.label}: legend swatch`);
      }
      assert.deepEqual(panel.rejected, []);
    } finally {
      await panel.close();
    }
  });
}
