import { transfer } from 'comlink';
import { isAbortError } from '../lib/errors';
import { frameLength, momentWindow, refinementTimes, type SampledMoment } from '../lib/search/moment';
import { closerLookAccepts, searchFloor, type SearchSettings } from '../lib/search/settings';
import { refinedAmong } from '../lib/search/copies';
import { colourOrder } from '../lib/search/picture-colour';
import { fingerprintBits } from '../lib/search/fingerprint';
import type { ImageMatchTime } from '../lib/search/alignment';
import type { Video } from '../lib/types';
import { frameRoute, searchWorker, type WorkerBridge } from '../workers/bridge';
import { openFile } from '../workers/folder-files';
import type { MediaApi } from '../workers/media.worker';
import { searchFrameSide } from '../workers/media/stage-ops';
import { imports } from './import.svelte';

/**
 * Moment refinement for search by image (issue 11): the index answers with its nearest sampled frame, up to half a
 * sampling interval off. For the best few videos, every frame in a window around that moment is decoded (at the
 * size the index's frames have, on the tier that indexed the video) and routed straight from the media worker to
 * the search worker, which compares each with the query image kept under `queryId` and answers with the closest.
 */

/** Videos refined per search: the ones a user looks at first. Each costs one short decode. */
export const refinedVideos = 3;
/**
 * Copies as well matched as the first video are refined too (each shows its moment), up to this many videos. At 8,
 * the ninth of media-dev's nine copies of one clip was shown at its sampled moment, half a second off, beside copies
 * shown at the right frame; refinement runs after the results are shown, best first, so more copies cost no wait.
 */
const maxRefinedVideos = 16;

/** How many of the hits (their similarities, best first) refinement looks at (see `refinedAmong`). */
export const refinedCount = (similarities: readonly number[]) =>
  refinedAmong(similarities, refinedVideos, maxRefinedVideos);

/** The first `refined` hits in `colourOrder` (those in the image's colours first), the rest as they were. */
export function inColourOrder<T extends { colour?: number | null }>(hits: T[], refined: number): T[] {
  const order = colourOrder(hits.slice(0, refined).map((h) => h.colour));
  if (order.every((i, k) => i === k)) return hits;
  return [...order.map((i) => hits[i]), ...hits.slice(refined)];
}

/** Sampled moments of a video whose windows are read: its best and the next best (a loop's repeats, a copy). */
const momentsPerVideo = 3;
/** Frames decoded per window at most: ±0.5 s at 60 fps. */
const maxWindowFrames = 61;
/**
 * Seconds a window reaches each side at most, over frames the index pruned as near-identical; such a window is
 * stepped through first and then read frame by frame around its best frame.
 */
const maxReach = 3;
/** Frames handed on together: a window is one or two batches. */
const batchSize = 32;
/** A window decode this slow (ffmpeg.wasm on a huge file) is stopped and the sampled moment kept. */
const windowLimitMs = 15_000;

export interface RefinedMoment {
  /** The hit's rank among those refined. */
  index: number;
  /** The moment to show, and how close its frame is. */
  moment: ImageMatchTime;
  /** The time the index answered with. */
  sampledTime: number;
  /** The window held a closer frame than the sampled one. */
  moved: boolean;
  /** How far the answer's colours are from the screenshot's (see picture-colour.ts); null or absent: not told. */
  colour?: number | null;
}

/**
 * Refines the best moment of the first `refinedCount` hits, one video after another (best first, so the top result
 * lands first), telling `onRefined` as each lands. A video whose folder is not connected, or whose file is gone or
 * cannot be decoded, keeps its sampled moment without a word: refinement is an improvement, never a new failure.
 * Aborting `signal` stops the decode at once (the media worker is terminated).
 */
