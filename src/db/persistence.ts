import { openDB, type IDBPDatabase } from 'idb';
import type { StorageInfo } from '../lib/types';
import type { CatalogStore, LoadedCatalog } from './catalog-store';
import { OpfsCatalogStore } from './opfs-catalog';

const changesKey = (seq: number) => `changes-${String(seq).padStart(9, '0')}`;
const allChangesKeys = () => IDBKeyRange.bound('changes-', 'changes-~');

/**
 * The catalog in IndexedDB: the image under 'current', its generation under 'generation' (written in the same
 * transaction), and each later save's changes under `changes-NNNNNNNNN`. Every transaction sees one consistent
 * state, so a reader in another tab never sees an image with the wrong log.
 */
export class IdbStore implements CatalogStore {
  readonly backend = 'indexeddb' as const;
  #generation = 0;
  #files = 0;
  #bytes = 0;
  #imageBytes = 0;
  constructor(private db: IDBPDatabase) {}
  static async open(name = 'framefinder-catalog'): Promise<IdbStore> {
    return new IdbStore(await openDB(name, 1, { upgrade: (d) => void d.createObjectStore('catalog') }));
  }
  get pending() {
    return { hasImage: this.#imageBytes > 0, imageBytes: this.#imageBytes, files: this.#files, bytes: this.#bytes };
  }
  async load(): Promise<LoadedCatalog> {
    const tx = this.db.transaction('catalog');
    const [value, generation, changes] = await Promise.all([
      tx.store.get('current'),
      tx.store.get('generation'),
      tx.store.getAll(allChangesKeys()),
    ]);
    const body = value instanceof Uint8Array ? value : null;
    // Catalogs saved before generations were kept have none: call theirs 0.
    this.#generation = typeof generation === 'number' ? generation : 0;
    this.#imageBytes = body?.byteLength ?? 0;
    this.#files = changes.length;
    this.#bytes = changes.reduce((sum: number, c: Uint8Array) => sum + c.byteLength, 0);
    return { body, changes: body ? (changes as Uint8Array[]) : [], damaged: 0, generation: this.#generation };
  }
  async save(body: Uint8Array): Promise<void> {
    // One IndexedDB transaction is atomic on its own: the image, its generation and the end of the log land together.
    const generation = this.#generation + 1;
    const tx = this.db.transaction('catalog', 'readwrite');
    await Promise.all([
      tx.store.put(body.slice(), 'current'),
      tx.store.put(generation, 'generation'),
      tx.store.delete(allChangesKeys()),
      tx.done,
    ]);
    this.#generation = generation;
    this.#imageBytes = body.byteLength;
    this.#files = 0;
    this.#bytes = 0;
  }
  async append(changes: Uint8Array): Promise<void> {
    await this.db.put('catalog', changes.slice(), changesKey(this.#files + 1));
    this.#files += 1;
    this.#bytes += changes.byteLength;
  }
  async changesAfter(generation: number, count: number): Promise<Uint8Array[] | null> {
    const tx = this.db.transaction('catalog');
    const later = IDBKeyRange.bound(changesKey(count + 1), 'changes-~');
    const [current, keys, values] = await Promise.all([
      tx.store.get('generation'),
      tx.store.getAllKeys(later),
      tx.store.getAll(later),
    ]);
    if ((typeof current === 'number' ? current : 0) !== generation) return null;
    // Keys are written in order, one per save: one out of place means a missing save, which only a whole load mends.
    if (keys.some((key, i) => key !== changesKey(count + 1 + i))) return null;
    return values as Uint8Array[];
  }
}

/** The catalog for this visit only, where the browser gives no storage (and in unit tests). */
export class MemoryStore implements CatalogStore {
  readonly backend = 'memory' as const;
  #generation = 0;
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
    return { body: this.#body, changes: [...this.#changes], damaged: 0, generation: this.#generation };
  }
  async save(body: Uint8Array) {
    this.#body = body.slice();
    this.#changes = [];
    this.#generation += 1;
  }
  async append(changes: Uint8Array) {
    this.#changes.push(changes.slice());
  }
  async changesAfter(generation: number, count: number): Promise<Uint8Array[] | null> {
    return generation === this.#generation ? this.#changes.slice(count) : null;
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
    return await IdbStore.open();
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
