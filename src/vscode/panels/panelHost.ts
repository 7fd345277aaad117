// The base of every panel's host: creates the webview with a strict CSP and resource roots
// limited to dist/webview and media, waits for the webview's `ready`, validates every message
// it sends (one log line per rejection), and turns store changes into throttled pushes. A
// hidden panel's webview is destroyed by VS Code (no retainContextWhenHidden), so the host
// stops pushing until it says `ready` again; a closed panel unsubscribes from everything.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { FromWebview, PanelKind, PanelState, ToWebview } from '../../core/webview/contract.ts';
import { gateInbound } from '../../core/webview/gate.ts';
import type { Store } from '../../core/store/types.ts';
import { panelHtml } from './panelHtml.ts';

export interface PanelServices {
  extensionUri: vscode.Uri;
  logger: Logger;
  /** The open store, or undefined when there is none yet. */
  store(): Store | undefined;
  /** Fires (already throttled) after any change to the store. */
  onStoreChange: vscode.Event<void>;
}

/** Minimum time between two store-change pushes of one panel. */
export const PUSH_INTERVAL_MS = 250;

export type HandledMessage<K extends PanelKind> = Exclude<FromWebview<K>, { type: 'ready' } | { type: 'saveState' }>;

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableFindWidget: false, retainContextWhenHidden: false, localResourceRoots: panelResourceRoots(extensionUri) };
}

export abstract class PanelHost<K extends PanelKind> implements vscode.Disposable {
  readonly kind: K;
  readonly panel: vscode.WebviewPanel;
  protected readonly services: PanelServices;
  /** The webview's last saved state (validated); what a reload restores. */
  protected state: PanelState<K> | undefined;
  private ready = false;
  private disposed = false;
  private lastPush = 0;
  private pushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  /** Counts for tests and the output log: messages accepted and rejected. */
  readonly counters = { accepted: 0, rejected: 0, pushes: 0 };

  constructor(kind: K, panel: vscode.WebviewPanel, services: PanelServices, title: string) {
    this.kind = kind;
    this.panel = panel;
    this.services = services;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(services.extensionUri) };
    const bundle = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview', file));
    webview.html = panelHtml({ kind, title, cspSource: webview.cspSource, script: bundle(`${kind}.js`), style: bundle(`${kind}.css`) });
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'hyperlab-icon.svg');
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it sends `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
      services.onStoreChange(() => this.storeChanged()),
    );
  }

  get isReady(): boolean {
    return this.ready && !this.disposed;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    if (this.pushTimer) clearTimeout(this.pushTimer);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
  }

  /** The panel's first data, sent after every `ready`. */
  protected abstract onReady(): void;
  /** A validated message other than ready/saveState. */
  protected abstract onMessage(message: HandledMessage<K>): void | Promise<void>;
  /** The store changed while the panel is visible and ready (throttled). */
  protected abstract onStoreChanged(): void;

  protected post(message: ToWebview<K>): void {
    if (!this.isReady) return;
    void this.panel.webview.postMessage(message);
  }

  protected log(severity: 'info' | 'warn' | 'error', message: string): void {
    this.services.logger.log(severity, `${this.panel.title} panel: ${message}`);
  }

  private receive(raw: unknown): void {
    if (this.disposed) return;
    const result = gateInbound(this.kind, raw, this.services.logger, this.panel.title);
    if (!result.ok) {
      this.counters.rejected++;
      if (result.reply) this.post(result.reply as ToWebview<K>);
      return;
    }
    const message = result.message;
    this.counters.accepted++;
    if (message.type === 'ready') {
      this.ready = true;
      this.run(() => this.onReady());
      return;
    }
    if (message.type === 'saveState') {
      this.state = (message as { state: PanelState<K> }).state;
      return;
    }
    this.run(() => this.onMessage(message as HandledMessage<K>));
  }

  /** Runs a handler; a failure becomes a log line and a notice in the panel, never a crash. */
  private run(handler: () => void | Promise<void>): void {
    const fail = (error: unknown) => {
      const text = errorMessage(error);
      this.log('error', text);
      this.post({ type: 'notice', level: 'error', message: text } as ToWebview<K>);
    };
    try {
      const result = handler();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  private storeChanged(): void {
    if (!this.isReady || !this.panel.visible || this.pushTimer) return;
    const wait = Math.max(0, this.lastPush + PUSH_INTERVAL_MS - Date.now());
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      if (!this.isReady || !this.panel.visible) return;
      this.lastPush = Date.now();
      this.counters.pushes++;
      this.run(() => this.onStoreChanged());
    }, wait);
  }
}
