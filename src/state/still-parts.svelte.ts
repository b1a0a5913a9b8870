import { planCutOuts } from '../lib/clips/cut-out';
import type { ClipRange } from '../lib/clips/range';
import { defaultStillSeconds, samplesOf, stillDistance, stillRanges } from '../lib/clips/still';
import type { Video } from '../lib/types';
import { searchWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { clips } from './clips.svelte';

/** What "Remove still parts" would remove from a video, shown before anything is cut. */
export interface StillPreview {
  videoId: number;
  minSeconds: number;
  /** Where the picture stands still, from the sampled frames. */
  still: ClipRange[];
  /**
   * Where a copy would cut each, on the key frames the pipeline found (the job plans again on the file's own);
   * null: nowhere, it has no key frame inside.
   */
  cuts: (ClipRange | null)[];
}

/**
 * Where the picture of a video stays the same for at least `minSeconds`, from the frames the pipeline sampled and
 * fingerprinted, and its key frames as the pipeline found them; null when its frames are not sampled yet.
 */
export async function findStill(
  videoId: number,
  duration: number,
  minSeconds: number,
): Promise<{ still: ClipRange[]; keyframes: number[] } | null> {
  const [frames, kept] = await Promise.all([catalog.db.listFrames(videoId), searchWorker.api.framesOf(videoId)]);
  if (kept.times.length === 0) return null;
  const samples = samplesOf(
    frames.map((f) => f.time),
    kept,
  );
  return {
    still: stillRanges(samples, duration, { minSeconds, maxDistance: stillDistance }),
    keyframes: frames.filter((f) => f.keyframe).map((f) => f.time),
  };
}

/**
 * Remove still parts (issue 14): finds them from the frames the pipeline sampled and fingerprinted, shows them (the
 * list, and on the timeline), and only on the user's word starts the cut-out job that removes them all.
 */
class StillPartsState {
  minSeconds = $state(defaultStillSeconds);
  preview = $state.raw<StillPreview | null>(null);
  finding = $state(false);
  /** Why nothing can be previewed ("no still parts"), for the video it is about. */
  message = $state<{ videoId: number; text: string } | null>(null);

  previewOf(videoId: number | undefined): StillPreview | null {
    return this.preview?.videoId === videoId ? this.preview : null;
  }

  async find(video: Video): Promise<void> {
    const minSeconds = this.minSeconds;
    this.preview = null;
    this.message = null;
    if (!(minSeconds > 0)) {
      this.message = { videoId: video.id, text: 'Give the shortest still part in seconds, more than 0.' };
      return;
    }
    const duration = video.duration;
    if (!(duration !== null && duration > 0)) {
      this.message = { videoId: video.id, text: 'This video has not been measured yet: wait until it is indexed.' };
      return;
    }
    this.finding = true;
    try {
      const found = await findStill(video.id, duration, minSeconds);
      if (!found) {
        this.message = {
          videoId: video.id,
          text: 'This video’s frames are not sampled yet: wait until it is indexed.',
        };
        return;
      }
      const { still, keyframes } = found;
      if (still.length === 0) {
        this.message = {
          videoId: video.id,
          text: `No still parts: the picture never stays the same for ${minSeconds} s.`,
        };
        return;
      }
      this.preview = {
        videoId: video.id,
        minSeconds,
        still,
        cuts: still.map((r) => planCutOuts([r], keyframes, duration).removed[0] ?? null),
      };
    } finally {
      this.finding = false;
    }
  }

  cancel(): void {
    this.preview = null;
    this.message = null;
  }

  /** Starts the job that cuts every still part of the preview out. */
  remove(video: Video): void {
    const p = this.previewOf(video.id);
    if (!p) return;
    this.preview = null;
    clips.removeStill(video, p.still);
  }
}

export const stillParts = new StillPartsState();
