// The webview side of the contract: the VS Code API acquired once, typed post/receive for one
// panel kind, the ready handshake, and state kept with getState/setState (also mirrored to the
// host, whose serializer restores the panel after a window reload).
import type { FromWebview, PanelKind, PanelState, ToWebview } from '../../src/core/webview/contract.ts';
import { checkPanelState } from '../../src/core/webview/inbound-rules.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelChannel<K extends PanelKind> {
  post(message: FromWebview<K>): void;
  /** The state saved before (after a reload or a hide), if any. */
  savedState(): PanelState<K> | undefined;
  saveState(state: PanelState<K>): void;
}

let api: VsCodeApi | undefined;

/** Wires a panel app: `onMessage` gets every host message; `ready` is sent once listening. */
export function connectPanel<K extends PanelKind>(kind: K, onMessage: (message: ToWebview<K>) => void): PanelChannel<K> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    // Messages from the host carry a string type; anything else (extensions, devtools) is noise.
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      onMessage(data as ToWebview<K>);
    }
  });
  const channel: PanelChannel<K> = {
    post: (message) => vscode.postMessage(message),
    // Checked like any inbound state: it may come from an older version of the panel (a field
    // renamed or missing) and a wrong shape must cost the saved view, not the whole panel.
    savedState: () => {
      const verdict = checkPanelState(kind, vscode.getState());
      return verdict.ok ? (verdict.message.state as PanelState<K>) : undefined;
    },
    saveState: (state) => {
      vscode.setState(state);
      vscode.postMessage({ type: 'saveState', state });
    },
  };
  document.body.dataset['panelKind'] = kind;
  queueMicrotask(() => vscode.postMessage({ type: 'ready' }));
  return channel;
}
