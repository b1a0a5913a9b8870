import type { Remote } from 'comlink';
import type { MediaApi } from '../workers/media.worker';
import { newMediaWorker, type WorkerBridge } from '../workers/bridge';

/**
 * A media worker of its own for search queries, so a dropped clip is sampled at once instead of waiting
 * behind the indexing jobs. A newer query terminates the older one's work.
 */
class QueryMedia {
  #bridge: WorkerBridge<MediaApi> | undefined;

  begin(): Remote<MediaApi> {
    this.#bridge ??= newMediaWorker();
    return this.#bridge.api;
  }

  cancel(): void {
    this.#bridge?.terminate();
    this.#bridge = undefined;
  }
}

export const queryMedia = new QueryMedia();
