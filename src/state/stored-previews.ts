// Reading a stored preview on the page. The catalog worker's blobRead copies a whole blob into memory; a preview
// can be hundreds of megabytes, so the page opens the OPFS file itself: a File backed by the disk, which the
// <video> element reads in ranges as it plays.

/** The blob store's OPFS folder (BlobStore.open's default name in src/db/blob-store.ts). */
const blobFolder = 'blobs';

/** The stored preview under `key` as a File, or null when there is none (or OPFS is not available here). */
export async function openStoredBlob(key: string): Promise<File | null> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(blobFolder);
    const file = await (await dir.getFileHandle(key)).getFile();
    return file.size > 0 ? file : null;
  } catch (err) {
    const name = (err as Error).name;
    // No folder or file yet, or no OPFS in this browser: there is simply no stored preview.
    if (name === 'NotFoundError' || name === 'TypeError' || name === 'SecurityError') return null;
    throw err;
  }
}
