// Helpers for panels in the real workbench: find a webview's frame by what it shows, pick runs in
// the quick pick, switch theme, take a screenshot, read the extension's Output channel log, and
// post a message the way a webview's own acquireVsCodeApi().postMessage does.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { runPaletteCommand } from './workbench.ts';

/** The frame of the open webview that has `selector` (a webview is two nested iframes). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate((s) => !!document.querySelector(s), selector).catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Posts `message` to the extension host from inside a webview, through the same function the
 * webview's acquireVsCodeApi().postMessage calls: VS Code's webview bootstrap defines it on the
 * outer webview frame (window.__vscode_post_message__, channel 'onmessage') and the inner frame
 * reaches it through its parent. A hostile page script could do exactly this; nothing in the
 * extension is exposed for the test. `huge` sets a field to a string of that many characters,
 * made in the frame (so 50 MB do not travel over the DevTools protocol).
 */
export async function postFromWebview(panelFrame: Frame, message: unknown, huge?: { field: string; chars: number }): Promise<void> {
  const outer = panelFrame.parentFrame();
  if (!outer) throw new Error('the webview frame has no parent (not a VS Code webview?)');
  await outer.evaluate(([sent, big]) => {
    if (big) (sent as Record<string, unknown>)[big.field] = 'x'.repeat(big.chars);
    (window as unknown as { __vscode_post_message__(channel: string, data: unknown): void }).__vscode_post_message__('onmessage', { message: sent });
  }, [message, huge ?? null] as const);
}

export async function pickRunsInQuickPick(page: Page, ids: number[], many: boolean): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
  if (!many) {
    await input.fill(`#${ids[0]} `);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: `#${ids[0]} ·` }).first().waitFor({ timeout: 10_000 });
    await input.press('Enter');
    return;
  }
  for (const id of ids) await page.locator('.quick-input-list .monaco-list-row', { hasText: `#${id} ·` }).first().click({ timeout: 5000 });
  await input.press('Enter');
}

/** Runs a panel command and picks its runs; again if the pick closed under us (a list that
 *  re-renders while a run trains can close it). */
export async function openPanelOnRuns(page: Page, command: string, ids: number[], many: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await runPaletteCommand(page, command);
    try {
      await pickRunsInQuickPick(page, ids, many);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

export type WorkbenchTheme = 'light' | 'dark' | 'high-contrast';
/** VS Code's own themes: the picker's label and the class the workbench then carries. */
const WORKBENCH_THEMES: Record<WorkbenchTheme, { label: string; workbenchClass: string }> = {
  dark: { label: 'Dark Modern', workbenchClass: 'vs-dark' },
  light: { label: 'Light Modern', workbenchClass: 'vs' },
  'high-contrast': { label: 'Dark High Contrast', workbenchClass: 'hc-black' },
};

/**
 * Switches to one of VS Code's default themes with the Color Theme picker, clicking the theme's
 * row: Enter would take the picker's first row ("Browse Additional Color Themes..."), which
 * searches the marketplace (unreachable here).
 */
export async function setTheme(page: Page, theme: WorkbenchTheme): Promise<void> {
  const { label, workbenchClass } = WORKBENCH_THEMES[theme];
  const isSet = () => page.evaluate((c) => document.querySelector('.monaco-workbench')?.classList.contains(c) ?? false, workbenchClass);
  if (await isSet()) return;
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).first().click();
  await page.locator('.quick-input-widget input[placeholder^="Select Color Theme"]').waitFor();
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first().click();
  await page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), workbenchClass);
}

/** Screenshots in the dark theme, then the light and the high contrast ones (NAME-dark.png …), and back to dark. */
export async function shootThemes(page: Page, folder: string, name: string): Promise<void> {
  await shoot(page, path.join(folder, `${name}-dark.png`));
  await setTheme(page, 'light');
  await shoot(page, path.join(folder, `${name}-light.png`));
  await setTheme(page, 'high-contrast');
  await shoot(page, path.join(folder, `${name}-hc.png`));
  await setTheme(page, 'dark');
}

export async function shoot(page: Page, file: string): Promise<void> {
  await page.mouse.move(5, page.viewportSize()!.height - 5);
  await page.waitForTimeout(400); // let the webview repaint after a theme switch (not asserted on)
  await page.screenshot({ path: file });
}

/** The lines of the extension's Output channel ("Hyperlab"), as VS Code wrote them to its log file. */
export function outputChannelLines(codeServerDir: string, channel = 'Hyperlab'): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(`${channel}.log`)) files.push(full);
    }
  };
  walk(path.join(codeServerDir, 'user-data', 'logs'));
  return files.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0));
}

export async function waitForValue<T>(page: Page, read: () => Promise<T>, ok: (v: T) => boolean, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await read();
    if (ok(v)) return v;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out; last value ${JSON.stringify(await read()).slice(0, 500)}`);
}
