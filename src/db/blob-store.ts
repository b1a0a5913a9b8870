import type { Blobs } from './blobs';
import { IdbBlobs } from './idb-blobs';
import { readFileBytes, writeFileWhole } from './opfs-read';

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

  /** Calls on one key run one after another: a sync access handle is exclusive, even within this worker. */
  #queues = new Map<string, Promise<unknown>>();

  #serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.#queues.get(key) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => {});
    this.#queues.set(key, settled);
    void settled.then(() => this.#queues.get(key) === settled && this.#queues.delete(key));
    return run;
  }

  /**
   * Appends `bytes` to the blob at `key` (creating it) and returns the offset they were written at. In a worker, a
   * sync access handle writes just the new bytes in place; elsewhere a writable stream copies the whole file first
   * (Chromium's swap file), so appends there cost the file's size. A crash mid-append can leave a cut tail, which the
   * segment reader already skips.
   */
  async append(key: string, bytes: Uint8Array): Promise<number> {
    return this.#serial(BlobStore.#check(key), async () => {
      const handle = await this.dir.getFileHandle(key, { create: true });
      if (canWriteInPlace()) return appendInPlace(handle, bytes);
      const offset = (await handle.getFile()).size;
      const writable = await handle.createWritable({ keepExistingData: true });
      await writable.seek(offset);
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
      return offset;
    });
  }

  /** Replaces the blob at `key` as a whole (atomically: the old one stays until the new one is complete). */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    return this.#serial(BlobStore.#check(key), async () => {
      await writeFileWhole(this.dir, key, bytes);
    });
  }

  /** The blob's bytes, or a slice of them; null when there is no such blob. */
  async read(key: string, start?: number, end?: number): Promise<Uint8Array | null> {
    try {
      return await readFileBytes(await this.dir.getFileHandle(BlobStore.#check(key)), start, end);
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return null;
      throw err;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await (await this.dir.getFileHandle(BlobStore.#check(key))).getFile()).size;
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    return this.#serial(BlobStore.#check(key), async () => {
      try {
        await this.dir.removeEntry(key);
      } catch (err) {
        // Deleting what is not there is fine.
        if ((err as Error).name !== 'NotFoundError') throw err;
      }
    });
  }

  async list(prefix = ''): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    for await (const [key, handle] of this.dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      // Names are cheap to list; a size takes a round trip to the browser per file, so only the asked-for ones.
      if (handle.kind !== 'file' || !key.startsWith(prefix)) continue;
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

/** Sync access handles exist in dedicated workers only (not in a page, nor in a service worker). */
function canWriteInPlace(): boolean {
  return typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
}

/** Writes `bytes` at the end of the file through a sync access handle (dedicated workers only); returns where. */
async function appendInPlace(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<number> {
  const access = await handle.createSyncAccessHandle();
  try {
    const offset = access.getSize();
    let written = 0;
    while (written < bytes.byteLength) {
      const n = access.write(bytes.subarray(written), { at: offset + written });
      if (n <= 0) throw new DOMException('The disk took no more bytes', 'QuotaExceededError');
      written += n;
    }
    access.flush();
    return offset;
  } finally {
    access.close();
  }
}
