// The HTML shell of every panel: a strict Content-Security-Policy (nothing remote, scripts only
// with this page's nonce), the panel's bundle from dist/webview, theme classes set by VS Code.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import type { PanelKind } from '../../core/webview/contract.ts';

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export interface PanelPage {
  kind: PanelKind;
  title: string;
  cspSource: string;
  script: vscode.Uri;
  style: vscode.Uri;
  nonce?: string;
}

export function panelHtml(page: PanelPage): string {
  const nonce = page.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${page.style.toString()}" nonce="${nonce}">
</head>
<body data-panel="${page.kind}">
<main id="app" aria-busy="true"><p class="placeholder">Loading ${escapeHtml(page.title)}…</p></main>
<script nonce="${nonce}" src="${page.script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
