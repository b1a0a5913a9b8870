/// <reference lib="webworker" />
import { expose } from 'comlink';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { BlobStore, type Blobs } from '../db/blob-store';
import { NotEmptyError, openBackup } from '../db/backup';
import { Catalog, type CatalogOptions } from '../db/catalog';
import { encodeChanges } from '../db/change-log';
import { wantsImage, type CatalogStore } from '../db/catalog-store';
import { openCatalogStore, storageInfo } from '../db/persistence';
import { isQuotaError, NewerCatalogError, ReadOnlyError, StorageFullError } from '../lib/errors';
import { Follower } from '../db/follower';
import { EditGate } from './edit-gate';
import { SaveScheduler } from './save-scheduler';

/** Catalog members the page never calls: the database itself and steps only this worker takes. */
type Internal = 'sql' | 'log' | 'replayed' | 'applyChanges' | 'export' | 'close' | 'resumeInterruptedJobs';
const internal: ReadonlySet<string> = new Set<Internal>([
  'sql',
  'log',
  'replayed',
  'applyChanges',
  'export',
  'close',
  'resumeInterruptedJobs',
]);
/** Every other Catalog method is callable from the page, through `run`. */
type CatalogCalls = Omit<Catalog, Internal>;

/** What one catalog worker tells the others (every tab has one) over the BroadcastChannel. */
export type CatalogMessage =
  /** The writer saved: readers apply its new change files (or reload, after a whole image). */
  | { type: 'saved' }
  /** The writer replaced the whole catalog with a backup: readers reload. */
  | { type: 'restored' };

export interface CatalogEvents {
  /** Another tab saved the catalog and this read-only tab followed. */
  changed(): void;
  /** A save failed (e.g. storage full) or recovered (null). */
  saveError(message: string | null): void;
}

let SQL: SqlJsStatic | undefined;
let openedCallbacks!: { resolve: () => void; reject: (err: unknown) => void };
/** Settles once the first load is done: calls made earlier wait for it instead of failing. */
let opened: Promise<void> = new Promise((resolve, reject) => {
  openedCallbacks = { resolve, reject };
});
let store: CatalogStore;
let catalog: Catalog;
let writer = false;
let events: CatalogEvents | undefined;
let blobs: Promise<Blobs> | undefined;
const channel = new BroadcastChannel('framefinder-catalog');

const post = (message: CatalogMessage) => channel.postMessage(message);

/**
 * Writes what changed since the last save: just the changed statements, or a whole image when the log has grown
 * large or cannot describe the change (VACUUM, a migration, a restored backup).
 */
async function saveChanges(): Promise<void> {
  const log = catalog.log;
  const taken = log.take();
  const changes = taken.wholeImage || taken.changes.length === 0 ? null : encodeChanges(taken.changes);
  // Exported now, with nothing run in between: the image holds exactly the changes taken, no later ones.
  const image =
    taken.wholeImage || (changes && wantsImage(store.pending, changes.byteLength)) ? catalog.export() : null;
  let logged = false;
  try {
    // An image's own changes go to the log first: the previous image and its log then rebuild it if it is ever
    // found damaged.
    if (changes && (!image || store.pending.hasImage)) {
      await store.append(changes);
      logged = true;
    }
    if (image) await store.save(image);
  } catch (err) {
    log.putBack({ changes: logged ? [] : taken.changes, wholeImage: taken.wholeImage });
    throw err;
  }
}

const saves = new SaveScheduler(async () => {
  try {
    await saveChanges();
    events?.saveError(null);
    post({ type: 'saved' });
  } catch (err) {
    const error = isQuotaError(err) ? new StorageFullError() : (err as Error);
    events?.saveError(error.message);
    throw error;
  }
});
const edits = new EditGate(() => saves.flush());

/** Runs one call on the catalog once it is open; an edit resolves only once it is saved (see EditGate). */
async function run<T>(call: (c: Catalog) => T): Promise<T> {
  await opened;
  return edits.run(() => call(catalog));
}

