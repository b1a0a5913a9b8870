import { SvelteMap } from 'svelte/reactivity';
import type { Tier } from '../lib/media/types';
import type { Video } from '../lib/types';
import type { MediaApi } from '../workers/media.worker';
import { newMediaWorker, type WorkerBridge } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { imports } from './import.svelte';

/** Matched frames kept as object URLs; the oldest are revoked beyond this. */
const keep = 120;

/**
 * The library frame a search matched, decoded from the file at that moment, so it can be shown beside the
 * query. One at a time on a worker of its own; null when the folder is not connected or the frame cannot be read.
 */
class MatchedFrames {
  #urls = new SvelteMap<string, string | null>();
  #queue: { key: string; video: Video; time: number }[] = [];
  #running = false;
  #worker: WorkerBridge<MediaApi> | undefined;

  /** The frame's URL; undefined while it loads, null when it cannot be shown. */
  url(video: Video, time: number): string | null | undefined {
    const key = `${video.id}@${time.toFixed(3)}`;
    if (this.#urls.has(key)) return this.#urls.get(key);
    if (!this.#queue.some((q) => q.key === key)) {
      this.#queue.push({ key, video, time });
      void this.#drain();
    }
    return undefined;
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift())
        this.#set(next.key, await this.#load(next));
    } finally {
      this.#running = false;
    }
  }

  async #load({ video, time }: { video: Video; time: number }): Promise<string | null> {
    const source = imports.sourceOf(video.libraryId);
    if (!source) return null;
    try {
      const file = await openFile(source, video.path);
      this.#worker ??= newMediaWorker();
      const image = await this.#worker.api.frameImage(file, time, (video.tier ?? undefined) as Tier | undefined);
      return URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime }));
    } catch (err) {
      console.warn(`Could not show the matched frame of ${video.name} at ${time}`, err);
      this.#worker?.terminate();
      this.#worker = undefined;
      return null;
    }
  }

  #set(key: string, url: string | null): void {
    this.#urls.set(key, url);
    while (this.#urls.size > keep) {
      const [oldest, old] = this.#urls.entries().next().value!;
      if (old) URL.revokeObjectURL(old);
      this.#urls.delete(oldest);
    }
  }
}

export const matchedFrames = new MatchedFrames();
