// The blob store's images for the page: object URLs made in a worker of their own (see images.worker.ts).
import { WorkerBridge } from './bridge';
import type { ImagesApi } from './images.worker';

const images = new WorkerBridge<ImagesApi>(
  () => new Worker(new URL('./images.worker.ts', import.meta.url), { type: 'module', name: 'images' }),
);

/** Object URLs of the blobs under `keys` (null where there is none), valid until `revokeBlobUrls`. */
export const blobUrls = (keys: readonly string[]) => images.api.urls(keys);

export const revokeBlobUrls = (urls: readonly string[]) => images.api.revoke(urls);
