/// <reference lib="webworker" />
import { expose } from 'comlink';
import type { FrameSink, FramePass } from '../lib/media/types';
import { BlobStore } from '../db/blob-store';
import type { RgbaFrame } from '../lib/media/types';
import { alignClip, groupImageResults, type ClipAlignment, type ImageVideoResult } from '../lib/search/alignment';
import { fingerprint, pruneConsecutive, rejectReason } from '../lib/search/fingerprint';
import { FrameIndex, wordsPerFingerprint, type FrameMatch } from '../lib/search/frame-index';
import {
  acceptImageResults,
  distanceFor,
  searchFloor,
  standOutBand,
  type SearchSettings,
} from '../lib/search/settings';
import { findDuplicates, type DuplicateGroup } from './search/duplicates';
import { decodeImage } from './search/decode-image';
import { SegmentStore, type Chunk } from './search/store';

/**
 * The reverse-search worker: fingerprints sampled frames (model-free), keeps every library's fingerprints in
 * one packed in-memory index loaded from the OPFS segment files, and answers image, clip and duplicate queries.
 */

/** Consecutive frames closer than this (bits) add nothing to the index: a still shot keeps one frame. */
const pruneDistance = 8;
/** Nearest frames fetched per query frame before grouping. */
const imageK = 1000;
const clipK = 24;

type Pass = FramePass;
/** A video's frames handed on so far in this session, per pass, by time in ms (a frame seen twice counts once). */
type Pending = Map<Pass, { frames: Map<number, Uint32Array>; rejected: number }>;

let index = new FrameIndex();
let store: Promise<SegmentStore> | undefined;
let loaded: Promise<void> | undefined;
/** The segment files as last loaded (name:size), to notice another tab's writes. */
let loadedSignature = '';
/** Every video's newest chunk, kept for compaction. */
let chunks = new Map<number, Chunk>();
let fileStats = new Map<string, { libraryId: number; size: number; dead: number }>();
const pending = new Map<number, Pending>();
const queryFrames = new Map<string, { time: number; fingerprint: Uint32Array }[]>();

const segments = () => (store ??= BlobStore.open().then((b) => new SegmentStore(b)));

async function signature(): Promise<string> {
  return (await (await segments()).keys()).map((k) => `${k.key}:${k.size}`).join(',');
}

async function load(): Promise<void> {
  const s = await segments();
  const sig = await signature();
  const { latest, files } = await s.load();
  const next = new FrameIndex();
  next.reserve(latest.reduce((n, c) => n + FrameIndex.segmentFrames(c.segment), 0));
  for (const chunk of latest) next.appendSegment(chunk.segment);
  next.trim();
  index = next;
  chunks = new Map(latest.map((c) => [c.videoId, c]));
  fileStats = files;
  loadedSignature = sig;
}

/** Loads the segments once; later calls reload only when the files changed (another tab indexed). */
async function ready(): Promise<void> {
  if (!loaded) loaded = load();
  else {
    await loaded;
    if ((await signature()) !== loadedSignature) loaded = load();
  }
  await loaded;
}

function fingerprintFrames(frames: readonly RgbaFrame[]): { time: number; fingerprint: Uint32Array | null }[] {
  return frames.map((f) => ({ time: f.time, fingerprint: fingerprint(f) }));
}

