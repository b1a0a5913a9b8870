// "Remove still parts" (issue 14): the stretches where the picture does not change, found from the frames the
// pipeline already sampled and fingerprinted, so nothing is decoded again to find them.
import { formatTimestamp } from '../format';
import { hamming } from '../search/fingerprint';
import type { ClipRange } from './range';

/** A sampled frame: its time, and its fingerprint (null: none, e.g. a flat frame the fingerprint refused). */
export interface FrameSample {
  time: number;
  fingerprint: Uint32Array | null;
}

export interface StillSettings {
  /** Shortest still part, in seconds, from its first to its last sample. */
  minSeconds: number;
  /** Fingerprints this many bits apart or closer show the same picture. */
  maxDistance: number;
}

/** The search index keeps one frame of a run closer than 8 bits (src/workers/search/api.ts `pruneDistance`). */
export const stillDistance = 8;
export const defaultStillSeconds = 3;

/**
 * The samples of a video, from every sampled time (the catalog's frames) and the fingerprints the search index kept:
 * the index drops a frame within `stillDistance` bits of the last one it kept, so a sampled time with no kept
 * fingerprint showed the picture of the last kept one. A time before any kept fingerprint has none.
 */
export function samplesOf(
  sampledTimes: readonly number[],
  kept: { times: readonly number[]; fingerprints: readonly Uint32Array[] },
): FrameSample[] {
  const byMs = new Map<number, Uint32Array>();
  kept.times.forEach((t, i) => byMs.set(Math.round(t * 1000), kept.fingerprints[i]));
  const times = [...new Set([...sampledTimes, ...kept.times].map((t) => Math.round(t * 1000)))].sort((a, b) => a - b);
  let last: Uint32Array | null = null;
  return times.map((ms) => {
    last = byMs.get(ms) ?? last;
    return { time: ms / 1000, fingerprint: last };
  });
}

/**
 * Where the picture stays the same for at least `minSeconds`: runs of samples each within `maxDistance` bits of the
 * run's first (not merely of the one before, so a slow pan or fade does not pass for still). A run runs from its
 * first sample to its last, never further: what happens between the last and the next sample is unknown. A run
 * from the first sample starts at 0 when that sample is the video's first frame; one to the last sample ends
 * with the video. Samples with no fingerprint break a run.
 */
export function stillRanges(samples: readonly FrameSample[], duration: number, s: StillSettings): ClipRange[] {
  const found: ClipRange[] = [];
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i].fingerprint;
    let j = i;
    if (first)
      while (j + 1 < sorted.length) {
        const next = sorted[j + 1].fingerprint;
        if (!next || hamming(first, 0, next, 0) > s.maxDistance) break;
        j++;
      }
    if (first && j > i) {
      const start = i === 0 && sorted[0].time <= 0.05 ? 0 : sorted[i].time;
      const end = j === sorted.length - 1 ? Math.max(duration, sorted[j].time) : sorted[j].time;
      if (end - start >= s.minSeconds - 1e-6) found.push({ start, end });
    }
    i = j + 1;
  }
  return found;
}

/** "2 still parts, 0:09.5 in all" for the preview. */
export function stillSummary(ranges: readonly ClipRange[]): string {
  const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  const count = ranges.length === 1 ? '1 still part' : `${ranges.length} still parts`;
  return `${count}, ${formatTimestamp(total)} in all`;
}
