/// <reference lib="webworker" />
// Object URLs of the blob store's images (posters, scrub strips), made here rather than on the page:
// URL.createObjectURL waits on the browser process (a synchronous call), which took up to half a second of the
// page's main thread at a time while the grid scrolled. A URL made here works in the page's <img> the same way.
import { expose } from 'comlink';
import { readIdbBlob } from '../db/idb-blobs';

/** The blob store's OPFS folder (BlobStore.open's default name in src/db/blob-store.ts). */
const blobFolder = 'blobs';
let folder: Promise<FileSystemDirectoryHandle> | undefined;

function blobs(): Promise<FileSystemDirectoryHandle> {
  if (!folder) {
    folder = navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(blobFolder));
    // No folder yet (nothing stored so far): ask again next time.
    folder.catch(() => (folder = undefined));
  }
  return folder;
}

/** The file under `key`, or null when there is none; where there is no OPFS, the copy kept in IndexedDB. */
async function open(key: string): Promise<Blob | null> {
  try {
    const file = await (await (await blobs()).getFileHandle(key)).getFile();
    return file.size > 0 ? file : null;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NotFoundError') return null;
    if (name !== 'TypeError' && name !== 'SecurityError') throw err;
  }
  // No OPFS in this browser (a private window): the blob store keeps its images in IndexedDB (src/db/idb-blobs.ts).
  const bytes = await readIdbBlob(blobFolder, key);
  return bytes && bytes.byteLength > 0 ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : null;
}

const api = {
  /** An object URL per key, backed by the file on disk (no copy), or null where there is no such blob. */
  async urls(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(
      keys.map(async (key) => {
        const file = await open(key).catch(() => null);
        return file ? URL.createObjectURL(file) : null;
      }),
    );
  },

  /** Lets go of URLs made by `urls`. */
  revoke(urls: readonly string[]): void {
    for (const url of urls) URL.revokeObjectURL(url);
  },
};

export type ImagesApi = typeof api;
expose(api);
