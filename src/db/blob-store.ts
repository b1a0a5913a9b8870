import type { Blobs } from './blobs';
import { IdbBlobs } from './idb-blobs';

export type { Blobs };

/**
 * Large binary data (frame vectors, posters) kept in OPFS outside the sql.js image, which is
 * exported whole on every save. One file per key; keys are '/'-free names chosen by the caller.
 */
export class BlobStore implements Blobs {
  private constructor(private dir: FileSystemDirectoryHandle) {}

  /** The store `name` in OPFS, or in IndexedDB where the browser gives this page no OPFS (a private window). */
  static async open(name = 'blobs'): Promise<Blobs> {
    let root: FileSystemDirectoryHandle;
    try {
      root = await navigator.storage.getDirectory();
    } catch {
      return IdbBlobs.open(name);
    }
    return new BlobStore(await root.getDirectoryHandle(name, { create: true }));
  }

  static #check(key: string): string {
    if (!/^[\w.-]{1,200}$/.test(key) || key.startsWith('.')) throw new Error(`Invalid blob key: ${key}`);
    return key;
  }

  /** Appends `bytes` to the blob at `key` (creating it) and returns the offset they were written at. */
  async append(key: string, bytes: Uint8Array): Promise<number> {
    const handle = await this.dir.getFileHandle(BlobStore.#check(key), { create: true });
    const offset = (await handle.getFile()).size;
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.seek(offset);
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
    return offset;
  }

  /** Replaces the blob at `key` as a whole (atomically: the old one stays until the new one is complete). */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const handle = await this.dir.getFileHandle(BlobStore.#check(key), { create: true });
    const writable = await handle.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  }

  /** The blob's bytes, or a slice of them; null when there is no such blob. */
  async read(key: string, start?: number, end?: number): Promise<Uint8Array | null> {
    try {
      const file = await (await this.dir.getFileHandle(BlobStore.#check(key))).getFile();
      return new Uint8Array(await file.slice(start, end).arrayBuffer());
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.dir.removeEntry(BlobStore.#check(key));
    } catch (err) {
      // Deleting what is not there is fine.
      if ((err as Error).name !== 'NotFoundError') throw err;
    }
  }

  async list(): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    for await (const [key, handle] of this.dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (handle.kind !== 'file') continue;
      try {
        out.push({ key, size: (await (handle as FileSystemFileHandle).getFile()).size });
      } catch (err) {
        // Gone between the listing and the read: a file deleted meanwhile, or the temporary `<key>.crswap` of a write
        // by another worker, renamed over its file on close. Listing while posters and frames are stored is normal.
        if ((err as Error).name !== 'NotFoundError') throw err;
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
