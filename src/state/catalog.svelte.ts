import { proxy } from 'comlink';
import type { StorageInfo } from '../lib/types';
import { catalogWorker } from '../workers/bridge';
import { ReadOnlyError } from '../lib/errors';
import { handleError } from './toasts.svelte';

const writerLock = 'framefinder-writer';

/**
 * The page's side of the catalog worker: which tab may write (a Web Lock), whether saving works, and a
 * revision number that views watch to re-query after any change.
 */
class CatalogState {
  /**
   * 'starting' until the catalog is loaded; then this tab is the writer or a read-only reader, or 'newer': the
   * saved catalog comes from a newer version of the app, so no tab of this version may write over it.
   */
  role = $state<'starting' | 'writer' | 'reader' | 'newer'>('starting');
  saveError = $state<string | null>(null);
  revision = $state(0);
  backend = $state<StorageInfo['backend'] | null>(null);
  /** What opening the catalog found and did (a damaged copy skipped, a newer catalog left untouched). */
  notices = $state<string[]>([]);
  #writerListeners: Array<() => void> = [];

  get db() {
    return catalogWorker.api;
  }

  get readOnly(): boolean {
    return this.role !== 'writer';
  }

  /** Something changed: views re-query. */
  touch(): void {
    this.revision += 1;
  }

  /**
   * Resolves once this tab may write; rejects with the read-only reason if another tab is the writer.
   * Used by actions that can start before the catalog has opened (a drop, a file input).
   */
  async untilWritable(): Promise<void> {
    await this.#settled;
    if (this.role === 'newer') throw new Error(this.notices.at(-1));
    if (this.role !== 'writer') throw new ReadOnlyError();
  }

  #settle!: () => void;
  #settled = new Promise<void>((resolve) => (this.#settle = resolve));

  /** Runs `fn` once this tab is the writer (now, or when the writing tab closes). */
  whenWriter(fn: () => void): void {
    if (this.role === 'writer') fn();
    else this.#writerListeners.push(fn);
  }

  async start(): Promise<void> {
    const { backend, notices, newer } = await this.db.open(
      proxy({
        changed: () => this.touch(),
        saveError: (message: string | null) => {
          this.saveError = message;
        },
      }),
    );
    this.backend = backend;
    this.notices = notices;
    this.touch();
    if (newer) {
      this.role = 'newer';
      this.#settle();
      return;
    }
    addEventListener('pagehide', () => void this.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.flush();
    });
    if (!('locks' in navigator)) {
      // No Web Locks (very old browsers): nothing can coordinate tabs, so this one writes.
      await this.#becomeWriter();
      return;
    }
    // The lock is held for the life of the page: its callback's promise never settles.
    const forever = () => new Promise<never>(() => {});
    const granted = await new Promise<boolean>((resolve) => {
      void navigator.locks.request(writerLock, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock ? forever() : null;
      });
    });
    if (granted) {
      await this.#becomeWriter();
      return;
    }
    this.role = 'reader';
    this.#settle();
    // Wait in line: when the writing tab closes, its lock passes to this tab.
    void navigator.locks.request(writerLock, () => {
      this.#becomeWriter().catch((err: unknown) => handleError(err, 'Could not open the catalog for writing'));
      return forever();
    });
  }

  async #becomeWriter(): Promise<void> {
    await this.db.becomeWriter();
    this.role = 'writer';
    this.#settle();
    this.touch();
    for (const fn of this.#writerListeners.splice(0)) fn();
  }

  async flush(): Promise<void> {
    if (this.role !== 'writer') return;
    try {
      await this.db.flush();
    } catch (err) {
      handleError(err, 'Could not save the catalog');
    }
  }
}

export const catalog = new CatalogState();