export async function refineMoments(
  hits: readonly { video: Video; similarity: number; times: readonly ImageMatchTime[] }[],
  queryId: string,
  interval: number,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
  onRefined: (refined: RefinedMoment) => void,
): Promise<void> {
  const count = refinedCount(hits.map((h) => h.similarity));
  for (const [index, hit] of hits.slice(0, count).entries()) {
    if (signal.aborted) return;
    const sampled = hit.times[0];
    if (!sampled) continue;
    const moments = await searchWorker.api.refinementMoments(queryId, hit.video.id, momentsPerVideo, interval);
    if (moments.length === 0 || signal.aborted) continue;
    const picked = await refineAround(hit.video, moments, interval, queryId, sampled, media, signal);
    if (signal.aborted) return;
    if (!picked) continue;
    onRefined({
      index,
      moment: { time: picked.time, similarity: picked.similarity },
      sampledTime: sampled.time,
      moved: Math.abs(picked.time - sampled.time) > 1e-3,
      colour: picked.colour,
    });
  }
}

/**
 * A closer look at one of the nearest videos when no video was accepted (see `closerLook`): its windows are read as
 * for refinement, and the frame found is the answer when `closerLookAccepts` it; else null (nothing there, or the
 * search is gone).
 */
export async function lookCloser(
  hit: { video: Video; times: readonly ImageMatchTime[] },
  queryId: string,
  interval: number,
  settings: SearchSettings,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
): Promise<Omit<RefinedMoment, 'index'> | null> {
  const sampled = hit.times[0];
  if (!sampled) return null;
  const moments = await searchWorker.api.refinementMoments(queryId, hit.video.id, momentsPerVideo, interval);
  if (moments.length === 0 || signal.aborted) return null;
  const picked = await refineAround(hit.video, moments, interval, queryId, sampled, media, signal);
  if (!picked || signal.aborted || !closerLookAccepts(picked, settings)) return null;
  const moment = { time: picked.time, similarity: picked.similarity };
  return { moment, sampledTime: sampled.time, moved: picked.moved, colour: picked.colour };
}

/**
 * A window's answer: its moment, whether it moved, its picture score when frames were scored, and which frames to
 * read closer (see `RefinedPick`).
 */
type Picked = ImageMatchTime & {
  moved: boolean;
  score?: number;
  colour?: number | null;
  closer?: { times: number[]; side: number };
};

/** Seconds either side of where the clip's frames aligned that its start is looked for. */
const clipReach = 1;
/**
 * The picture score (correlation, see picture-align.ts) the clip's first frame must reach on a video's frame for
 * the clip's start to move there: below it, no frame read was that picture, and the alignment stands.
 */
const clipFrameScore = 0.8;

/**
 * Moves the start of the first `refinedVideos` clip hits to the exact frame: the clip's `anchor` frame (seconds into
 * the clip, kept in the search worker under `queryId`) is looked for around where the alignment put it in each
 * video and around the video's sampled frames closest to it (an alignment over a long still stretch can be a second
 * or more off), and `onRefined` hears the hit's new offset (the video's time at the clip's 0). Among equally close
 * frames the one nearest the alignment wins. As for images, a video that cannot be read keeps its aligned start.
 */
export async function refineClipStarts(
  hits: readonly { video: Video; offset: number }[],
  anchor: number,
  queryId: string,
  interval: number,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
  onRefined: (index: number, offset: number) => void,
): Promise<void> {
  for (const [index, hit] of hits.slice(0, refinedVideos).entries()) {
    if (signal.aborted) return;
    const time = hit.offset + anchor;
    const aligned = { time, kept: { before: time - clipReach, after: time + clipReach } };
    const near = await searchWorker.api.refinementMoments(queryId, hit.video.id, momentsPerVideo, interval);
    if (signal.aborted) return;
    const moments = [aligned, ...near.filter((m) => Math.abs(m.time - time) > clipReach)];
    // Aligned, not matched one frame to one: any frame read may be closer in bits.
    const start = { time, similarity: searchFloor };
    const picked = await refineAround(hit.video, moments, interval, queryId, start, media, signal);
    if (signal.aborted) return;
    if (picked?.moved && (picked.score ?? 0) >= clipFrameScore) onRefined(index, picked.time - anchor);
  }
}

