import { proxy, type Remote } from 'comlink';
import { isAbortError } from '../lib/errors';
import type { WorkerBridge } from '../workers/bridge';
import { copyModelFolder, modelFolder, pathInModel, writeMeta, type ModelMeta } from './model-folders';
import { handleError } from './toasts.svelte';

/** How a model's files arrive, file by file, in bytes. */
export type FileProgress = { file: string; loaded: number; total: number };

/**
 * Fetches a model's files into its OPFS folder in a worker of its own (only ever on the user's click), then writes
 * its meta, which marks the folder complete. Progress is summed over the files, never below the model's
 * approximate size (the hub says each file's size only once it starts). Aborting terminates the worker: a fetch
 * inside it cannot be reached otherwise; the files already fetched stay, so the next attempt resumes.
 */
export async function downloadModel<T>(opts: {
  folder: string;
  approxBytes: number;
  meta: ModelMeta;
  worker: WorkerBridge<T>;
  signal: AbortSignal;
  load(api: Remote<T>, dir: FileSystemDirectoryHandle, onProgress: (p: FileProgress) => void): Promise<unknown>;
  onProgress(loaded: number, total: number): void;
}): Promise<void> {
  const files = new Map<string, FileProgress>();
  const onProgress = proxy((p: FileProgress) => {
    files.set(p.file, p);
    let loaded = 0;
    let total = 0;
    for (const f of files.values()) {
      loaded += f.loaded;
      total += f.total;
    }
    opts.onProgress(loaded, Math.max(total, opts.approxBytes));
  });
  try {
    const dir = await modelFolder(opts.folder, true);
    await opts.worker.run(opts.signal, (api) => opts.load(api, dir, onProgress));
    await writeMeta(opts.folder, opts.meta);
  } finally {
    opts.worker.terminate();
  }
}

/** What the Models panel says of a download that did not finish; a failure (not a cancel) is also reported. */
export function downloadStopped(err: unknown, what: string): string {
  if (isAbortError(err)) return 'Download cancelled. The files already fetched are kept; it resumes from there.';
  handleError(err, what);
  return `The download failed: ${(err as Error).message}`;
}

/**
 * Copies a folder the user picked (`<input webkitdirectory>` files, paths under the folder's own name) into OPFS as
 * a model of `kind`; returns its folder, or null when nothing was picked.
 */
export async function copyPickedFolder(
  files: readonly File[],
  kind: 'clip' | 'speech',
  onCopy: (copied: number, total: number) => void,
): Promise<string | null> {
  if (files.length === 0) return null;
  const name = files[0].webkitRelativePath.split('/')[0] || (kind === 'speech' ? 'speech model' : 'model');
  const entries = files.map((file) => ({ path: pathInModel(file), file }));
  return (await copyModelFolder(name, entries, onCopy, kind)).folder;
}
