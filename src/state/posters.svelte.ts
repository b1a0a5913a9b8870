import { SvelteMap } from 'svelte/reactivity';
import { openStoredBlob } from '../workers/media/preview-cache';
import { catalog } from './catalog.svelte';

/** How many poster object URLs stay alive; older ones are revoked as the list scrolls on. */
const keep = 400;
/** Posters read at once; the rest wait in line, and leave it when their card scrolls away. */
const concurrent = 6;

/**
 * Poster images as object URLs, read from the blob store only for rows on screen. Only found posters are
 * remembered: a video whose poster is not made yet is asked again after the next catalog change.
 */
class Posters {
  #urls = new SvelteMap<string, string>();
  #pending = new Set<string>();
  #missing = new Map<string, number>();
  /** Posters cards asked for (`want`), oldest first, not started yet. */
  #queue = new Map<string, number>();
  /** How many cards on screen show each key. */
  #wanted = new Map<string, number>();

  /** The poster URL if it is loaded already; never starts a load (cards ask with `want`). */
  cached(videoId: number, version: number): string | undefined {
    return this.#urls.get(`${videoId}:${version}`);
  }

  /**
   * A card near the screen shows this video: its poster is queued (a few load at a time, the OPFS file read on
   * the page, no copy). Call the returned function when the card leaves: a load not started yet is dropped.
   * Reads `catalog.revision`, so an effect calling it asks again for a poster that was not made yet.
   */
  want(videoId: number, version: number): () => void {
    const key = `${videoId}:${version}`;
    this.#wanted.set(key, (this.#wanted.get(key) ?? 0) + 1);
    const revision = catalog.revision;
    if (!this.#urls.has(key) && !this.#pending.has(key) && this.#missing.get(key) !== revision) {
      this.#queue.set(key, videoId);
      this.#pump();
    }
    return () => {
      const n = (this.#wanted.get(key) ?? 1) - 1;
      if (n > 0) return void this.#wanted.set(key, n);
      this.#wanted.delete(key);
      this.#queue.delete(key);
    };
  }

  #pump(): void {
    for (const [key, videoId] of this.#queue) {
      if (this.#pending.size >= concurrent) return;
      this.#queue.delete(key);
      void this.#load(key, videoId).finally(() => this.#pump());
    }
  }

  /** The poster URL of a video, loading it if needed; undefined until it is there. */
  url(videoId: number, version: number): string | undefined {
    const key = `${videoId}:${version}`;
    const hit = this.#urls.get(key);
    if (hit) return hit;
    if (!this.#pending.has(key) && this.#missing.get(key) !== catalog.revision) void this.#load(key, videoId);
    return undefined;
  }

  async #load(key: string, videoId: number): Promise<void> {
    this.#pending.add(key);
    if (this.#wanted.has(key)) return this.#open(key, videoId);
    try {
      const [bytes, thumb] = await Promise.all([
        catalog.db.blobRead(`poster-${videoId}`),
        catalog.db.getThumbnail(videoId, 'poster'),
      ]);
      if (!bytes || !thumb) {
        this.#missing.set(key, catalog.revision);
        return;
      }
      this.#remember(key, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime }));
    } catch {
      // A poster that cannot be read shows the placeholder; the list stays usable.
      this.#missing.set(key, catalog.revision);
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Reads the poster's OPFS file on the page: a File backed by the disk, so no bytes cross from the worker. */
  async #open(key: string, videoId: number): Promise<void> {
    try {
      const file = await openStoredBlob(`poster-${videoId}`);
      if (file) this.#remember(key, file);
      else this.#missing.set(key, catalog.revision);
    } catch {
      // A poster that cannot be read shows the placeholder; the grid stays usable.
      this.#missing.set(key, catalog.revision);
    } finally {
      this.#pending.delete(key);
    }
  }

  #remember(key: string, blob: Blob): void {
    this.#urls.set(key, URL.createObjectURL(blob));
    while (this.#urls.size > keep) {
      const [oldest, url] = this.#urls.entries().next().value!;
      URL.revokeObjectURL(url);
      this.#urls.delete(oldest);
    }
  }
}

export const posters = new Posters();
