import { openDB, type IDBPDatabase } from 'idb';
import type { StorageInfo } from '../lib/types';
import { encodeSnapshot, newestSnapshot } from './snapshot';
import { readFileBytes } from './opfs-read';

/** Where the catalog image lives between visits. */
export interface CatalogStore {
  readonly backend: StorageInfo['backend'];
  /** The newest intact catalog image (null on a first visit), and how many saved copies were damaged. */
  load(): Promise<LoadedCatalog>;
  /** Writes a new image without touching the last good one until it is complete. */
  save(body: Uint8Array): Promise<void>;
}

export interface LoadedCatalog {
  body: Uint8Array | null;
  damaged: number;
}

const slotNames = ['catalog-a.ffdb', 'catalog-b.ffdb'];

class OpfsStore implements CatalogStore {
  readonly backend = 'opfs' as const;
  #generation = 0;
  #slot = 1;
  constructor(private dir: FileSystemDirectoryHandle) {}

  async #read(name: string): Promise<Uint8Array | null> {
    try {
      return await readFileBytes(await this.dir.getFileHandle(name));
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return null;
      throw err;
    }
  }

  async load(): Promise<LoadedCatalog> {
    const { newest, damaged } = await newestSnapshot(await Promise.all(slotNames.map((n) => this.#read(n))));
    if (!newest) return { body: null, damaged };
    this.#generation = newest.generation;
    this.#slot = newest.slot;
    return { body: newest.body, damaged };
  }

  async save(body: Uint8Array): Promise<void> {
    const slot = 1 - this.#slot;
    const data = await encodeSnapshot(body, this.#generation + 1);
    const handle = await this.dir.getFileHandle(slotNames[slot], { create: true });
    // createWritable writes to a swap file and swaps it in on close(): readers in other tabs never see half a file.
    const writable = await handle.createWritable();
    try {
      await writable.write(data as Uint8Array<ArrayBuffer>);
      await writable.close();
    } catch (err) {
      await writable.abort().catch(() => {
        /* already failed; the error below is the one that matters */
      });
      throw err;
    }
    this.#generation += 1;
    this.#slot = slot;
  }
}

class IdbStore implements CatalogStore {
  readonly backend = 'indexeddb' as const;
  constructor(private db: IDBPDatabase) {}
  async load(): Promise<LoadedCatalog> {
    const value: unknown = await this.db.get('catalog', 'current');
    return { body: value instanceof Uint8Array ? value : null, damaged: 0 };
  }
  async save(body: Uint8Array): Promise<void> {
    // One IndexedDB transaction is atomic on its own.
    await this.db.put('catalog', body.slice(), 'current');
  }
}

class MemoryStore implements CatalogStore {
  readonly backend = 'memory' as const;
  #body: Uint8Array | null = null;
  async load(): Promise<LoadedCatalog> {
    return { body: this.#body, damaged: 0 };
  }
  async save(body: Uint8Array) {
    this.#body = body.slice();
  }
}

/** OPFS where the browser has it, IndexedDB where it does not, memory as the last resort. */
export async function openCatalogStore(): Promise<CatalogStore> {
  try {
    const root = await navigator.storage.getDirectory();
    return new OpfsStore(await root.getDirectoryHandle('catalog', { create: true }));
  } catch {
    // No OPFS (older Safari, Firefox private windows): fall through to IndexedDB.
  }
  try {
    const db = await openDB('framefinder-catalog', 1, { upgrade: (d) => void d.createObjectStore('catalog') });
    return new IdbStore(db);
  } catch {
    // No IndexedDB either (some private modes): the catalog lives for this visit only.
    return new MemoryStore();
  }
}

export async function storageInfo(backend: StorageInfo['backend']): Promise<StorageInfo> {
  const estimate = (await navigator.storage?.estimate?.()) ?? {};
  const persisted = (await navigator.storage?.persisted?.()) ?? false;
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted, backend };
}
