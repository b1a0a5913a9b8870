import { openDB, type IDBPDatabase } from 'idb';
import type { StorageInfo } from '../lib/types';
import type { CatalogStore, LoadedCatalog } from './catalog-store';
import { OpfsCatalogStore } from './opfs-catalog';

const changesKey = (seq: number) => `changes-${String(seq).padStart(9, '0')}`;
const allChangesKeys = () => IDBKeyRange.bound('changes-', 'changes-~');

class IdbStore implements CatalogStore {
  readonly backend = 'indexeddb' as const;
  #files = 0;
  #bytes = 0;
  #imageBytes = 0;
  constructor(private db: IDBPDatabase) {}
  get pending() {
    return { hasImage: this.#imageBytes > 0, imageBytes: this.#imageBytes, files: this.#files, bytes: this.#bytes };
  }
  async load(): Promise<LoadedCatalog> {
    const tx = this.db.transaction('catalog');
    const [value, changes] = await Promise.all([tx.store.get('current'), tx.store.getAll(allChangesKeys())]);
    const body = value instanceof Uint8Array ? value : null;
    this.#imageBytes = body?.byteLength ?? 0;
    this.#files = changes.length;
    this.#bytes = changes.reduce((sum: number, c: Uint8Array) => sum + c.byteLength, 0);
    return { body, changes: body ? (changes as Uint8Array[]) : [], damaged: 0 };
  }
  async save(body: Uint8Array): Promise<void> {
    // One IndexedDB transaction is atomic on its own: the image and the end of the log land together.
    const tx = this.db.transaction('catalog', 'readwrite');
    await Promise.all([tx.store.put(body.slice(), 'current'), tx.store.delete(allChangesKeys()), tx.done]);
    this.#imageBytes = body.byteLength;
    this.#files = 0;
    this.#bytes = 0;
  }
  async append(changes: Uint8Array): Promise<void> {
    await this.db.put('catalog', changes.slice(), changesKey(this.#files + 1));
    this.#files += 1;
    this.#bytes += changes.byteLength;
  }
}

class MemoryStore implements CatalogStore {
  readonly backend = 'memory' as const;
  #body: Uint8Array | null = null;
  #changes: Uint8Array[] = [];
  get pending() {
    const bytes = this.#changes.reduce((sum, c) => sum + c.byteLength, 0);
    return {
      hasImage: this.#body !== null,
      imageBytes: this.#body?.byteLength ?? 0,
      files: this.#changes.length,
      bytes,
    };
  }
  async load(): Promise<LoadedCatalog> {
    return { body: this.#body, changes: [...this.#changes], damaged: 0 };
  }
  async save(body: Uint8Array) {
    this.#body = body.slice();
    this.#changes = [];
  }
  async append(changes: Uint8Array) {
    this.#changes.push(changes.slice());
  }
}

/** OPFS where the browser has it, IndexedDB where it does not, memory as the last resort. */
export async function openCatalogStore(): Promise<CatalogStore> {
  try {
    const root = await navigator.storage.getDirectory();
    return new OpfsCatalogStore(await root.getDirectoryHandle('catalog', { create: true }));
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
