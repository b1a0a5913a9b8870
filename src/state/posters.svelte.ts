import { SvelteMap } from 'svelte/reactivity';
import { blobUrls, revokeBlobUrls } from '../workers/blob-files';
import { catalog } from './catalog.svelte';

/** How many poster object URLs stay alive; older ones are revoked as the list scrolls on. */
const keep = 400;
/** Posters asked of the images worker in one message, and messages in flight at once. */
const batchSize = 12;
const concurrent = 2;
/**
 * How long a card asks before its poster is read: one scrolled past sooner costs nothing, so a fast scroll does
 * not pay for every card it passes.
 */
const settleMs = 60;

/**
 * Poster images as object URLs, read only for cards and rows near the screen. Only found posters are remembered:
 * a video whose poster is not made yet is asked again after the next catalog change. The URLs are made in the
 * images worker (URL.createObjectURL blocks the thread that calls it on the browser process).
 */
class Posters {
  #urls = new SvelteMap<string, string>();
  #pending = new Set<string>();
  #missing = new Map<string, number>();
  /** Posters asked for, oldest first, not started yet. */
  #queue = new Map<string, number>();
  /** How many cards on screen show each key. */
  #wanted = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = 0;

  /** The poster URL if it is loaded already; never starts a load (cards ask with `want`). */
  cached(videoId: number, version: number): string | undefined {
    return this.#urls.get(`${videoId}:${version}`);
  }

  /**
   * A card near the screen shows this video: its poster is queued. Call the returned function when the card
   * leaves: a load not started yet is dropped. Reads `catalog.revision`, so an effect calling it asks again for a
   * poster that was not made yet.
   */
  want(videoId: number, version: number): () => void {
    const key = `${videoId}:${version}`;
    this.#wanted.set(key, (this.#wanted.get(key) ?? 0) + 1);
    this.#ask(key, videoId, catalog.revision);
    return () => {
      const n = (this.#wanted.get(key) ?? 1) - 1;
      if (n > 0) return void this.#wanted.set(key, n);
      this.#wanted.delete(key);
      this.#queue.delete(key);
    };
  }

  /** The poster URL of a video, loading it if needed (never dropped); undefined until it is there. */
  url(videoId: number, version: number): string | undefined {
    const key = `${videoId}:${version}`;
    const hit = this.#urls.get(key);
    if (!hit) this.#ask(key, videoId, catalog.revision);
    return hit;
  }

  #ask(key: string, videoId: number, revision: number): void {
    if (this.#urls.has(key) || this.#pending.has(key) || this.#missing.get(key) === revision) return;
    this.#queue.set(key, videoId);
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, settleMs);
  }

  #pump(): void {
    while (this.#inFlight < concurrent && this.#queue.size > 0) {
      const batch = [...this.#queue].slice(0, batchSize);
      for (const [key] of batch) {
        this.#queue.delete(key);
        this.#pending.add(key);
      }
      this.#inFlight += 1;
      void this.#load(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #load(batch: [key: string, videoId: number][]): Promise<void> {
    const revision = catalog.revision;
    try {
      const urls = await blobUrls(batch.map(([, videoId]) => `poster-${videoId}`));
      batch.forEach(([key], i) => {
        if (urls[i]) this.#remember(key, urls[i]);
        else this.#missing.set(key, revision);
      });
    } catch {
      // Posters that cannot be read show the placeholder; the grid stays usable.
      for (const [key] of batch) this.#missing.set(key, revision);
    } finally {
      for (const [key] of batch) this.#pending.delete(key);
    }
  }

  #remember(key: string, url: string): void {
    this.#urls.set(key, url);
    const gone: string[] = [];
    while (this.#urls.size > keep) {
      const [oldest, old] = this.#urls.entries().next().value!;
      gone.push(old);
      this.#urls.delete(oldest);
    }
    if (gone.length > 0) void revokeBlobUrls(gone);
  }
}

export const posters = new Posters();
