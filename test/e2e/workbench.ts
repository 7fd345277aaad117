// Opens the real VS Code workbench of a code-server in headless Chromium, with an extension
// loaded from its folder (extensionDevelopmentPath) and optionally a test module run inside
// the extension host (extensionTestsPath), the way VS Code's own smoke tests do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';

export interface WorkbenchOptions {
  baseUrl: string;
  /** Loads the extension from this folder (development mode); leave out for an installed one. */
  extensionPath?: string;
  workspace: string;
  /** A CommonJS module exporting run(): run inside the extension host; the window then exits. */
  testsPath?: string;
}

export interface Workbench {
  page: Page;
  /** Lines the extension host and workbench printed (console), for failure messages. */
  console: string[];
  close(): Promise<void>;
}

export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench & { exitCode: Promise<number> }> {
  const host = new URL(options.baseUrl).host;
  const payload: [string, string][] = [];
  if (options.extensionPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${options.extensionPath}`]);
  if (options.testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${options.testsPath}`]);
  const url = `${options.baseUrl}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  // The workbench reports the extension tests' end through these two hooks (smoke-test driver).
  const exitCode = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
  });
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    consoleLines.push(`[exthost ${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleLines.push(`[workbench error] ${message.text()}`);
  });
  await page.goto(url);
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, console: consoleLines, exitCode, close };
}

/** Waits until the workbench has restored its layout (the smoke-test driver's signal). */
export async function whenRestored(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => !!(window as unknown as { driver?: unknown }).driver, null, { timeout: timeoutMs });
  await page.evaluate(() => (window as unknown as { driver: { whenWorkbenchRestored(): Promise<void> } }).driver.whenWorkbenchRestored());
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits until its tab is the active one. */
export async function openFile(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const end = Date.now() + timeoutMs;
  // Retried as runPaletteCommand is: a quick input still closing (a theme picker) is inert, and
  // Ctrl+P pressed then opens nothing.
  for (;;) {
    await page.keyboard.press('Control+P');
    const typed = await input.fill(name, { timeout: 2000 }).then(() => true, () => false);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    if (typed && await row.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
      await row.click();
      await page.locator('.tab.active', { hasText: name }).waitFor();
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > end) throw new Error(`Quick Open did not offer ${name}`);
    await page.waitForTimeout(500);
  }
}

/** Runs a palette command by its title ("Hyperlab: Refresh"), retrying until it is registered
 *  (and while the palette of a previous command is still closing: its input is inert then). */
export async function runPaletteCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const typed = await input.fill(`>${title}`, { timeout: 2000 }).then(() => true, () => false);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (typed && await row.waitFor({ state: 'visible', timeout: 1500 }).then(() => true, () => false)) {
      await input.press('Enter');
      // Returns once the palette has let go of the command (closed, or replaced by the command's
      // own box): the next step must not find the palette still showing ">title" (seen under load).
      await page.waitForFunction((text) => {
        const box = document.querySelector('.quick-input-widget') as HTMLElement | null;
        const field = box?.querySelector('input') as HTMLInputElement | null;
        return !box || box.style.display === 'none' || box.offsetParent === null || field?.value !== text;
      }, `>${title}`, { timeout: 10_000 }).catch(() => {});
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > end) throw new Error(`command not found in the palette: ${title}`);
    await page.waitForTimeout(500);
  }
}
