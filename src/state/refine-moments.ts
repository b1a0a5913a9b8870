import { transfer } from 'comlink';
import { isAbortError } from '../lib/errors';
import { momentWindow } from '../lib/search/moment';
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
/** Frames decoded per video at most: ±0.5 s at 60 fps. */
const maxWindowFrames = 61;
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
}

/**
 * Refines the best moment of the first `refinedVideos` hits, one video after another (best first, so the top result
 * lands first), telling `onRefined` as each lands. A video whose folder is not connected, or whose file is gone or
 * cannot be decoded, keeps its sampled moment without a word: refinement is an improvement, never a new failure.
 * Aborting `signal` stops the decode at once (the media worker is terminated).
 */
export async function refineMoments(
  hits: readonly { video: Video; times: readonly ImageMatchTime[] }[],
  queryId: string,
  reach: number,
  media: WorkerBridge<MediaApi>,
  signal: AbortSignal,
  onRefined: (refined: RefinedMoment) => void,
): Promise<void> {
  for (const [index, hit] of hits.slice(0, refinedVideos).entries()) {
    if (signal.aborted) return;
    const sampled = hit.times[0];
    if (!sampled) continue;
    const file = await fileOf(hit.video);
    if (!file || signal.aborted) continue;
    const times = momentWindow(sampled.time, {
      reach,
      fps: hit.video.fps,
      duration: hit.video.duration ?? 0,
      maxFrames: maxWindowFrames,
    });
    try {
      const sink = await frameRoute((port) => searchWorker.api.receiveMomentFrames(queryId, hit.video.id, port));
      const call = {
        file,
        times,
        duration: hit.video.duration ?? 0,
        maxSide: searchFrameSide,
        batchSize,
        prefer: hit.video.tier ?? undefined,
        sink,
      };
      await media.run(signal, (m) => m.decodeFrames(transfer(call, [sink])), {
        ms: windowLimitMs,
        what: 'Finding the exact frame',
      });
    } catch (err) {
      if (isAbortError(err) || signal.aborted) return;
      // Whatever frames arrived before the failure still count below.
      console.warn(`Could not refine the moment in ${hit.video.name}:`, err);
    }
    const distance = Math.round((1 - sampled.similarity) * fingerprintBits);
    const picked = await searchWorker.api.refineMoment(queryId, hit.video.id, { time: sampled.time, distance });
    if (!picked || signal.aborted) return;
    onRefined({
      index,
      moment: { time: picked.time, similarity: 1 - picked.distance / fingerprintBits },
      sampledTime: sampled.time,
      moved: picked.moved,
    });
  }
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
