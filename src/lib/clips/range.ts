// Range planning for the video tools (issue 14): what part of a video a clip keeps, before any file is touched.
// Pure, so it runs in Node for the tests; the tools worker supplies the key frame times it reads from the file.
import { formatTimestamp } from '../format';

/** A stretch of a video in seconds from its start: `start` inclusive, `end` exclusive. */
export interface ClipRange {
  start: number;
  end: number;
}

/** A range the user may save, with what was changed about it on the way (said to the user), or why not. */
export type RangeCheck = { ok: true; range: ClipRange; notes: string[] } | { ok: false; message: string };

/** Shorter than one frame at 25 fps: nothing to save. */
export const shortestClip = 0.04;

/**
 * Checks a marked range against the video: a range running past the end is clamped to it (and said so), one that
 * is empty, backwards or starts after the end is refused with the reason. `duration` null: not probed yet, so only
 * the order and the start are checked.
 */
export function checkRange(start: number | null, end: number | null, duration: number | null): RangeCheck {
  if (start === null || end === null) return { ok: false, message: 'Mark an in point (I) and an out point (O) first.' };
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { ok: false, message: 'The range is not a time.' };
  if (end < start)
    return { ok: false, message: 'The out point comes before the in point: mark the out point after it.' };
  const notes: string[] = [];
  let s = start;
  let e = end;
  if (s < 0) {
    notes.push('The range started before the video: it now starts at 0:00.0.');
    s = 0;
  }
  if (duration !== null && duration > 0) {
    if (s >= duration - shortestClip / 2)
      return { ok: false, message: `The range starts after the video ends (${formatTimestamp(duration)}).` };
    if (e > duration) {
      notes.push(
        `The range ran past the end of the video: it now ends at ${formatTimestamp(duration)}, where the video ends.`,
      );
      e = duration;
    }
  }
  if (e - s < shortestClip) return { ok: false, message: 'The range is empty: mark an out point after the in point.' };
  return { ok: true, range: { start: s, end: e }, notes };
}

/**
 * The key frame at or before `time`, from a video's key frame times (any order); the first key frame when none
 * comes before (a file whose first picture is later than 0), 0 for none at all.
 */
export function keyframeAtOrBefore(keyframes: readonly number[], time: number): number {
  // A thousandth of a second of slack: container timestamps are rounded to their timescale.
  let best: number | null = null;
  let first = Infinity;
  for (const k of keyframes) {
    first = Math.min(first, k);
    if (k <= time + 1e-3 && (best === null || k > best)) best = k;
  }
  return best ?? (Number.isFinite(first) ? first : 0);
}

/** What a stream copy will cut: from the key frame at or before the in point to the out point. */
export interface CopyPlan {
  /** The range the copy keeps; `start` is the key frame. */
  range: ClipRange;
  /** How far before the in point the copy starts (0 when the in point is a key frame). */
  snappedBy: number;
  /** For the user: why the clip starts earlier than marked, or null. */
  note: string | null;
}

/** Plans a copy with no re-encoding: it can only start on a key frame, so the start moves back to one. */
export function planCopy(range: ClipRange, keyframe: number): CopyPlan {
  const start = Math.max(0, Math.min(keyframe, range.start));
  const snappedBy = range.start - start;
  // Under half a frame at 60 fps is the container's rounding, not a move anyone would see.
  const note =
    snappedBy > 0.008
      ? `The clip starts at ${formatTimestamp(start)}, the key frame before your in point (${formatTimestamp(range.start)}): a copy without re-encoding can only start on a key frame.`
      : null;
  return { range: { start, end: range.end }, snappedBy: snappedBy > 0.008 ? snappedBy : 0, note };
}

/** "Save this moment": `before` seconds before a matched time to `after` seconds after it, inside the video. */
export function momentRange(time: number, duration: number | null, before = 5, after = 5): ClipRange {
  const end = duration !== null && duration > 0 ? Math.min(duration, time + after) : time + after;
  return { start: Math.max(0, Math.min(time - before, end - shortestClip)), end };
}
