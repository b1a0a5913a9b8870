import { proxy, transfer } from 'comlink';
import { isAbortError } from '../lib/errors';
import type { RgbaFrame } from '../lib/media/types';
import type { ClipAlignment, ImageMatchTime, ImageVideoResult } from '../lib/search/alignment';
import type { Video } from '../lib/types';
import { isVideoFile } from '../lib/video-files';
import { frameRoute, newMediaWorker, searchWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { inColourOrder, lookCloser, refineClipStarts, refinedCount, refineMoments } from './refine-moments';
import { settings } from './settings.svelte';

/**
 * Reverse search: an image or a clip in, ranked videos and moments out.
 * `search.byFile(file)` takes a dropped, pasted or picked image or clip; `search.byImage(blob, label)` a frame
 * grabbed elsewhere (the player).
 */

export interface ImageHit {
  video: Video;
  similarity: number;
  /** Best first; `times[0]` is refined to the exact frame once refinement has looked at this video. */
  times: ImageMatchTime[];
  /** Set when refinement has looked at this video: the best time as the index (its sampled frames) answered. */
  sampledTime?: number;
  /** Set when refinement has looked at this video: how far the answer's colours are from the image's (null: too dark). */
  colour?: number | null;
}

export interface ClipHit extends ClipAlignment {
  video: Video;
  /** Where the clip sits in the video: from its first second to its last, inside the video. */
  from: number;
  to: number;
  /** Set once refinement moved the clip's start: the offset the alignment of sampled frames gave. */
  alignedOffset?: number;
}

export interface SearchQuery {
  kind: 'image' | 'clip';
  name: string;
  /** Object URL of the query image (for a clip: of its first usable frame, when there is one). */
  url: string | null;
}

/** Results shown per search. */
const maxVideos = 20;
/** Query clips are sampled this densely (seconds), and at most `maxClipFrames` frames in all. */
const clipStep = 0.25;
const maxClipFrames = 240;
/** Queries so far: each one's clip frames or image fingerprint is kept under its own id in the search worker. */
let queries = 0;

const imageTypes = /^image\//;
const imageExtensions = /\.(png|jpe?g|webp|avif|gif|bmp)$/i;
export const isSearchableImage = (f: File) => imageTypes.test(f.type) || imageExtensions.test(f.name);
export const isSearchableClip = (f: File) => f.type.startsWith('video/') || isVideoFile(f.name);

class SearchState {
  /** The results region is shown. */
  open = $state(false);
  busy = $state(false);
  /** What the user sees about the search: progress, or why there is nothing. */
  message = $state('');
  error = $state(false);
  query = $state<SearchQuery | null>(null);
  imageHits = $state<ImageHit[]>([]);
  clipHits = $state<ClipHit[]>([]);
  /** Time from the query to results, for the status line and the benchmark. */
  elapsedMs = $state(0);
  /** The results are shown and the best moments are being narrowed to the exact frame. */
  refining = $state(false);
  /** The image was found mirrored (a flipped re-upload, a selfie camera's preview): the results say so. */
  mirrored = $state(false);
  /** The search under way: a newer one, or closing, aborts it (and terminates its clip's media worker). */
  #current = new AbortController();
  /** A media worker of its own for query clips, so a dropped clip is sampled at once, not behind indexing. */
  #media = newMediaWorker();

  async byFile(file: File): Promise<void> {
    if (isSearchableImage(file)) return this.byImage(file, file.name);
    if (isSearchableClip(file)) return this.byClip(file);
    this.#start({ kind: 'image', name: file.name, url: null });
    this.#fail(`“${file.name}” is neither an image nor a video, so it cannot be searched for.`);
  }

  /**
   * Shows the index's answer at once, then refines the best moments to the exact frame (see refine-moments.ts);
   * resolves when both are done.
   */
  async byImage(image: Blob, label = 'Frame'): Promise<void> {
    const { signal } = this.#start({ kind: 'image', name: label, url: URL.createObjectURL(image) });
    const started = performance.now();
    const queryId = `q${++queries}`;
    // Refinement decodes on this worker: it loads while the index is searched.
    this.#media.start();
    try {
      this.message = 'Searching your library…';
      const r = await searchWorker.api.searchImage(image, $state.snapshot(settings.search), queryId);
      if (signal.aborted) return;
      if (r.rejected) {
        return this.#fail(
          'This image is too plain to search with (a blank, black or nearly uniform picture matches nothing reliably).',
        );
      }
      const hits: ImageHit[] = [];
      for (const hit of r.results) {
        const video = await this.#visible(hit.videoId);
        if (video) hits.push({ video, similarity: hit.similarity, times: hit.times });
        if (hits.length >= maxVideos) break;
      }
      if (signal.aborted) return;
      // Nothing accepted: the nearest videos may still hold the picture between two sampled frames.
      for (const nearest of hits.length === 0 ? r.closer : []) {
        const closer = await this.#lookCloser(nearest, queryId, signal);
        if (signal.aborted) return;
        if (!closer) continue;
        this.imageHits = [closer];
        this.mirrored = r.mirrored;
        return this.#finish(started, 1);
      }
      this.imageHits = hits;
      this.mirrored = r.mirrored && hits.length > 0;
      this.#finish(started, hits.length);
      this.refining = hits.length > 0;
      const interval = settings.sampling.keyframeInterval;
      await refineMoments(hits, queryId, interval, this.#media, signal, ({ index, moment, sampledTime, colour }) => {
        const hit = this.imageHits[index];
        if (!hit) return;
        // The refined moment is at least as close as the best sampled one was, so it stays first.
        const others = hit.times.slice(1).filter((t) => Math.abs(t.time - moment.time) > 1e-3);
        const times = [moment, ...others];
        const similarity = Math.max(hit.similarity, moment.similarity);
        this.imageHits[index] = { ...hit, times, similarity, sampledTime, colour };
      });
      // Alike in luma is not alike: a refined video whose answer is in other colours goes after those in the image's.
      if (!signal.aborted) this.imageHits = inColourOrder(this.imageHits, refinedCount(hits.map((h) => h.similarity)));
    } catch (err) {
      if (!signal.aborted) this.#fail(messageOf(err, 'The image could not be searched'));
    } finally {
      if (!signal.aborted) this.refining = false;
      // Done or given up: the query's fingerprint and any window frames leave the search worker.
      void searchWorker.api.dropQuery(queryId).catch(() => undefined);
    }
  }

  /**
   * Nothing was accepted, but `nearest` is near enough that the screenshot may lie between two of its sampled frames
   * (fast footage): its frames there are read, and it is the hit when one of them is the picture.
   */
  async #lookCloser(nearest: ImageVideoResult, queryId: string, signal: AbortSignal): Promise<ImageHit | null> {
    const video = await this.#visible(nearest.videoId);
    if (!video || signal.aborted) return null;
    this.message = `Looking closer at “${video.name}”…`;
    const hit = { video, similarity: nearest.similarity, times: nearest.times };
    const interval = settings.sampling.keyframeInterval;
    const found = await lookCloser(hit, queryId, interval, $state.snapshot(settings.search), this.#media, signal);
    if (!found) return null;
    const { moment, sampledTime, colour } = found;
    return { ...hit, similarity: moment.similarity, times: [moment], sampledTime, colour };
  }

  async byClip(file: File): Promise<void> {
    const { signal } = this.#start({ kind: 'clip', name: file.name, url: null });
    const started = performance.now();
    const queryId = `q${++queries}`;
    try {
      this.message = 'Reading the clip…';
      const { probe, tier } = await this.#media.run(signal, (m) => m.probe({ file }));
      const duration = probe.duration;
      const step = Math.max(clipStep, duration / maxClipFrames);
      const plan: { time: number; keyframe: boolean }[] = [];
      for (let t = 0; t < duration; t += step) plan.push({ time: Math.round(t * 1000) / 1000, keyframe: false });
      // The clip's frames go from the media worker straight to the search worker; only counts come here.
      const sink = await frameRoute((port) => searchWorker.api.receiveQueryFrames(queryId, port));
      const onProgress = proxy((done: number) => {
        if (!signal.aborted) this.message = `Sampling the clip: ${done} of ${plan.length} frames…`;
      });
      const sampled = await this.#media.run(signal, (m) =>
        m.sampleFrames(
          transfer({ file, plan, duration, fps: probe.fps, batchSize: 32, prefer: tier, sink }, [sink]),
          onProgress,
        ),
      );
      if (sampled.first && this.query) this.query = { ...this.query, url: await frameUrl(sampled.first) };
      if (signal.aborted) return;
      this.message = 'Aligning the clip with your library…';
      const r = await searchWorker.api.searchClip(queryId, $state.snapshot(settings.search));
      if (signal.aborted) return;
      if (r.usable === 0) return this.#fail('Every frame of this clip is too plain (black or blank) to search with.');
      const hits: ClipHit[] = [];
      for (const hit of r.results) {
        const video = await this.#visible(hit.videoId);
        const to = Math.min(video?.duration ?? Infinity, hit.offset + duration);
        if (video) hits.push({ ...hit, video, from: Math.max(0, hit.offset), to });
        if (hits.length >= maxVideos) break;
      }
      if (signal.aborted) return;
      this.clipHits = hits;
      this.#finish(started, hits.length);
      if (r.anchor === null || hits.length === 0) return;
      // Aligned sampled frames place the clip within a sampling step or so: its first frame places it exactly.
      this.refining = true;
      const interval = settings.sampling.keyframeInterval;
      await refineClipStarts(hits, r.anchor, queryId, interval, this.#media, signal, (index, offset) => {
        const hit = this.clipHits[index];
        if (!hit) return;
        const to = Math.min(hit.video.duration ?? Infinity, offset + duration);
        this.clipHits[index] = { ...hit, offset, from: Math.max(0, offset), to, alignedOffset: hit.offset };
      });
    } catch (err) {
      if (!signal.aborted) this.#fail(messageOf(err, 'The clip could not be searched'));
    } finally {
      if (!signal.aborted) this.refining = false;
      // Done or given up: no sampled frames or first frame are left behind in the search worker.
      void searchWorker.api.dropQuery(queryId).catch(() => undefined);
    }
  }

  /**
   * The best moment of the `index`th image hit may still move to the exact frame: its matched frame waits for it
   * rather than decoding a frame that is replaced a moment later (and that decode slowing refinement down).
   */
  momentPending(index: number): boolean {
    const count = refinedCount(this.imageHits.map((h) => h.similarity));
    return this.refining && index < count && this.imageHits[index]?.sampledTime === undefined;
  }

  close(): void {
    this.#current.abort();
    this.#revoke();
    this.open = false;
    this.busy = false;
    this.refining = false;
    this.query = null;
    this.imageHits = [];
    this.clipHits = [];
    this.message = '';
  }

  #start(query: SearchQuery): AbortController {
    this.#current.abort();
    this.#current = new AbortController();
    this.#revoke();
    this.open = true;
    this.busy = true;
    this.refining = false;
    this.mirrored = false;
    this.error = false;
    this.query = query;
    this.imageHits = [];
    this.clipHits = [];
    return this.#current;
  }

  #finish(started: number, count: number): void {
    this.elapsedMs = Math.round(performance.now() - started);
    this.busy = false;
    this.message =
      count === 0
        ? 'No match in your library. Videos still being indexed become searchable when their frames are sampled.'
        : '';
  }

  #fail(message: string): void {
    this.busy = false;
    this.error = true;
    this.message = message;
  }

  #revoke(): void {
    if (this.query?.url) URL.revokeObjectURL(this.query.url);
  }

  /** The video, unless it was removed from the library or its file is missing. */
  async #visible(videoId: number): Promise<Video | null> {
    const video = await catalog.db.getVideo(videoId);
    return video && !video.missing && video.removedAt === null ? video : null;
  }
}

async function frameUrl(frame: RgbaFrame): Promise<string> {
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(new Uint8ClampedArray(frame.data), frame.width, frame.height), 0, 0);
  return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
}

function messageOf(err: unknown, fallback: string): string {
  if (isAbortError(err)) return 'Search cancelled.';
  const detail = err instanceof Error ? err.message : '';
  return detail ? `${fallback}: ${detail}` : fallback;
}

export const search = new SearchState();
