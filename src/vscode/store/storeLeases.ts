// Keeps a store connection open while runs still write to it. The session lets go of its store
// when the storePath setting or the folders change, and when the window closes (VS Code disposes
// the subscriptions right after calling deactivate(), without awaiting it); a run started or
// queued in that store must still end there, with its last metrics, log lines and status,
// instead of writing to a closed connection or to a same-numbered run of the next store.
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { Store } from '../../core/store/types.ts';

export interface StoreLease {
  readonly store: Store;
  /** The holder is done with the store; the last release of a retired store closes it. Idempotent. */
  release(): void;
}

export class StoreLeases {
  private readonly holders = new Map<Store, number>();
  private readonly retired = new Set<Store>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  lease(store: Store): StoreLease {
    this.holders.set(store, (this.holders.get(store) ?? 0) + 1);
    let released = false;
    return {
      store,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.holders.get(store) ?? 1) - 1;
        if (left > 0) {
          this.holders.set(store, left);
          return;
        }
        this.holders.delete(store);
        if (this.retired.delete(store)) this.close(store);
      },
    };
  }

  /** The owner no longer needs the store: it closes now, or when its last lease is released. */
  retire(store: Store): void {
    if (this.holders.has(store)) this.retired.add(store);
    else this.close(store);
  }

  private close(store: Store): void {
    try {
      store.close();
    } catch (error) {
      this.logger.log('warn', `Closing the store ${store.path} failed: ${errorMessage(error)}`);
    }
  }
}
