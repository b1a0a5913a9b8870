import { expose } from 'comlink';
import type { FramePass, FrameSink, RgbaFrame } from '../../lib/media/types';
import { alignClip, groupImageResults, type ClipAlignment, type ImageVideoResult } from '../../lib/search/alignment';
import { fingerprint, fingerprintCoefficients, pruneConsecutive } from '../../lib/search/fingerprint';
import { textureFingerprint } from '../../lib/search/texture';
import { FrameIndex, wordsPerFingerprint, type FrameMatch } from '../../lib/search/frame-index';
import {
  acceptImageResults,
  closerLook,
  distanceFor,
  maxDistanceOf,
  searchFloor,
  standOutBand,
  type SearchSettings,
} from '../../lib/search/settings';
import { findDuplicatesExhaustive } from '../../lib/search/duplicates/exact';
import { SegmentLibrary, type SegmentHooks, type StoredBytes } from '../segments/library';
import { SegmentStore, type Blobs } from '../segments/store';
import { fingerprintCodec } from './codec';
import { decodeImage } from './decode-image';
import { KeptDuplicates, type DuplicateGroup, type DuplicatesProgress } from './duplicates';
import { imageK, matchImage } from './image-query';
import { MomentQueries } from './moments';
import { queryPicture, type QueryPicture } from '../../lib/search/picture-align';

/**
 * The reverse-search worker's calls (search.worker.ts exposes them; unit tests call them directly): fingerprints
 * sampled frames (model-free), keeps every library's fingerprints in one packed in-memory index loaded from the
 * segment files, and answers image, clip and duplicate queries.
 */

/** Consecutive frames closer than this (bits) add nothing to the index: a still shot keeps one frame. */
const pruneDistance = 8;
/** Nearest frames fetched per query frame before grouping. */
const clipK = 24;

type Pass = FramePass;
/** A video's frames handed on so far in this session, per pass, by time in ms (a frame seen twice counts once). */
type Pending = Map<Pass, { frames: Map<number, Uint32Array>; rejected: number }>;

/** Each frame's fingerprint, or its texture code for a texture patch (lib/search/texture.ts); null when it has none. */
function fingerprintFrames(
  frames: readonly RgbaFrame[],
): { time: number; fingerprint: Uint32Array | null; texture: boolean }[] {
  return frames.map((f) => ({
    time: f.time,
    fingerprint: f.texture ? textureFingerprint(f) : fingerprint(f),
    texture: f.texture === true,
  }));
}

