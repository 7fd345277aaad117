// Owns the extension's one store connection: opened lazily (activation stays fast and a
// workspace without runs gets no .hyperlab folder until the first run), reopened when the
// setting changes, and watched for writes by other processes (the CLI) through changeCounter().
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage, HyperlabError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { openStore } from '../../core/store/index.ts';
import type { Store, StoreEvent } from '../../core/store/types.ts';
import { readSettings, resolveStorePath } from '../config/settings.ts';
import { StoreLeases, type StoreLease } from './storeLeases.ts';

const POLL_INTERVAL_MS = 1500;
const EVENT_THROTTLE_MS = 300;

export class StoreSession implements vscode.Disposable {
  private store: Store | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastCounter = -1;
  /** A path that failed to open: not retried (and not logged again) until reset(). */
  private failedPath: string | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly poller: ReturnType<typeof setInterval>;
  private readonly logger: Logger;
  private readonly leases: StoreLeases;
  /** Fired (throttled) after any change to the store, from this window or another process. */
  readonly onDidChange = this.changed.event;

  constructor(logger: Logger) {
    this.logger = logger;
    this.leases = new StoreLeases(logger);
    this.poller = setInterval(() => this.poll(), POLL_INTERVAL_MS);
  }

  /** The store's file path, or undefined when no folder is open and the setting is relative. */
  path(): string | undefined {
    return resolveStorePath(readSettings());
  }

  /** The store when its file exists (readers: the tree, the status bar); never creates it. */
  existing(): Store | undefined {
    if (this.store) return this.store;
    const file = this.path();
    if (!file || file === this.failedPath || !fs.existsSync(file)) return undefined;
    try {
      return this.open(file);
    } catch (error) {
      this.failedPath = file;
      this.logger.log('error', `Could not open the store at ${file}: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The store, created if needed (writers: a run about to start). */
  require(): Store {
    if (this.store) return this.store;
    const file = this.path();
    if (!file) {
      throw new HyperlabError('STORE_UNAVAILABLE', 'No folder is open, so Hyperlab has nowhere to keep its runs.',
        'Open a folder, or set "hyperlab.storePath" to an absolute path.');
    }
    return this.open(file);
  }

  /**
   * The store for a run, kept open until the lease is released even if the session moves to
   * another file or is disposed meanwhile (the run ends in the store it started in).
   */
  lease(): StoreLease {
    return this.leases.lease(this.require());
  }

  /** Closes the connection; the next access opens the (possibly new) configured path. */
  reset(): void {
    this.close();
    this.failedPath = undefined;
    this.fire();
  }

  dispose(): void {
    clearInterval(this.poller);
    if (this.pending) clearTimeout(this.pending);
    this.close();
    this.changed.dispose();
  }

  private open(file: string): Store {
    // Opening creates the folder, applies end statuses a run left pending beside the store, and
    // fails the runs whose owner process is gone (a crashed window, a killed CLI), logging both.
    const store = openStore(file, { logger: this.logger });
    this.store = store;
    this.lastCounter = store.changeCounter();
    this.unsubscribe = store.onEvent((event: StoreEvent) => this.onStoreEvent(event));
    this.logger.log('info', `Store opened: ${file} (${store.driver})`);
    // Views that showed "no store" (the welcome view) now have something to show.
    this.fire();
    return store;
  }

  private close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // Runs still writing keep their connection; it closes when the last of them ends.
    if (this.store) this.leases.retire(this.store);
    this.store = undefined;
  }

  private onStoreEvent(_event: StoreEvent): void {
    this.fire();
  }

  private poll(): void {
    const store = this.store ?? this.existing();
    if (!store) return;
    try {
      const counter = store.changeCounter();
      if (counter !== this.lastCounter) {
        this.lastCounter = counter;
        this.fire();
      }
    } catch (error) {
      this.logger.log('warn', `Polling the store failed: ${(error as Error).message}`);
    }
  }

  /** Coalesces bursts (a metrics flood) into one change every EVENT_THROTTLE_MS. */
  private fire(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (this.store) this.lastCounter = this.store.changeCounter();
      this.changed.fire();
    }, EVENT_THROTTLE_MS);
  }
}

