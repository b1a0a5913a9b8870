import { SvelteMap } from 'svelte/reactivity';
import { isAbortError } from '../lib/errors';
import type { Video } from '../lib/types';
import { newMediaWorker } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import { imports } from './import.svelte';

/** Matched frames kept as object URLs; the oldest are revoked beyond this. */
const keep = 120;

interface Wanted {
  key: string;
  video: Video;
  time: number;
  /** Aborted when the component that asked goes away: the frame is no longer wanted. */
  signal: AbortSignal;
}

/**
 * The library frame a search matched, decoded from the file at that moment, so it can be shown beside the
 * query. One at a time on a worker of its own; null when the folder is not connected or the frame cannot be read.
 * A component asks with its own signal: when it goes, its frames leave the queue and the one decoding stops.
 */
class MatchedFrames {
  #urls = new SvelteMap<string, string | null>();
  #queue: Wanted[] = [];
  #running = false;
  #worker = newMediaWorker();

  /** The frame's URL; undefined while it loads, null when it cannot be shown. */
  url(video: Video, time: number, signal: AbortSignal): string | null | undefined {
    const key = `${video.id}@${time.toFixed(3)}`;
    if (this.#urls.has(key)) return this.#urls.get(key);
    if (!signal.aborted && !this.#queue.some((q) => q.key === key)) {
      this.#queue.push({ key, video, time, signal });
      void this.#drain();
    }
    return undefined;
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        if (next.signal.aborted) continue;
        const url = await this.#load(next);
        if (url !== undefined) this.#set(next.key, url);
      }
    } finally {
      this.#running = false;
    }
  }

  /** The frame's URL, null when it cannot be shown, undefined when it stopped being wanted. */
  async #load({ video, time, signal }: Wanted): Promise<string | null | undefined> {
    const source = imports.sourceOf(video.libraryId);
    if (!source) return null;
    try {
      const file = await openFile(source, video.path);
      const prefer = video.tier ?? undefined;
      const image = await this.#worker.run(signal, (m) => m.frameImage({ file, time, prefer }));
      return URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime }));
    } catch (err) {
      if (isAbortError(err)) return undefined;
      console.warn(`Could not show the matched frame of ${video.name} at ${time}`, err);
      this.#worker.terminate();
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
