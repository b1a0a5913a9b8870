import { openDB, type IDBPDatabase } from 'idb';
import type { Blobs } from './blobs';

/**
 * The blob store in IndexedDB, for browsers that give this page no origin private file system (a private window):
 * posters, scrub strips and search data are kept there instead, one record per key. Each call is one transaction,
 * so an append or a replacement is whole or not at all, as with OPFS.
 */
const storeName = 'blobs';

const databases = new Map<string, Promise<IDBPDatabase>>();

function database(name: string): Promise<IDBPDatabase> {
  let db = databases.get(name);
  if (!db) {
    db = openDB(`framefinder-${name}`, 1, { upgrade: (d) => void d.createObjectStore(storeName) });
    databases.set(name, db);
    db.catch(() => databases.delete(name)); // asked again next time
  }
  return db;
}

/** The bytes kept under `key` in the IndexedDB blob store `name`, or null. */
export async function readIdbBlob(name: string, key: string): Promise<Uint8Array | null> {
  const value: unknown = await (await database(name)).get(storeName, key);
  return value instanceof Uint8Array ? value : null;
}

export class IdbBlobs implements Blobs {
  private constructor(private db: IDBPDatabase) {}

  static async open(name: string): Promise<IdbBlobs> {
    return new IdbBlobs(await database(name));
  }

  async append(key: string, bytes: Uint8Array): Promise<number> {
    const tx = this.db.transaction(storeName, 'readwrite');
    const before: unknown = await tx.store.get(key);
    const old = before instanceof Uint8Array ? before : new Uint8Array(0);
    const out = new Uint8Array(old.byteLength + bytes.byteLength);
    out.set(old);
    out.set(bytes, old.byteLength);
    await tx.store.put(out, key);
    await tx.done;
    return old.byteLength;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.db.put(storeName, bytes.slice(), key);
  }

  async read(key: string, start?: number, end?: number): Promise<Uint8Array | null> {
    const value: unknown = await this.db.get(storeName, key);
    return value instanceof Uint8Array ? value.slice(start, end) : null;
  }

  async size(key: string): Promise<number | null> {
    const value: unknown = await this.db.get(storeName, key);
    return value instanceof Uint8Array ? value.byteLength : null;
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(storeName, key);
  }

  async list(prefix = ''): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    const range = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined;
    let cursor = await this.db.transaction(storeName).store.openCursor(range);
    while (cursor) {
      const value: unknown = cursor.value;
      out.push({ key: String(cursor.key), size: value instanceof Uint8Array ? value.byteLength : 0 });
      cursor = await cursor.continue();
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