/**
 * Reads the windows around `moments` of one video and answers its closest frame to the query (never worse than
 * `sampled`), or null when the video's file cannot be opened or the search is gone. A window stepped over a long
 * pruned stretch found the neighbourhood: it is then read frame by frame around its pick.
 */
async function refineAround(
  video: Video,
  moments: readonly SampledMoment[],
  interval: number,
  queryId: string,
  sampled: ImageMatchTime,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
): Promise<Picked | null> {
  const file = await fileOf(video);
  if (!file || signal.aborted) return null;
  const duration = video.duration ?? 0;
  const o = { interval, duration, maxReach, fps: video.fps, maxFrames: maxWindowFrames };
  const { times, step } = refinementTimes(moments, o);
  const picked = await refineIn(file, video, times, queryId, sampled, media, signal);
  if (!picked || signal.aborted) return picked;
  let found = picked;
  // A window stepped over a pruned stretch is read frame by frame around its pick; not when the pick asked for a
  // closer look: that reads the frames it names larger, and a finer window would narrow them to its own few.
  if (picked.moved && step > 1.5 * frameLength(video.fps) && !picked.closer) {
    const fine = { before: step, after: step, fps: video.fps, duration, maxFrames: maxWindowFrames };
    const finer = await refineIn(file, video, momentWindow(picked.time, fine), queryId, picked, media, signal);
    if (signal.aborted) return null;
    if (finer) found = { ...finer, colour: finer.colour ?? picked.colour };
  }
  // A cropped screenshot: the frames the pick names are read again, larger, and the crop placed on each.
  if (found.closer) {
    const { times: near, side } = found.closer;
    const closer = await refineIn(file, video, near, queryId, found, media, signal, side);
    if (signal.aborted) return null;
    if (closer) found = closer;
  }
  return { ...found, moved: Math.abs(found.time - sampled.time) > 1e-3 };
}

/**
 * Decodes `times` of one video straight to the search worker and asks it for the closest frame, never worse than
 * `best`; null once the search is gone. Whatever frames arrived before a failed or slow decode still count. With
 * `closerSide`, the frames are read at that size for the search worker's closer look (`refineMomentCloser`).
 */
async function refineIn(
  file: File,
  video: Video,
  times: number[],
  queryId: string,
  best: ImageMatchTime,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
  closerSide?: number,
): Promise<Picked | null> {
  try {
    const sink = await frameRoute((port) => searchWorker.api.receiveMomentFrames(queryId, video.id, port));
    const call = {
      file,
      times,
      duration: video.duration ?? 0,
      maxSide: closerSide ?? searchFrameSide,
      batchSize,
      prefer: video.tier ?? undefined,
      sink,
    };
    await media.run(signal, (m) => m.decodeFrames(transfer(call, [sink])), {
      ms: windowLimitMs,
      what: 'Finding the exact frame',
    });
  } catch (err) {
    if (isAbortError(err) || signal.aborted) return null;
    console.warn(`Could not refine the moment in ${video.name}:`, err);
  }
  const distance = Math.round((1 - best.similarity) * fingerprintBits);
  const sampled = { time: best.time, distance };
  const picked = await (closerSide
    ? searchWorker.api.refineMomentCloser(queryId, video.id, sampled)
    : searchWorker.api.refineMoment(queryId, video.id, sampled));
  if (!picked || signal.aborted) return null;
  const similarity = 1 - picked.distance / fingerprintBits;
  const { time, moved, score, colour, closer } = picked;
  return { time, similarity, moved, score, colour, closer };
}

/** The video's file from its connected folder, or null (not connected, moved, deleted). */
async function fileOf(video: Video): Promise<File | null> {
  const source = imports.sourceOf(video.libraryId);
  if (!source) return null;
  try {
    return await openFile(source, video.path);
  } catch {
    return null; // a file gone since indexing keeps its sampled moment; the library shows it missing after a rescan
  }
}