const api = {
  async open(): Promise<{ frames: number; videos: number }> {
    await ready();
    return { frames: index.size, videos: chunks.size };
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
    for (const { time, fingerprint: f } of fingerprintFrames(frames)) {
      if (f) p.frames.set(Math.round(time * 1000), f);
      else p.rejected++;
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
    await ready();
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
    const segment = one.serialize();
    const s = await segments();
    const key = await s.append(libraryId, videoId, segment);
    const before = chunks.get(videoId);
    if (before) {
      index.remove(videoId);
      const stats = fileStats.get(before.key);
      if (stats) stats.dead += before.segment.byteLength + 8;
    }
    index.appendSegment(segment);
    chunks.set(videoId, { key, libraryId, videoId, segment });
    loadedSignature = await signature();
    p?.delete(pass);
    if (pass === 'interval') pending.delete(videoId);
    return { frames: keep.length, rejected };
  },

  /**
   * Rewrites segment files that are mostly dead weight: superseded chunks, and videos not in `liveVideoIds`
   * (removed from the catalog). Missing files keep their fingerprints: they may come back.
   */
  async compact(liveVideoIds: number[]): Promise<{ rewritten: number; droppedVideos: number }> {
    await ready();
    const live = new Set(liveVideoIds);
    let droppedVideos = 0;
    for (const [id, chunk] of chunks) {
      if (live.has(id)) continue;
      chunks.delete(id);
      index.remove(id);
      droppedVideos++;
      const stats = fileStats.get(chunk.key);
      if (stats) stats.dead += chunk.segment.byteLength + 8;
    }
    index.compact();
    const s = await segments();
    let rewritten = 0;
    for (const [key, stats] of fileStats) {
      if (stats.dead === 0 || stats.dead < stats.size / 4) continue;
      const keep = [...chunks.values()].filter((c) => c.key === key);
      await s.rewrite(key, keep);
      const size = keep.reduce((n, c) => n + c.segment.byteLength + 8, 0);
      fileStats.set(key, { libraryId: stats.libraryId, size, dead: 0 });
      rewritten++;
    }
    loadedSignature = await signature();
    return { rewritten, droppedVideos };
  },

  async dropLibrary(libraryId: number): Promise<void> {
    await ready();
    for (const [id, chunk] of chunks) {
      if (chunk.libraryId !== libraryId) continue;
      chunks.delete(id);
      index.remove(id);
    }
    index.compact();
    await (await segments()).dropLibrary(libraryId);
    for (const [key, stats] of fileStats) if (stats.libraryId === libraryId) fileStats.delete(key);
    loadedSignature = await signature();
  },

  /** Nearest moments to one image, grouped per video; `rejected` says why an image cannot be searched. */
  async searchImage(
    image: Blob,
    settings: SearchSettings,
  ): Promise<{ results: ImageVideoResult[]; rejected: 'flat' | 'smooth' | null; ms: number }> {
    const started = performance.now();
    const frame = await decodeImage(image);
    await ready();
    const f = fingerprint(frame);
    if (!f) return { results: [], rejected: rejectReason(frame) ?? 'flat', ms: performance.now() - started };
    // Fetched well below the threshold, so the next video's score is known when judging a weaker best match.
    const matches = index.search(f, { k: imageK, maxDistance: distanceFor(searchFloor) });
    const results = acceptImageResults(groupImageResults(matches), settings);
    return { results, rejected: null, ms: performance.now() - started };
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
  },

  /** Where the clip's frames align in each video, ranked by aligned matching frames. */
  async searchClip(queryId: string, settings: SearchSettings): Promise<{ results: ClipAlignment[]; usable: number }> {
    const frames = queryFrames.get(queryId) ?? [];
    queryFrames.delete(queryId);
    await ready();
    const matches = index.searchMany(
      frames.map((f) => f.fingerprint),
      { k: clipK, maxDistance: distanceFor(settings.similarityThreshold - standOutBand / 2) },
    );
    const results = alignClip(
      frames.map((f, i) => ({ queryTime: f.time, matches: matches[i] })),
      { minMatches: settings.minMatches },
    );
    return { results, usable: frames.length };
  },

  async duplicates(settings: SearchSettings, exclude: number[] = []): Promise<DuplicateGroup[]> {
    await ready();
    return findDuplicates(index, settings, new Set(exclude));
  },

  async stats(): Promise<{ frames: number; videos: number; bytesPerFrame: number }> {
    await ready();
    return { frames: index.size, videos: chunks.size, bytesPerFrame: index.bytesPerFrame };
  },
};

export type SearchApi = typeof api;
expose(api);
