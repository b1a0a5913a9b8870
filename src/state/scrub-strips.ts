import { blobUrls, revokeBlobUrls } from '../workers/blob-files';
import { catalog } from './catalog.svelte';

/** A video's scrub strip: `frameCount` frames of `width` × `height` side by side in one image. */
export interface ScrubStrip {
  url: string;
  frameCount: number;
  width: number;
  height: number;
}

/** Strips kept as object URLs; the oldest is let go past this many. */
const keep = 60;
const strips = new Map<string, Promise<ScrubStrip | null>>();

/**
 * The scrub strip of a video, read when the pointer first rests on its card (never before: most cards are never
 * hovered). Null when it is not made yet; asked again on a later hover then.
 */
export function scrubStrip(videoId: number, version: number): Promise<ScrubStrip | null> {
  const key = `${videoId}:${version}`;
  let strip = strips.get(key);
  if (!strip) {
    strip = load(videoId);
    strips.set(key, strip);
    void strip.then((s) => s ?? strips.delete(key)).catch(() => strips.delete(key));
    while (strips.size > keep) {
      const [oldest, gone] = strips.entries().next().value!;
      strips.delete(oldest);
      void gone.then((s) => s && revokeBlobUrls([s.url])).catch(() => undefined);
    }
  }
  return strip;
}

async function load(videoId: number): Promise<ScrubStrip | null> {
  const thumb = await catalog.db.getThumbnail(videoId, 'strip');
  if (!thumb || thumb.frameCount < 1) return null;
  const [url] = await blobUrls([thumb.blobKey]);
  if (!url) return null;
  return { url, frameCount: thumb.frameCount, width: thumb.width, height: thumb.height };
}
