// Opens the built Comparison webview (dist/webview/comparison.js + .css) in headless Chromium,
// inside a page shaped like VS Code's (theme variables, acquireVsCodeApi), with a host that
// answers from a real store through the real validator and the real dataset loader. Used by the
// component tests and the dashboard benchmark.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ComparisonCache } from '../../src/core/compare/cache.ts';
import { loadComparison, loadSpecDiff } from '../../src/core/compare/load.ts';
import type { Store } from '../../src/core/store/types.ts';
import type { ComparisonToWebview } from '../../src/core/webview/contract.ts';
import { checkPanelMessage } from '../../src/core/webview/inbound-rules.ts';
import { runRef } from '../../src/vscode/panels/compareRunRef.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const ORIGIN = 'http://hyperlab.test';

/** The handful of VS Code theme variables the panels read, for a dark, a light and a high
 *  contrast theme (as VS Code 1.139's Dark High Contrast sets them: no selection or diff backgrounds). */
export const THEMES = {
  dark: { class: 'vscode-dark', vars: { foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', descriptionForeground: '#9d9d9d', focusBorder: '#0078d4', 'charts-blue': '#3794ff', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-red': '#f14c4c', 'charts-lines': '#cccccc80', errorForeground: '#f85149', 'widget-border': '#313131', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-inactiveSelectionBackground': '#37373d', 'editorWidget-background': '#202020', 'diffEditor-insertedTextBackground': '#9ccc2c33', 'diffEditor-removedTextBackground': '#ff000033', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' } },
  light: { class: 'vscode-light', vars: { foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', descriptionForeground: '#717171', focusBorder: '#005fb8', 'charts-blue': '#1a85ff', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-red': '#e51400', 'charts-lines': '#33333380', errorForeground: '#e51400', 'widget-border': '#e5e5e5', 'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8', 'list-inactiveSelectionBackground': '#e4e6f1', 'editorWidget-background': '#f8f8f8', 'diffEditor-insertedTextBackground': '#9ccc2c40', 'diffEditor-removedTextBackground': '#ff000033', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' } },
  'high-contrast': { class: 'vscode-high-contrast', vars: { foreground: '#ffffff', 'editor-background': '#000000', 'editor-foreground': '#ffffff', descriptionForeground: 'rgba(255, 255, 255, 0.7)', focusBorder: '#f38518', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'charts-blue': '#59a4f9', 'charts-green': '#89d185', 'charts-red': '#f48771', 'charts-lines': 'rgba(255, 255, 255, 0.5)', errorForeground: '#f48771', 'widget-border': '#6fc3df', 'list-hoverBackground': 'rgba(255, 255, 255, 0.1)', 'list-focusOutline': '#f38518', 'diffEditor-insertedTextBorder': '#33ff2e', 'diffEditor-removedTextBorder': '#ff008f', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' } },
} as const;

export interface ComparePage {
  page: Page;
  /** Rejection reasons the validator gave, one per refused message. */
  rejected: string[];
  /** Host-side milliseconds spent answering requestDataset/ready (store query + dataset build). */
  hostMs: number[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'] });
}

export interface ComparePageOptions {
  theme?: keyof typeof THEMES;
  width?: number;
  height?: number;
  bundle?: string;
  /** Answer from this cache (as the extension's host does) instead of querying every time. */
  cache?: ComparisonCache;
}

export async function openComparePage(browser: Browser, store: Store, options: ComparePageOptions = {}): Promise<ComparePage> {
  const bundle = options.bundle ?? 'comparison';
  const js = path.join(REPO_ROOT, 'dist', 'webview', `${bundle}.js`);
  if (!fs.existsSync(js)) throw new Error(`${js} is missing: run npm run build`);
  const theme = THEMES[options.theme ?? 'dark'];
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  const page = await context.newPage();
  const rejected: string[] = [];
  const hostMs: number[] = [];
  let experiment: string | null = null;
  let shown = new Set<number>();
  // As JSON text, the way VS Code carries host messages (Playwright's per-value argument encoding is slow for big datasets).
  const reply = (message: ComparisonToWebview) => page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
  await page.exposeFunction('__toHost', async (raw: unknown) => {
    const verdict = checkPanelMessage('comparison', raw);
    if (!verdict.ok) {
      rejected.push(verdict.reason);
      return;
    }
    const message = verdict.message;
    if (message.type === 'ready' || message.type === 'requestDataset') {
      if (message.type === 'requestDataset') experiment = message.experiment;
      const started = performance.now();
      const loaded = options.cache ? options.cache.load(store, experiment) : loadComparison(store, experiment);
      hostMs.push(performance.now() - started);
      shown = new Set(loaded.dataset.runIds);
      await reply({ type: 'dataset', ...loaded });
    } else if (message.type === 'requestSpecDiff' && shown.has(message.left) && shown.has(message.right)) {
      const diff = loadSpecDiff(store, message.left, message.right);
      await reply({ type: 'specDiff', left: runRef(diff.left), right: runRef(diff.right), rows: diff.rows });
    }
  });
  const vars = Object.entries(theme.vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>html { ${vars} }</style>
<link rel="stylesheet" href="${ORIGIN}/${bundle}.css"></head>
<body class="${theme.class}"><main id="app" aria-busy="true"></main>
<script>
  let saved;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => saved, setState: (s) => { saved = s; } });
</script>
<script src="${ORIGIN}/${bundle}.js"></script></body></html>`;
  await page.route(`${ORIGIN}/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = path.join(REPO_ROOT, 'dist', 'webview', path.basename(name));
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: name.endsWith('.css') ? 'text/css' : 'text/javascript', body: fs.readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  return { page, rejected, hostMs, close: () => context.close() };
}