const options: CatalogOptions = {
  onWrite: (kind) => {
    if (kind === 'edit') edits.markEdited();
    saves.request();
  },
  beforeWrite: () => {
    if (newerCatalog) throw newerCatalog;
    if (!writer) throw new ReadOnlyError();
  },
};

/** Set when the saved catalog comes from a newer app: it is never overwritten, so nothing is written here. */
let newerCatalog: NewerCatalogError | null = null;
/** What opening the catalog found and did, for the page to say (a damaged copy, a newer catalog). */
const notices = new Set<string>();

/** Where this read-only tab stands in the writer's saves. */
const follower = new Follower();
/** How often this tab read the whole catalog, and how many of the writer's change files it applied instead. */
const reads = { wholeLoads: 0, changeFiles: 0 };
/**
 * Loads and follows run one after another: a follow that overlapped a load (or another follow) would apply change
 * files to a catalog about to be replaced, or apply one file twice.
 */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(step: () => Promise<T>): Promise<T> {
  const done = queue.then(step);
  queue = done.catch(() => undefined); // the step's caller sees its error; later steps still run
  return done;
}

async function load(): Promise<void> {
  SQL ??= await initSqlJs({ locateFile: () => sqlWasmUrl });
  const loaded = await store.load();
  const { body, changes, damaged } = loaded;
  reads.wholeLoads += 1;
  catalog?.close();
  try {
    catalog = Catalog.open(SQL, body, options, changes);
  } catch (err) {
    if (!(err instanceof NewerCatalogError)) throw err;
    // Shown empty and read-only; the file on disk stays exactly as the newer app left it.
    newerCatalog = err;
    notices.add(err.message);
    catalog = Catalog.open(SQL, null, options);
  }
  follower.loaded(loaded, catalog, !newerCatalog);
  if (damaged > 0 || catalog.replayed.failed) {
    notices.add(
      body
        ? 'A damaged copy of the catalog was found and skipped: the last intact save was opened.'
        : 'The saved catalog was damaged and could not be read: Framefinder started with an empty one. Open your folders again to rebuild it.',
    );
  }
}

channel.onmessage = (e: MessageEvent<CatalogMessage>) => {
  // Only a read-only tab follows the writer; the writer's own copy is the newest.
  if (writer) return;
  switch (e.data.type) {
    case 'saved':
    case 'restored': {
      // The writer may save while this tab is still opening: its first load, not begun or under way, reads that
      // save anyway. (Loading before `open` had the store failed with "reading 'load'" of undefined.)
      if (!store) return;
      const whole = e.data.type === 'restored';
      serially(() => follow(whole)).then(
        (changed) => changed && events?.changed(),
        (err: unknown) => console.warn('Could not follow the writing tab’s save', err),
      );
    }
  }
};

/**
 * Brings this read-only tab up to the writer's last save: its new change files only, or the whole catalog when they
 * cannot (a new image, a missing or damaged file, a restored backup). Whether anything changed.
 */
async function follow(whole: boolean): Promise<boolean> {
  if (writer) return false; // became the writer while this waited: its own load read everything
  const applied = whole
    ? null
    : await follower.catchUp(store, catalog).catch((err: unknown) => {
        // Nothing was applied (a change file could not be read): the whole catalog can still be.
        console.warn('Could not read the writing tab’s changes; reading the whole catalog', err);
        return null;
      });
  if (applied !== null) {
    reads.changeFiles += applied;
    return applied > 0;
  }
  await load();
  return true;
}

