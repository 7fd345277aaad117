// One place that knows every panel kind: how to create its host, how to restore it after a
// window reload (a WebviewPanelSerializer per viewType, with the saved state validated like
// any other webview input), and which panel of a kind is open (one per kind, revealed again).
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPES, type PanelKind, type PanelState } from '../../core/webview/contract.ts';
import { checkPanelState } from '../../core/webview/inbound-rules.ts';
import { panelOptions, type PanelHost, type PanelServices } from './panelHost.ts';

export interface PanelDefinition<K extends PanelKind> {
  kind: K;
  title: string;
  /** Creates the host on a new or restored panel; `state` is the validated saved state. */
  create(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState<K> | undefined): PanelHost<K>;
}

export class PanelRegistry implements vscode.Disposable {
  private readonly services: PanelServices;
  private readonly open = new Map<PanelKind, PanelHost<PanelKind>>();
  private readonly definitions = new Map<PanelKind, PanelDefinition<PanelKind>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(services: PanelServices) {
    this.services = services;
  }

  /** Registers a kind and its serializer (needs "onWebviewPanel:<viewType>" in activationEvents). */
  define<K extends PanelKind>(definition: PanelDefinition<K>): void {
    this.definitions.set(definition.kind, definition as unknown as PanelDefinition<PanelKind>);
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES[definition.kind], {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, saved: unknown) => {
        const verdict = checkPanelState(definition.kind, saved);
        if (!verdict.ok && saved !== undefined && saved !== null) {
          this.services.logger.log('warn', `${definition.title} panel: ignored its saved state after a reload: ${verdict.reason}.`);
        }
        const state = verdict.ok ? (verdict.message.state as PanelState<K>) : undefined;
        this.track(definition.create(panel, this.services, state));
      },
    }));
  }

  /**
   * The open panel of a kind (revealed), or a new one. `preserveFocus` keeps the keyboard where
   * it was (a click in the Run Explorer: F2 or Delete right after must still reach the tree).
   */
  show<K extends PanelKind>(kind: K, options: { preserveFocus?: boolean } = {}): PanelHost<K> {
    const preserveFocus = options.preserveFocus ?? false;
    const existing = this.open.get(kind) as PanelHost<K> | undefined;
    if (existing) {
      existing.reveal(preserveFocus);
      return existing;
    }
    const definition = this.definitions.get(kind) as PanelDefinition<K> | undefined;
    if (!definition) throw new Error(`no panel of kind ${kind} is defined`);
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPES[kind], definition.title, { viewColumn: vscode.ViewColumn.Active, preserveFocus }, panelOptions(this.services.extensionUri));
    return this.track(definition.create(panel, this.services, undefined));
  }

  get<K extends PanelKind>(kind: K): PanelHost<K> | undefined {
    return this.open.get(kind) as PanelHost<K> | undefined;
  }

  dispose(): void {
    for (const host of [...this.open.values()]) host.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private track<K extends PanelKind>(host: PanelHost<K>): PanelHost<K> {
    this.open.get(host.kind)?.dispose();
    this.open.set(host.kind, host as unknown as PanelHost<PanelKind>);
    host.onDidDispose(() => {
      if (this.open.get(host.kind) === (host as unknown as PanelHost<PanelKind>)) this.open.delete(host.kind);
    });
    return host;
  }
}
