/**
 * An OPFS file's bytes (or a slice of them). A `File` is a snapshot: once another tab or worker replaces the file
 * (a catalog save swaps a new one in) or writes into it (a segment append), reading that snapshot fails with
 * NotReadableError. Such a read is made again from a fresh snapshot, so a tab opening while the writer saves
 * reads the new file instead of failing to open.
 */
export async function readFileBytes(handle: FileSystemFileHandle, start?: number, end?: number): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    const file = await handle.getFile();
    try {
      return new Uint8Array(await file.slice(start, end).arrayBuffer());
    } catch (err) {
      if ((err as Error).name !== 'NotReadableError' || attempt >= maxAttempts) throw err;
    }
  }
}

/** A file rewritten this many times in a row while being read is a fault, not a race. */
const maxAttempts = 8;

/**
 * Writes `data` as the whole of the file `name` in `dir`, made if missing. createWritable writes to a swap file and
 * swaps it in on close(): readers in other tabs never see half a file, and a failed write (a full disk) leaves the
 * old file as it was once the swap file is thrown away.
 */
export async function writeFileWhole(dir: FileSystemDirectoryHandle, name: string, data: Uint8Array): Promise<void> {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await writable.write(data as Uint8Array<ArrayBuffer>);
    await writable.close();
  } catch (err) {
    await writable.abort().catch(() => {
      /* already failed; the error below is the one that matters */
    });
    throw err;
  }
}