const api = {
  /** Forgets a library and deletes its images from the blob store; files on disk are never touched. */
  async removeLibrary(id: number): Promise<void> {
    const keys = await run((c) => c.removeLibrary(id));
    const store = await (blobs ??= BlobStore.open());
    for (const key of keys) await store.delete(key);
  },

  /** Loads the saved catalog (read-only until `becomeWriter`). */
  async open(
    listener?: CatalogEvents,
  ): Promise<{ backend: CatalogStore['backend']; notices: string[]; newer: string | null }> {
    events = listener;
    try {
      store = await openCatalogStore();
      await serially(load);
      openedCallbacks.resolve();
    } catch (err) {
      openedCallbacks.reject(err);
      opened = Promise.reject(err);
      throw err;
    }
    if (store.backend === 'memory') {
      notices.add(
        'This browser gives Framefinder no storage here (a private window?): the catalog is kept for this visit only.',
      );
    }
    return { backend: store.backend, notices: [...notices], newer: newerCatalog?.message ?? null };
  },

  /**
   * This tab now holds the writer lock: reload the catalog if the previous writer saved since this tab loaded it,
   * then accept writes. Jobs that were running when their tab went away are queued again, and stages this version
   * of the app added are queued for videos catalogued before it.
   */
  async becomeWriter(): Promise<{ resumed: number; added: number }> {
    await serially(async () => {
      // Usually nothing was saved since this tab opened the catalog (no other tab): it goes on with what it loaded.
      if (!(await follower.current(store))) await load();
      writer = true;
    });
    if (newerCatalog) return { resumed: 0, added: 0 };
    return { resumed: catalog.resumeInterruptedJobs(), added: catalog.enqueueMissingStages() };
  },

  isWriter: () => writer,

  /** How often this tab read the whole catalog, and how many change files it applied instead (for tests). */
  catalogReads: () => ({ ...reads }),

  /** Saves now if anything changed (page hide, before a risky step). */
  flush: () => saves.flush(),

  storage: () => storageInfo(store.backend),

  /** The catalog as a SQLite file: a backup with the libraries, tags, collections and settings. */
  exportBackup: () => run((c) => c.export()),

  /**
   * Replaces this empty catalog with a backup (see openBackup), saved before this resolves; other tabs reload.
   * Refused while any library is here: restoring never merges into, or silently drops, a catalog.
   */
  async restoreBackup(bytes: Uint8Array): Promise<{ libraries: number; videos: number }> {
    const restored = await run((current) => {
      options.beforeWrite?.();
      if (current.listLibraries().length > 0) throw new NotEmptyError();
      const next = openBackup(SQL!, bytes, options);
      next.log.requireWholeImage(); // a new catalog altogether: its changes are not a log on the saved image
      current.close();
      catalog = next;
      options.onWrite?.('edit'); // the swap is the user's edit: saved before this call resolves
      return next;
    });
    post({ type: 'restored' });
    return { libraries: restored.listLibraries().length, videos: restored.countVideos({}) };
  },

  /** Raw catalog image, for diagnostics and tests. */
  exportCatalog: () => catalog.export(),

  async blobAppend(key: string, bytes: Uint8Array) {
    return (await (blobs ??= BlobStore.open())).append(key, bytes);
  },
  async blobPut(key: string, bytes: Uint8Array) {
    return (await (blobs ??= BlobStore.open())).put(key, bytes);
  },
  async blobRead(key: string, start?: number, end?: number) {
    return (await (blobs ??= BlobStore.open())).read(key, start, end);
  },
  async blobDelete(key: string) {
    return (await (blobs ??= BlobStore.open())).delete(key);
  },
  async blobList() {
    return (await (blobs ??= BlobStore.open())).list();
  },
};

/** A Catalog method by name, called through `run`. */
function forward(name: string) {
  return (...args: unknown[]) =>
    run((c) => {
      const method = c[name as keyof CatalogCalls] as unknown;
      if (typeof method !== 'function') throw new TypeError(`The catalog has no method ${name}`);
      return (method as (...a: unknown[]) => unknown)(...args);
    });
}

export type CatalogApi = typeof api & CatalogCalls;
// The worker's own calls, and every public Catalog method (but the internal ones) forwarded by name.
expose(
  new Proxy(api, {
    get: (target, name) =>
      typeof name !== 'string' || name in target || internal.has(name) ? Reflect.get(target, name) : forward(name),
  }),
);
