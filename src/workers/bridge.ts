import { transfer, wrap, type Remote } from 'comlink';
import { AbortError, TimeoutError } from '../lib/errors';
import type { CatalogApi } from './catalog.worker';
import type { EmbedApi } from './embed.worker';
import type { MediaApi } from './media.worker';
import type { PreviewApi } from './preview.worker';
import type { ScanApi } from './scan.worker';
import type { ScreenTextApi } from './screen-text.worker';
import type { SearchApi } from './search.worker';
import type { SpeechApi } from './speech.worker';
import type { ToolsApi } from './tools.worker';
import type { TranscriptsApi } from './transcripts.worker';

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

  /** Starts the worker now (loading its code), so the first call does not wait for it. */
  start(): void {
    void this.api;
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
  }

  /**
   * Calls the worker under a signal (and a time limit, when given): abort or overrun terminates the worker, the
   * only real stop for wasm and decoders, and rejects with AbortError or TimeoutError. The next call starts a
   * fresh worker.
   */
  async run<R>(
    signal: AbortSignal | undefined,
    fn: (api: Remote<T>) => Promise<R>,
    limit?: { ms: number; what: string },
  ): Promise<R> {
    if (signal?.aborted) throw new AbortError();
    const api = this.api;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort = () => {};
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        this.terminate();
        reject(new AbortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (limit)
        timer = setTimeout(() => {
          this.terminate();
          reject(new TimeoutError(`${limit.what} took longer than ${Math.round(limit.ms / 1000)} s and was stopped.`));
        }, limit.ms);
    });
    try {
      return await Promise.race([fn(api), stopped]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The worker is running (not terminated since its last call). */
  get alive(): boolean {
    return this.#worker !== undefined;
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

/**
 * A frame route between two workers: `receive` hands one end of a new port pair to the reader (the search or embed
 * worker); the other end is returned for the media worker to write frame batches to. Frames never pass the page.
 */
export async function frameRoute(receive: (port: MessagePort) => Promise<void>): Promise<MessagePort> {
  const { port1, port2 } = new MessageChannel();
  await receive(transfer(port1, [port1]));
  return port2;
}

/** Subtitle and transcript lines, and "Said" search over them. */
export const transcriptsWorker = new WorkerBridge<TranscriptsApi>(
  () => new Worker(new URL('./transcripts.worker.ts', import.meta.url), { type: 'module', name: 'transcripts' }),
);

/** Text on screen: reading it in frames (PaddleOCR on ONNX Runtime), the stored spans, "On screen" search. */
export const screenTextWorker = new WorkerBridge<ScreenTextApi>(
  () => new Worker(new URL('./screen-text.worker.ts', import.meta.url), { type: 'module', name: 'screen-text' }),
);

/** The video tools (trim by stream copy); one per job, so a stuck cut is stopped by terminating its worker. */
export const newToolsWorker = () =>
  new WorkerBridge<ToolsApi>(
    () => new Worker(new URL('./tools.worker.ts', import.meta.url), { type: 'module', name: 'tools' }),
  );

/** Speech to text: a video's sound decoded and transcribed; terminated to cancel (the model is loaded again after). */
export const newSpeechWorker = () =>
  new WorkerBridge<SpeechApi>(
    () => new Worker(new URL('./speech.worker.ts', import.meta.url), { type: 'module', name: 'speech' }),
  );
