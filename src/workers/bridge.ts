import { wrap, type Remote } from 'comlink';
import type { CatalogApi } from './catalog.worker';
import type { EmbedApi } from './embed.worker';
import type { MediaApi } from './media.worker';
import type { PreviewApi } from './preview.worker';
import type { ScanApi } from './scan.worker';
import type { SearchApi } from './search.worker';

/**
 * A worker started lazily and replaceable: wasm and long loops cannot be interrupted, so cancelling work
 * means terminating the worker; the next call starts a fresh one.
 */
export class WorkerBridge<T> {
  #worker: Worker | undefined;
  #api: Remote<T> | undefined;
  constructor(private create: () => Worker) {}

  get api(): Remote<T> {
    if (!this.#api) {
      this.#worker = this.create();
      this.#api = wrap<T>(this.#worker);
    }
    return this.#api;
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
  }
}

export const catalogWorker = new WorkerBridge<CatalogApi>(
  () => new Worker(new URL('./catalog.worker.ts', import.meta.url), { type: 'module', name: 'catalog' }),
);

export const newScanWorker = () =>
  new WorkerBridge<ScanApi>(
    () => new Worker(new URL('./scan.worker.ts', import.meta.url), { type: 'module', name: 'scan' }),
  );

export const newMediaWorker = () =>
  new WorkerBridge<MediaApi>(
    () => new Worker(new URL('./media.worker.ts', import.meta.url), { type: 'module', name: 'media' }),
  );

/** ffmpeg.wasm previews of videos the browser cannot play; terminated to cancel. */
export const newPreviewWorker = () =>
  new WorkerBridge<PreviewApi>(
    () => new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module', name: 'preview' }),
  );

export const searchWorker = new WorkerBridge<SearchApi>(
  () => new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module', name: 'search' }),
);

const embedWorkerOf = () =>
  new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' });

/** CLIP for word search: the active model and the stored embeddings. */
export const embedWorker = new WorkerBridge<EmbedApi>(embedWorkerOf);

/** A worker of its own for a model download (terminated to cancel it) or a thread-count comparison. */
export const newEmbedWorker = () => new WorkerBridge<EmbedApi>(embedWorkerOf);
