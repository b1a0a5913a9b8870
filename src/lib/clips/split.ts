// "Split" (issue 14): the parts a video is cut into, every N seconds or by scenes, planned before any file is
// touched. A stream copy can only start a part on a key frame, so the split points move back to one; each part
// then ends where the next begins, and the parts together hold the whole video, every frame once.
import { formatTimestamp } from '../format';
import { fileClock, stemOf } from './naming';
import { keyframeAtOrBefore, shortestClip, type ClipRange } from './range';

/** The shortest "every N seconds" a split accepts: a part under a second is a flash, not a clip. */
export const shortestSplit = 1;

/** Parts of `seconds` each from the start; the last holds what is left (never less than a frame: that joins it). */
export function everyRanges(duration: number, seconds: number): ClipRange[] {
  if (!(duration > 0) || !(seconds > 0)) return [];
  const out: ClipRange[] = [];
  // Multiplied, not summed: 0.1 added thirty times is not 3.
  for (let i = 0; i * seconds < duration - 1e-6; i++)
    out.push({ start: i * seconds, end: Math.min(duration, (i + 1) * seconds) });
  const last = out[out.length - 1];
  if (out.length > 1 && last.end - last.start < shortestClip) {
    out.pop();
    out[out.length - 1].end = duration;
  }
  return out;
}

/** The parts a copy makes, and whether any starts earlier than asked (on the key frame before its split point). */
export interface SplitPlan {
  parts: ClipRange[];
  /** How many parts start on a key frame before the asked point. */
  moved: number;
}

/**
 * Moves each part's start back to the key frame at or before it; each part ends where the next starts and the last
 * at the video's end. Two points that snap to the same key frame make one part: a copy cannot split between them.
 */
export function snapParts(ranges: readonly ClipRange[], keyframes: readonly number[], duration: number): SplitPlan {
  const starts: number[] = [];
  let moved = 0;
  ranges.forEach((r, i) => {
    // The first part starts at the video's start, whatever its first key frame: that is where the copy begins.
    const start = i === 0 ? 0 : keyframeAtOrBefore(keyframes, r.start);
    if (starts.length > 0 && start <= starts[starts.length - 1] + shortestClip / 2) {
      moved++;
      return;
    }
    // Container timestamps are rounded to their timescale: a thousandth off is the same frame.
    if (r.start - start > 1e-3) moved++;
    starts.push(start);
  });
  const parts = starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1] : duration }));
  return { parts: parts.filter((p) => p.end - p.start >= shortestClip / 2), moved };
}

/** For the user, when the copy could not split where asked; null when every part starts where planned. */
export function splitNote(plan: SplitPlan, asked: number): string | null {
  if (plan.moved === 0) return null;
  const fewer = asked - plan.parts.length;
  return (
    'Parts start at the nearest key frame before each split point: a copy without re-encoding can only start on one.' +
    (fewer > 0
      ? ` ${fewer} split point${fewer === 1 ? '' : 's'} fell on the same key frame, so there are fewer parts.`
      : '')
  );
}

/** "beach.mp4", part 1 of 4, 0–30 s → "beach part 1 of 4 (0-00-00 to 0-00-30).mp4". */
export function partFileName(parentName: string, index: number, count: number, range: ClipRange, extension: string) {
  const end = Math.ceil(range.end - 1e-6);
  const ext = extension ? `.${extension}` : '';
  return `${stemOf(parentName)} part ${index + 1} of ${count} (${fileClock(range.start)} to ${fileClock(end)})${ext}`;
}

/** "every 30 s" / "by scenes of at least 2 s", for the job's title. */
export function splitTitle(how: { every: number } | { minScene: number }): string {
  return 'every' in how ? `every ${formatSeconds(how.every)}` : `by scenes (at least ${formatSeconds(how.minScene)})`;
}

const formatSeconds = (s: number) => (s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** A checked "every N seconds" from what the user typed, or why not. */
export function checkEvery(seconds: number, duration: number | null): { ok: true } | { ok: false; message: string } {
  if (!Number.isFinite(seconds) || seconds < shortestSplit)
    return { ok: false, message: `Split into parts of at least ${shortestSplit} s.` };
  if (duration !== null && seconds >= duration)
    return {
      ok: false,
      message: `Parts of ${formatSeconds(seconds)} would be the whole video (${formatTimestamp(duration)}): choose a shorter length.`,
    };
  return { ok: true };
}
