// The object activate() returns. Other extensions and the integration suite read it; the
// snapshot accessors exist so tests can assert what the tree and status bar show without
// scraping the workbench DOM.
import type { Store } from '../core/store/types.ts';

export interface TreeNodeSnapshot {
  kind: 'experiment' | 'sweep' | 'run';
  id: number;
  label: string;
  description: string;
  /** ThemeIcon id, e.g. 'sync~spin', 'pass', 'error'. */
  icon: string;
  /** ThemeColor id of the icon, when it has one. */
  iconColor: string | null;
  /** The run's status (runs only). */
  status: string | null;
  contextValue: string;
  children: TreeNodeSnapshot[];
}

export interface StatusBarSnapshot {
  running: number;
  text: string;
  visible: boolean;
}

export interface HyperlabApi {
  /** The open store (opened on first use). Throws a HyperlabError when it can't open. */
  store(): Store;
  runExplorer: {
    /** The tree as a user would see it now (experiments → runs), read fresh from the store. */
    snapshot(): TreeNodeSnapshot[];
    refresh(): void;
  };
  statusBar: { snapshot(): StatusBarSnapshot };
  /** How long activate() took, in ms (reported by the integration suite). */
  activationMs: number;
  /** Resolves when every run this window started has ended (test aid; also used on deactivate). */
  whenIdle(): Promise<void>;
  sweeps: {
    /** Sweep ids this window is driving now. */
    driving(): number[];
    /** The end status of a sweep driven here, once it ends (undefined if it is not driven here). */
    whenDone(sweepId: number): Promise<string | undefined>;
  };
}
