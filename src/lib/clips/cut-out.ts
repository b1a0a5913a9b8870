// "Cut out a range and keep the rest" (issue 14), planned before any file is touched. A copy without re-encoding
// can only join the video back together on key frames, so the part removed runs from the first key frame at or
// after the in point to the first key frame at or after the out point: never more than was marked.
import { formatTimestamp } from '../format';
import { fileClock, stemOf } from './naming';
import { keyframeAtOrBefore, shortestClip, type ClipRange } from './range';

export type CutOutPlan = { ok: true; removed: ClipRange; note: string | null } | { ok: false; message: string };

/** The first key frame at or after `time` (a thousandth of slack for the container's rounding), or null. */
export function keyframeAtOrAfter(keyframes: readonly number[], time: number): number | null {
  let best: number | null = null;
  for (const k of keyframes) if (k >= time - 1e-3 && (best === null || k < best)) best = k;
  return best;
}

/** What a copy removes for the marked `range` of a video of `duration` seconds with these key frames. */
export function planCutOut(range: ClipRange, keyframes: readonly number[], duration: number): CutOutPlan {
  const start = range.start <= shortestClip / 2 ? 0 : keyframeAtOrAfter(keyframes, range.start);
  // An out point at the end removes the end: nothing after it has to start on a key frame.
  const end =
    range.end >= duration - shortestClip / 2 ? duration : (keyframeAtOrAfter(keyframes, range.end) ?? duration);
  if (start === null || end - start < shortestClip)
    return {
      ok: false,
      message: `Nothing can be cut out between ${formatTimestamp(range.start)} and ${formatTimestamp(range.end)} without re-encoding: there is no key frame inside the range to cut on. Mark a longer range.`,
    };
  if (start === 0 && end >= duration)
    return { ok: false, message: 'The marked range is the whole video: there would be nothing left to keep.' };
  const moved = Math.abs(start - range.start) > 0.008 || Math.abs(end - range.end) > 0.008;
  return {
    ok: true,
    removed: { start, end },
    note: moved
      ? `Cut out ${formatTimestamp(start)} to ${formatTimestamp(end)}: a copy without re-encoding can only cut on key frames, so the cut starts and ends at the first key frame at or after your in and out points.`
      : null,
  };
}

/** Several ranges cut out in one copy: what each removes, and the ranges that cannot be cut without re-encoding. */
export interface CutOutsPlan {
  /** In order, none overlapping. */
  removed: ClipRange[];
  /** Asked ranges with no key frames inside them to cut on: kept. */
  kept: ClipRange[];
}

/**
 * Plans several ranges cut out of one video (remove still parts). Unlike a marked range, each cut stays inside its
 * range: from the first key frame at or after its start to the last at or before its end, so never more than the
 * range is removed (a still part is only known still between its samples). An edge at the video's start or end
 * needs no key frame.
 */
export function planCutOuts(ranges: readonly ClipRange[], keyframes: readonly number[], duration: number): CutOutsPlan {
  const removed: ClipRange[] = [];
  const kept: ClipRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const start = range.start <= shortestClip / 2 ? 0 : keyframeAtOrAfter(keyframes, range.start);
    let end = range.end >= duration - shortestClip / 2 ? duration : keyframeAtOrBefore(keyframes, range.end);
    if (end > range.end + 1e-3) end = range.start; // no key frame at or before the end: nothing inside
    const last = removed[removed.length - 1];
    if (start === null || end - start < shortestClip || (last && start < last.end)) kept.push(range);
    else removed.push({ start, end });
  }
  if (removed.length === 1 && removed[0].start === 0 && removed[0].end >= duration)
    return { removed: [], kept: [...ranges] };
  return { removed, kept };
}

/** For the job: where a several-range cut actually cut, and what it left. */
export function cutOutsNote(plan: CutOutsPlan): string {
  const cut = plan.removed.map((r) => `${formatTimestamp(r.start)} to ${formatTimestamp(r.end)}`).join(', ');
  const total = plan.removed.reduce((n, r) => n + r.end - r.start, 0);
  const kept = plan.kept.map((r) => `${formatTimestamp(r.start)} to ${formatTimestamp(r.end)}`).join(', ');
  return (
    `Cut out ${cut} (${formatTimestamp(total)} in all), on key frames inside each still part: a copy without re-encoding can only cut there.` +
    (kept ? ` Kept ${kept}: there is no key frame inside to cut on.` : '')
  );
}

/** "beach.mp4" without 0:12–0:20 → "beach without 0-00-12 to 0-00-20.mp4". */
export function cutOutFileName(parentName: string, removed: ClipRange, extension: string): string {
  const ext = extension ? `.${extension}` : '';
  return `${stemOf(parentName)} without ${fileClock(removed.start)} to ${fileClock(Math.ceil(removed.end - 1e-6))}${ext}`;
}

/** "beach.mp4" less its still parts → "beach without still parts.mp4". */
export function withoutStillFileName(parentName: string, extension: string): string {
  return `${stemOf(parentName)} without still parts${extension ? `.${extension}` : ''}`;
}
