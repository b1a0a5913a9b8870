/// <reference lib="webworker" />
import { expose } from 'comlink';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { BlobStore } from '../db/blob-store';
import { Catalog } from '../db/catalog';
import { openCatalogStore, storageInfo, type CatalogStore } from '../db/persistence';
import { isQuotaError, ReadOnlyError, StorageFullError } from '../lib/errors';
import { SaveScheduler } from './save-scheduler';

/** Catalog methods the page may call, forwarded to the current Catalog. */
const forwarded = [
  'listLibraries',
  'listFolders',
  'addLibrary',
  'listVideos',
  'countVideos',
  'facetCounts',
  'listTags',
  'suggestTags',
  'tagsOfVideos',
  'tagVideos',
  'untagVideos',
  'renameTag',
  'deleteTag',
  'listCollections',
  'getCollection',
  'listCollectionVideos',
  'createCollection',
  'renameCollection',
  'deleteCollection',
  'addToCollection',
  'removeFromCollection',
  'moveInCollection',
  'removeVideos',
  'restoreVideos',
  'listTrash',
  'countTrash',
  'getVideo',
  'listVideoIds',
  'knownFiles',
  'setQuickHash',
  'applyScanOps',
  'finishScan',
  'getSetting',
  'setSetting',
  'claimJobs',
  'setJobProgress',
  'completeJob',
  'failJob',
  'cancelJob',
  'cancelAllJobs',
  'retryJob',
  'retryAllJobs',
  'requeueJobs',
  'requeueStage',
  'enqueueMissingStages',
  'saveProbe',
  'saveThumbnail',
  'getThumbnail',
  'saveScenes',
  'listScenes',
  'saveFrames',
  'listFrames',
  'getJob',
  'jobCounts',
  'listJobs',
  'nextDueAt',
] as const satisfies readonly (keyof Catalog)[];
type Forwarded = { [K in (typeof forwarded)[number]]: Catalog[K] };

export interface CatalogEvents {
  /** Another tab saved the catalog and this read-only tab reloaded it. */
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
let blobs: Promise<BlobStore> | undefined;
const channel = new BroadcastChannel('framefinder-catalog');

const saves = new SaveScheduler(async () => {
  try {
    await store.save(catalog.export());
    events?.saveError(null);
    channel.postMessage({ type: 'saved' });
  } catch (err) {
    const error = isQuotaError(err) ? new StorageFullError() : (err as Error);
    events?.saveError(error.message);
    throw error;
  }
});

async function load(): Promise<void> {
  SQL ??= await initSqlJs({ locateFile: () => sqlWasmUrl });
  const bytes = await store.load();
  catalog?.close();
  catalog = Catalog.open(SQL, bytes, {
    onWrite: () => saves.request(),
    beforeWrite: () => {
      if (!writer) throw new ReadOnlyError();
    },
  });
}

channel.onmessage = (e: MessageEvent<{ type: string }>) => {
  // Only a read-only tab follows the writer's saves; the writer's own copy is the newest.
  if (e.data.type === 'saved' && !writer) {
    void load().then(() => events?.changed());
  }
};

const api = {
  ...(Object.fromEntries(
    forwarded.map((name) => [
      name,
      async (...args: unknown[]) => {
        await opened;
        return (catalog[name] as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as Forwarded),

  /** Forgets a library and deletes its images from the blob store; files on disk are never touched. */
  async removeLibrary(id: number): Promise<void> {
    await opened;
    const keys = catalog.removeLibrary(id);
    const store = await (blobs ??= BlobStore.open());
    for (const key of keys) await store.delete(key);
  },

  /** Loads the saved catalog (read-only until `becomeWriter`). */
  async open(listener?: CatalogEvents): Promise<{ backend: CatalogStore['backend'] }> {
    events = listener;
    try {
      store = await openCatalogStore();
      await load();
      openedCallbacks.resolve();
    } catch (err) {
      openedCallbacks.reject(err);
      opened = Promise.reject(err);
      throw err;
    }
    return { backend: store.backend };
  },

  /**
   * This tab now holds the writer lock: reload whatever the previous writer saved last, then accept writes.
   * Jobs that were running when their tab went away are queued again, and stages this version of the app
   * added are queued for videos catalogued before it.
   */
  async becomeWriter(): Promise<{ resumed: number; added: number }> {
    await load();
    writer = true;
    return { resumed: catalog.resumeInterruptedJobs(), added: catalog.enqueueMissingStages() };
  },

  isWriter: () => writer,

  /** Saves now if anything changed (page hide, before a risky step). */
  flush: () => saves.flush(),

  storage: () => storageInfo(store.backend),

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

export type CatalogApi = typeof api;
expose(api);