/** The worker's API over the blob store `openBlobs` gives (OPFS in the browser, a Map in unit tests). */
export function searchApi(openBlobs: () => Promise<Blobs>) {
  let index = new FrameIndex();
  /** The stored segments; the frame index follows every change to them. */
  let library: Promise<SegmentLibrary<ArrayBuffer>> | undefined;
  const pending = new Map<number, Pending>();
  const queryFrames = new Map<string, { time: number; fingerprint: Uint32Array }[]>();
  /** Per query clip, its first searchable frame: the clip's start is refined to the exact frame with it. */
  const clipAnchors = new Map<string, { time: number; coefficients: Float64Array; picture: QueryPicture }>();
  const moments = new MomentQueries();
  const duplicates = new KeptDuplicates();

  const hooks: SegmentHooks<ArrayBuffer> = {
    loaded(latest) {
      const next = new FrameIndex();
      next.reserve(latest.reduce((n, c) => n + FrameIndex.segmentFrames(c.value), 0));
      for (const chunk of latest) next.appendSegment(chunk.value);
      next.trim();
      index = next;
      duplicates.reset();
    },
    stored(chunk, before) {
      if (before) index.remove(chunk.videoId);
      index.appendSegment(chunk.value);
      duplicates.changed([chunk.videoId]);
    },
    dropped(chunks) {
      for (const c of chunks) index.remove(c.videoId);
      index.compact();
      duplicates.changed(chunks.map((c) => c.videoId));
    },
  };

  /** The segments, loaded; reloaded first when another tab changed the files. */
  async function ready(): Promise<SegmentLibrary<ArrayBuffer>> {
    library ??= openBlobs().then((b) => new SegmentLibrary(new SegmentStore(b, fingerprintCodec), hooks));
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  const api = {
    async open(): Promise<{ frames: number; videos: number }> {
      const l = await ready();
      return { frames: index.size, videos: l.size };
    },

    /** A stage starts handing on a pass of a video's frames: earlier frames of that pass are forgotten. */
    begin(videoId: number, pass: Pass): void {
      const p: Pending = pending.get(videoId) ?? new Map();
      p.set(pass, { frames: new Map(), rejected: 0 });
      pending.set(videoId, p);
    },

    addFrames(videoId: number, pass: Pass, frames: RgbaFrame[]): void {
      if (!pending.get(videoId)?.has(pass)) api.begin(videoId, pass);
      const p = pending.get(videoId)!.get(pass)!;
      for (const { time, fingerprint: f, texture } of fingerprintFrames(frames)) {
        // A texture code is kept a millisecond after its frame's time, so the frame keeps its layout code too.
        if (f) p.frames.set(Math.round(time * 1000) + (texture ? 1 : 0), f);
        else if (!texture) p.rejected++;
      }
    },

    /** A frame route from a media worker: what arrives on `port` is fingerprinted as `pass` of the video. */
    receiveFrames(videoId: number, pass: Pass, port: MessagePort): void {
      const sink: FrameSink = { frames: async (frames) => api.addFrames(videoId, pass, frames) };
      expose(sink, port);
    },

    /**
     * Stores a video's fingerprints after a stage handed on `pass`: the key frames (scenes stage) replace whatever
     * the video had; the dense samples (frames stage) join the key frames, from this session or as stored.
     */
    async commit(videoId: number, libraryId: number, pass: Pass): Promise<{ frames: number; rejected: number }> {
      const l = await ready();
      const p = pending.get(videoId);
      const byTime = new Map<number, Uint32Array>();
      if (pass === 'interval') {
        const stored = index.framesOf(videoId);
        stored.times.forEach((t, i) => byTime.set(Math.round(t * 1000), stored.fingerprints[i]));
      }
      let rejected = 0;
      for (const x of pass === 'interval' ? (['keyframes', 'interval'] as const) : [pass]) {
        const handed = p?.get(x);
        if (!handed) continue;
        for (const [t, f] of handed.frames) byTime.set(t, f);
        rejected += handed.rejected;
      }
      const entries = [...byTime.entries()].sort((a, b) => a[0] - b[0]);
      const keep = pruneConsecutive(
        entries.map((e) => e[1]),
        pruneDistance,
      );
      const one = new FrameIndex();
      const packed = new Uint32Array(keep.length * wordsPerFingerprint);
      keep.forEach((i, n) => packed.set(entries[i][1], n * wordsPerFingerprint));
      one.append(
        packed,
        videoId,
        keep.map((i) => entries[i][0] / 1000),
      );
      await l.commit(libraryId, videoId, one.serialize());
      p?.delete(pass);
      if (pass === 'interval') pending.delete(videoId);
      duplicates.catchUp(() => index);
      return { frames: keep.length, rejected };
    },

    /**
     * Rewrites segment files that are mostly dead weight: superseded chunks, and videos not in `liveVideoIds`
     * (removed from the catalog). Missing files keep their fingerprints: they may come back.
     */
    async compact(liveVideoIds: number[]): Promise<{ rewritten: number; droppedVideos: number }> {
      const result = await (await ready()).compact(liveVideoIds);
      index.compact(); // also closes the gaps re-indexed videos left
      return result;
    },

    async dropLibrary(libraryId: number): Promise<void> {
      await (await ready()).dropLibrary(libraryId);
    },

    /**
     * Nearest moments to one image, grouped per video; `rejected` says why an image cannot be searched. With a
     * `queryId`, the image's fingerprint is kept under it for moment refinement until `dropQuery(queryId)`.
     */
    async searchImage(
      image: Blob,
      settings: SearchSettings,
      queryId?: string,
    ): Promise<{
      results: ImageVideoResult[];
      /** With no results: the nearest videos near enough to be worth a closer look (`closerLook`). */
      closer: ImageVideoResult[];
      rejected: 'flat' | 'smooth' | null;
      /** The image matched best mirrored (the results say so when there are any). */
      mirrored: boolean;
      ms: number;
    }> {
      const started = performance.now();
      const frame = await decodeImage(image, true);
      await ready();
      const found = matchImage(index, frame, frame.patch, maxDistanceOf(settings));
      // Refinement compares window frames with the query the way the best match was found.
      if (queryId !== undefined && found.coefficients)
        moments.keep(queryId, found.coefficients, () => queryPicture(frame, found.mirrored));
      const grouped = groupImageResults(found.matches);
      const results = acceptImageResults(grouped, settings);
      const closer = results.length === 0 ? closerLook(grouped) : [];
      return { results, closer, rejected: found.rejected, mirrored: found.mirrored, ms: performance.now() - started };
    },

    /** The nearest frames to raw fingerprints, each query alone and fetched as an image query is, with the time taken. */
    async searchFingerprints(
      queries: Uint32Array[],
      settings: SearchSettings,
      k = imageK,
    ): Promise<{ matches: FrameMatch[][]; ms: number[] }> {
      await ready();
      const ms: number[] = [];
      const matches = queries.map((q) => {
        const started = performance.now();
        const found = index.search(q, { k, maxDistance: distanceFor(searchFloor) });
        ms.push(performance.now() - started);
        return found;
      });
      return { matches, ms };
    },

    /** A frame route for a query clip: what arrives on `port` joins the query's frames. */
    receiveQueryFrames(queryId: string, port: MessagePort): void {
      const sink: FrameSink = { frames: async (frames) => api.addQueryFrames(queryId, frames) };
      expose(sink, port);
    },

    /** Frames of a query clip, handed on in batches while it is sampled. */
    addQueryFrames(queryId: string, frames: RgbaFrame[]): void {
      const list = queryFrames.get(queryId) ?? [];
      for (const { time, fingerprint: f } of fingerprintFrames(frames)) if (f) list.push({ time, fingerprint: f });
      queryFrames.set(queryId, list);
      if (clipAnchors.has(queryId)) return;
      for (const frame of frames) {
        const coefficients = frame.texture ? null : fingerprintCoefficients(frame);
        if (!coefficients) continue;
        clipAnchors.set(queryId, { time: frame.time, coefficients, picture: queryPicture(frame, false) });
        break;
      }
    },

    /** A frame route for the window around a query image's rough moment in one video (moment refinement). */
    receiveMomentFrames(queryId: string, videoId: number, port: MessagePort): void {
      moments.receive(queryId, videoId, port);
    },

    /** The sampled moments of a video whose windows refinement reads, for a query image kept under `queryId`. */
    async refinementMoments(queryId: string, videoId: number, count: number, interval: number) {
      await ready();
      // The query's picture is made once these are answered, while the page has their windows decoded.
      setTimeout(() => moments.prepare(queryId), 0);
      return moments.candidates(queryId, index.framesOf(videoId), count, interval);
    },

    /**
     * The query image's exact moment in a video, from the window frames routed here: the closest frame, and only
     * when it is at least as close as the sampled moment (`sampled.distance`, bits); null once the query was dropped.
     */
    refineMoment(queryId: string, videoId: number, sampled: { time: number; distance: number }) {
      return moments.pick(queryId, videoId, sampled);
    },

    /** The same, from frames read closer when `refineMoment` asked for them (a cropped screenshot). */
    refineMomentCloser(queryId: string, videoId: number, sampled: { time: number; distance: number }) {
      return moments.pickCloser(queryId, videoId, sampled);
    },

    /** Forgets what a query left here: a clip's frames, an image's fingerprint (its search is done or cancelled). */
    dropQuery(queryId: string): void {
      queryFrames.delete(queryId);
      clipAnchors.delete(queryId);
      moments.drop(queryId);
    },

    /** Queries still kept (none once every search has finished or been cancelled). */
    keptQueries(): number {
      return queryFrames.size + clipAnchors.size + moments.size;
    },

    /**
     * Where the clip's frames align in each video, ranked by aligned matching frames. The clip's first searchable
     * frame is then kept under `queryId` as an image query is (until `dropQuery`), and `anchor` says where in the
     * clip it is: refinement finds that frame in each video to place the clip's start exactly.
     */
    async searchClip(
      queryId: string,
      settings: SearchSettings,
    ): Promise<{ results: ClipAlignment[]; usable: number; anchor: number | null }> {
      const frames = queryFrames.get(queryId) ?? [];
      queryFrames.delete(queryId);
      const anchor = clipAnchors.get(queryId);
      clipAnchors.delete(queryId);
      if (anchor) moments.keep(queryId, anchor.coefficients, () => anchor.picture);
      await ready();
      const matches = index.searchMany(
        frames.map((f) => f.fingerprint),
        { k: clipK, maxDistance: distanceFor(settings.similarityThreshold - standOutBand / 2) },
      );
      const results = alignClip(
        frames.map((f, i) => ({ queryTime: f.time, matches: matches[i] })),
        { minMatches: settings.minMatches },
      );
      return { results, usable: frames.length, anchor: anchor?.time ?? null };
    },

    /**
     * Groups of videos that share footage. The first call compares every video; later calls only what changed since
     * (new videos are also compared soon after they are stored). `onProgress` hears how many videos are compared.
     */
    async duplicates(
      settings: SearchSettings,
      exclude: number[] = [],
      onProgress?: (p: DuplicatesProgress) => void,
    ): Promise<DuplicateGroup[]> {
      await ready();
      return duplicates.run(index, settings, exclude, onProgress);
    },

    /** The exhaustive duplicates scan the candidate index is measured against (bench:duplicates; quadratic). */
    async duplicatesExhaustive(settings: SearchSettings): Promise<DuplicateGroup[]> {
      await ready();
      return findDuplicatesExhaustive(index, {
        maxDistance: maxDistanceOf(settings),
        minFrames: Math.max(3, settings.minMatches),
      });
    },

    /** Stops a duplicates run between two slices (it rejects with AbortError); what was compared is kept. */
    cancelDuplicates(): void {
      duplicates.cancel();
    },

    /**
     * Drops fingerprint chunks cut short from their files (writer tab only): `damaged` are the videos they belonged
     * to, `indexed` every video with stored fingerprints.
     */
    async repair(): Promise<{ indexed: number[]; damaged: number[] }> {
      const l = await ready();
      const damaged = await l.repair();
      return { indexed: [...l.chunks()].map((c) => c.videoId), damaged };
    },

    /** A video's fingerprints as the index keeps them (a still stretch keeps its first frame), by time. */
    async framesOf(videoId: number): Promise<{ times: number[]; fingerprints: Uint32Array[] }> {
      await ready();
      const { times, fingerprints } = index.framesOf(videoId);
      return { times, fingerprints: fingerprints.map((f) => f.slice()) };
    },

    async stats(): Promise<{ frames: number; videos: number; bytesPerFrame: number; stored: StoredBytes }> {
      const l = await ready();
      return { frames: index.size, videos: l.size, bytesPerFrame: index.bytesPerFrame, stored: await l.stored() };
    },
  };
  return api;
}
