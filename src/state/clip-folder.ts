// Where saved clips go: a "Clips" subfolder of the library folder, or a download where the browser cannot write
// into folders (a folder chosen with <input webkitdirectory>, dropped files, browsers without File System Access).
import { clipsFolder, uniqueName } from '../lib/clips/naming';
import type { FolderSource } from '../workers/folder-files';
import type { FileChunk } from '../workers/tools/trim';

type WritableHandle = FileSystemDirectoryHandle & {
  queryPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
};

export class NoWriteAccessError extends Error {
  override name = 'NoWriteAccessError';
  constructor(folder: string) {
    super(
      `Framefinder may not write into “${folder}”. Save the clip again and allow editing to put clips in its “${clipsFolder}” folder.`,
    );
  }
}

/**
 * A place a clip is written: a new file in the Clips folder and a stream into it for the tools worker. The stream's
 * close commits the file; `discard` throws away what was written and deletes the file (cancel, failure).
 */
export interface ClipSlot {
  name: string;
  /** Path relative to the library root, for the catalog. */
  path: string;
  handle: FileSystemFileHandle;
  /** Chunks of bytes, or one Blob the file writer copies natively (the fast MP4 copy). */
  stream: WritableStream<FileChunk>;
  /** Settles once the file is complete on disk (the stream closed), or rejects when writing it failed. */
  saved: Promise<void>;
  discard(): Promise<void>;
}

/** Whether clips of this library can go into its folder (else they are downloaded). */
export function canWriteInto(
  source: FolderSource | undefined,
): source is { kind: 'handle'; root: FileSystemDirectoryHandle } {
  return source?.kind === 'handle' && 'createWritable' in FileSystemFileHandle.prototype;
}

/**
 * Asks for permission to write into the library folder, once: a folder opened for reading needs the user's yes to
 * be written to, and the browser keeps it for the visit. Must start in a click (the browser's rule for prompts).
 */
export async function askToWrite(root: FileSystemDirectoryHandle): Promise<void> {
  const h = root as WritableHandle;
  let state = (await h.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
  if (state === 'prompt' && h.requestPermission) state = await h.requestPermission({ mode: 'readwrite' });
  if (state !== 'granted') throw new NoWriteAccessError(root.name);
}

/** Creates the Clips folder if needed and an empty file in it under a name not yet taken. */
export async function newClipFile(root: FileSystemDirectoryHandle, name: string): Promise<ClipSlot> {
  const dir = await root.getDirectoryHandle(clipsFolder, { create: true });
  const taken: string[] = [];
  for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) taken.push(key);
  const free = uniqueName(name, taken);
  const handle = await dir.getFileHandle(free, { create: true });
  // The page keeps the file's writable (writes go to the browser's swap file until close): when the worker is
  // terminated mid-cut, the page can still abort it, which a writable inside the dead worker would never be.
  const writable = await handle.createWritable();
  /** The writable's close or abort, once one has begun: a file is removed only after it. */
  let ended: Promise<void> | null = null;
  const end = (how: 'close' | 'abort') => (ended ??= how === 'close' ? writable.close() : writable.abort());
  // A stream transferred to a worker reports its close there at once; the file is complete only when this side's
  // close has committed it.
  let committed!: (value: void) => void;
  let failed!: (err: unknown) => void;
  const saved = new Promise<void>((resolve, reject) => {
    committed = resolve;
    failed = reject;
  });
  saved.catch(() => undefined); // read by the job only on success; a failure is its own job's to report
  const stream = new WritableStream<FileChunk>({
    write: (chunk) =>
      writable.write(chunk).catch((err: unknown) => {
        failed(err);
        throw err;
      }),
    close: () => end('close').then(committed, (err: unknown) => failed(err)),
    abort: (reason: unknown) => {
      failed(reason);
      return end('abort');
    },
  });
  return {
    name: free,
    path: `${clipsFolder}/${free}`,
    handle,
    stream,
    saved,
    discard: async () => {
      // A writable still open holds a lock on the file that would refuse its removal.
      await end('abort').catch(() => undefined); // already closed or errored: nothing left to throw away
      await dir.removeEntry(free);
    },
  };
}

/** Offers `bytes` as a download called `name`. */
export function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click has started the download; the URL can go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
