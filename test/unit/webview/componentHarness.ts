// Loads a built panel (dist/webview/NAME.js) into headless Chromium with a fake
// acquireVsCodeApi: the page's messages reach a stand-in host here in Node that validates them
// with the real gate and answers with the real core queries on a fixture store. The only seam
// is VS Code's transport; the webview code, chart.js, the toolkit and SQLite are the real ones.
import { loadComparison } from '../../../src/core/compare/load.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Store } from '../../../src/core/store/types.ts';
import type { PanelKind, ToWebview } from '../../../src/core/webview/contract.ts';
import { gradientsRun, layerStatsMessage } from '../../../src/core/webview/gradients-data.ts';
import { inspectInbound } from '../../../src/core/webview/gate.ts';
import { curveSeries, metricKeysOf, packCurveSeries, runDetail, runRef } from '../../../src/core/webview/panel-data.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const ORIGIN = 'http://hyperlab.test';

/** A skip reason when Chromium is not installed (a missing bundle is a failure: see requireBundles). */
export function componentsAvailable(): string | false {
  return fs.existsSync(CHROMIUM) ? false : `Chromium is not at ${CHROMIUM}`;
}

/**
 * Adds one test that fails with a plain instruction when a built bundle is missing (the tests
 * load dist/webview/NAME.js, which `npm test` builds first), and returns a skip reason for the
 * tests that need it, so a missing build reads as one clear failure and not as a dozen timeouts.
 */
