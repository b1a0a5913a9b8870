import { SvelteMap } from 'svelte/reactivity';
import { catalog } from './catalog.svelte';

/** How many poster object URLs stay alive; older ones are revoked as the list scrolls on. */
const keep = 400;

/**
 * Poster images as object URLs, read from the blob store only for rows on screen. Only found posters are
 * remembered: a video whose poster is not made yet is asked again after the next catalog change.
 */
class Posters {
  #urls = new SvelteMap<string, string>();
  #pending = new Set<string>();
  #missing = new Map<string, number>();

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
    try {
      const [bytes, thumb] = await Promise.all([
        catalog.db.blobRead(`poster-${videoId}`),
        catalog.db.getThumbnail(videoId, 'poster'),
      ]);
      if (!bytes || !thumb) {
        this.#missing.set(key, catalog.revision);
        return;
      }
      this.#urls.set(key, URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: thumb.mime })));
      while (this.#urls.size > keep) {
        const [oldest, url] = this.#urls.entries().next().value!;
        URL.revokeObjectURL(url);
        this.#urls.delete(oldest);
      }
    } catch {
      // A poster that cannot be read shows the placeholder; the list stays usable.
      this.#missing.set(key, catalog.revision);
    } finally {
      this.#pending.delete(key);
    }
  }
}

export const posters = new Posters();