export function requireBundles(names: readonly string[]): string | false {
  const missing = names.map((name) => path.join('dist', 'webview', `${name}.js`)).filter((file) => !fs.existsSync(path.join(REPO_ROOT, file)));
  const message = missing.length ? `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: run npm run build (npm test builds first)` : '';
  test(`the built webview bundles are present (${names.join(', ')})`, () => {
    assert.equal(message, '', message);
  });
  return missing.length ? 'the webview bundle is missing: run npm run build' : false;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The variables the panels read, as VS Code 1.139 (code-server 4.139.1) sets them in its
 * default themes, read from a real workbench's webview. Dark Modern's charts.orange really is a
 * translucent rgba(234, 92, 0, 0.33) (its default is the minimap's find-match highlight), and
 * the high contrast themes set no charts.orange at all: the panels must cope with both.
 */
const COMMON = { 'font-family': 'sans-serif', 'font-size': '13px' };
/**
 * The form controls' colours (inputs, dropdowns, buttons, checkboxes), from the theme files of
 * that code-server (dark_modern.json, light_modern.json; High Contrast's registry defaults):
 * without them the toolkit's controls fall back to dark defaults and a light screenshot lies.
 */
function controls(input: string, text: string, border: string, placeholder: string, list: string, button: string, buttonText: string,
  secondary: string, secondaryText: string, checkbox = input) {
  return {
    'input-background': input, 'input-foreground': text, 'input-border': border, 'input-placeholderForeground': placeholder,
    'dropdown-background': input, 'dropdown-foreground': text, 'dropdown-border': border, 'dropdown-listBackground': list,
    'button-background': button, 'button-foreground': buttonText, 'button-secondaryBackground': secondary, 'button-secondaryForeground': secondaryText,
    'checkbox-background': checkbox, 'checkbox-foreground': text, 'checkbox-border': border,
  } as const;
}
const THEMES = {
  dark: { class: 'vscode-dark', vars: { ...COMMON, foreground: '#cccccc', 'editor-foreground': '#cccccc', 'editor-background': '#1f1f1f', descriptionForeground: '#9d9d9d',
    'charts-blue': '#59a4f9', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'charts-orange': 'rgba(234, 92, 0, 0.33)', 'charts-purple': '#b180d7', 'charts-yellow': '#cca700',
    'charts-lines': 'rgba(204, 204, 204, 0.5)', focusBorder: '#0078d4', 'terminal-ansiCyan': '#11a8cd', 'terminal-ansiMagenta': '#bc3fbc', 'terminal-ansiBrightBlue': '#3b8eea',
    'terminal-ansiBrightGreen': '#23d18b', 'terminal-ansiBrightRed': '#f14c4c', 'terminal-ansiBrightYellow': '#f5f543', 'panel-border': '#2b2b2b', 'widget-border': '#313131',
    'editorWarning-foreground': '#cca700', 'editorError-foreground': '#f14c4c', errorForeground: '#f85149',
    ...controls('#313131', '#cccccc', '#3c3c3c', '#989898', '#1f1f1f', '#0078d4', '#ffffff', '#00000000', '#cccccc') } },
  light: { class: 'vscode-light', vars: { ...COMMON, foreground: '#3b3b3b', 'editor-foreground': '#3b3b3b', 'editor-background': '#ffffff', descriptionForeground: '#3b3b3b',
    'charts-blue': '#0063d3', 'charts-red': '#e51400', 'charts-green': '#388a34', 'charts-orange': 'rgba(234, 92, 0, 0.33)', 'charts-purple': '#652d90', 'charts-yellow': '#bf8803',
    'charts-lines': 'rgba(59, 59, 59, 0.5)', focusBorder: '#005fb8', 'terminal-ansiCyan': '#0598bc', 'terminal-ansiMagenta': '#bc05bc', 'terminal-ansiBrightBlue': '#3b8eea',
    'terminal-ansiBrightGreen': '#14ce14', 'terminal-ansiBrightRed': '#f14c4c', 'terminal-ansiBrightYellow': '#b5ba00', 'panel-border': '#e5e5e5', 'widget-border': '#e5e5e5',
    'editorWarning-foreground': '#bf8803', 'editorError-foreground': '#e51400', errorForeground: '#f85149',
    ...controls('#ffffff', '#3b3b3b', '#cecece', '#767676', '#ffffff', '#005fb8', '#ffffff', '#e5e5e5', '#3b3b3b', '#f8f8f8') } },
  'high-contrast': { class: 'vscode-high-contrast', vars: { ...COMMON, foreground: '#ffffff', 'editor-foreground': '#ffffff', 'editor-background': '#000000', descriptionForeground: 'rgba(255, 255, 255, 0.7)',
    'charts-blue': '#59a4f9', 'charts-red': '#f48771', 'charts-green': '#89d185', 'charts-purple': '#b180d7', 'charts-yellow': '#ffd370',
    'charts-lines': 'rgba(255, 255, 255, 0.5)', focusBorder: '#f38518', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'terminal-ansiCyan': '#00cdcd',
    'terminal-ansiMagenta': '#cd00cd', 'terminal-ansiBrightBlue': '#5c5cff', 'terminal-ansiBrightGreen': '#00ff00', 'terminal-ansiBrightRed': '#ff0000', 'terminal-ansiBrightYellow': '#ffff00',
    'panel-border': '#6fc3df', 'widget-border': '#6fc3df', 'editorWarning-foreground': '#ffd370', 'editorError-foreground': '#f48771', errorForeground: '#f48771',
    ...controls('#000000', '#ffffff', '#6fc3df', 'rgba(255, 255, 255, 0.7)', '#000000', '#000000', '#ffffff', '#000000', '#ffffff'), 'button-border': '#6fc3df' } },
} as const;
export type ThemeName = keyof typeof THEMES;

export function themeStyle(theme: ThemeName): string {
  return Object.entries(THEMES[theme].vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
}

export interface PanelPage {
  page: Page;
  /** Every message the webview sent, in order (as the host received it). */
  received: { type: string; [key: string]: unknown }[];
  /** Messages the gate rejected (or refused as too much at once). */
  rejected: string[];
  /** Pushes a host message to the webview. */
  push(message: ToWebview<PanelKind>): Promise<void>;
  /** Waits until the webview has sent a message of this type (count: how many in total). */
  waitForMessage(type: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

export interface PanelOptions {
  kind: 'curves' | 'gradients' | 'detail' | 'sweep' | 'compress' | 'comparison';
  store: Store;
  /** Answers for panels whose host data is built by the test (the sweep dashboard). */
  respond?: (message: { type: string; [key: string]: unknown }) => ToWebview<PanelKind>[];
  runIds: number[];
  theme?: ThemeName;
  /** Pretend the runs have a spec file (enables the gradient monitor's spec links). */
  hasSpec?: boolean;
  /** What the webview's getState() returns first (a state saved by an earlier session). */
  savedState?: unknown;
}

export async function openPanel(browser: Browser, options: PanelOptions): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const received: PanelPage['received'] = [];
  const rejected: string[] = [];
  const waiters: (() => void)[] = [];
  const theme = THEMES[options.theme ?? 'dark'];
  const html = `<!DOCTYPE html><html lang="en" style="${themeStyle(options.theme ?? 'dark')}"><head><meta charset="UTF-8">
<link rel="stylesheet" href="${ORIGIN}/dist/webview/${options.kind}.css"></head>
<body class="${theme.class}" data-panel="${options.kind}"><main id="app"></main>
<script src="${ORIGIN}/dist/webview/${options.kind}.js"></script></body></html>`;
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/panel.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = path.join(REPO_ROOT, url.pathname);
    if (!file.startsWith(path.join(REPO_ROOT, 'dist', 'webview')) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: fs.readFileSync(file) });
  });
  const push = async (message: ToWebview<PanelKind>) => {
    // As JSON text, the way VS Code carries host messages; Playwright's per-value argument
    // encoding would make a 40-series answer look several times slower than it is.
    await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
  };
  await page.exposeFunction('__hyperlabToHost', async (json: string) => {
    const raw: unknown = JSON.parse(json);
    const verdict = inspectInbound(options.kind, raw);
    if (!verdict.ok) {
      rejected.push(verdict.reason);
      // A request for too much at once is answered, as PanelHost does, with the gate's reply.
      if (verdict.reply) await push(verdict.reply);
      for (const wake of waiters.splice(0)) wake();
      return;
    }
    received.push(verdict.message as PanelPage['received'][number]);
    for (const wake of waiters.splice(0)) wake();
    for (const reply of answer(options, verdict.message as { type: string })) await push(reply);
  });
  await page.addInitScript((initial) => {
    let saved: unknown = initial ?? undefined;
    (window as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => (window as unknown as { __hyperlabToHost(json: string): void }).__hyperlabToHost(JSON.stringify(m)),
      getState: () => saved,
      setState: (s: unknown) => { saved = s; },
    });
  }, options.savedState ?? null);
  await page.goto(`${ORIGIN}/panel.html`);
  const waitForMessage = async (type: string, count = 1) => {
    while (received.filter((m) => m.type === type).length < count) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { page, received, rejected, push, waitForMessage, close: () => page.close() };
}

/** The stand-in host: what PanelHost subclasses answer, from the same core functions. */
function answer(options: PanelOptions, message: { type: string; [key: string]: unknown }): ToWebview<PanelKind>[] {
  const { store, runIds } = options;
  if (options.respond) return options.respond(message);
  switch (`${options.kind}:${message.type}`) {
    case 'curves:ready':
      return [{ type: 'runs', runs: runIds.map((id) => runRef(store.getRun(id)!)), keys: metricKeysOf(store, runIds) }];
    case 'curves:requestSeries': {
      const m = message as unknown as { requestId: number; runIds: number[]; keys: string[]; x: 'step' | 'epoch' | 'time'; buckets: number };
      return [{ type: 'series', requestId: m.requestId, x: m.x, series: packCurveSeries(curveSeries(store, m.runIds, m.keys, m.x, m.buckets)) }];
    }
    case 'gradients:ready':
      return [{ type: 'run', run: gradientsRun(store.getRun(runIds[0]!)!), hasSpec: options.hasSpec ?? false }];
    case 'gradients:requestLayerStats': {
      const m = message as unknown as { runId: number; maxSteps: number };
      const reply = layerStatsMessage(store, m.runId, m.maxSteps);
      return reply ? [reply] : [];
    }
    case 'comparison:ready':
    case 'comparison:requestDataset': {
      const m = message as unknown as { experiment?: string | null };
      return [{ type: 'dataset', ...loadComparison(store, m.experiment ?? null) }];
    }
    case 'detail:ready':
      return [{ type: 'detail', detail: runDetail(store, runIds[0]!, 200) }];
    case 'detail:requestDetail': {
      const m = message as unknown as { runId: number; logLines: number };
      return [{ type: 'detail', detail: runDetail(store, m.runId, m.logLines) }];
    }
    default:
      return [];
  }
}

/** A PNG of the element, to compare what is drawn before and after an action. */
export async function snapshot(page: Page, selector: string): Promise<Buffer> {
  return page.locator(selector).screenshot();
}
