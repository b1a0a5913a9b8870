// Smart cut (issue 14): a clip that starts between two key frames re-encodes only its head, from the in point up to
// the next key frame, and copies the rest as it is. Pure planning, so the tests run it in Node; the tools worker
// reads the key frame times and does the cut.
import { formatTimestamp } from '../format';
import { keyframeAtOrBefore, planCopy, shortestClip, type ClipRange, type CopyPlan } from './range';

/**
 * How a clip is made: `copy` when the in point is a key frame (nothing to re-encode), `smart` when a key frame comes
 * between the in and out points (re-encode `[start, keyframe)`, copy from `keyframe`), `encode` when none does (the
 * whole range is one stretch of a key frame's group, so all of it is re-encoded).
 */
export type CutPlan =
  | { kind: 'copy'; range: ClipRange }
  | { kind: 'smart'; range: ClipRange; keyframe: number }
  | { kind: 'encode'; range: ClipRange };

/** Under half a frame at 60 fps is a container's rounding, not a distance from a key frame. */
const rounding = 0.008;

/** Plans a cut of `range` from a video's key frame times (any order). */
export function planCut(range: ClipRange, keyframes: readonly number[]): CutPlan {
  const before = keyframeAtOrBefore(keyframes, range.start);
  if (Math.abs(range.start - before) <= rounding) return { kind: 'copy', range: { start: before, end: range.end } };
  let next = Infinity;
  for (const k of keyframes) if (k > range.start + rounding && k < next) next = k;
  // A key frame less than a frame before the out point would leave a copied tail of nothing worth the seam.
  // A copy of the range, not the caller's: a job's range is reactive state, which cannot cross to a worker.
  const asked = { start: range.start, end: range.end };
  if (next >= range.end - shortestClip / 2) return { kind: 'encode', range: asked };
  return { kind: 'smart', range: asked, keyframe: next };
}

/** The stretch the encoder makes: the head of a smart cut, or all of an `encode`; nothing for a copy. */
export function encodedPart(plan: CutPlan): ClipRange | null {
  if (plan.kind === 'copy') return null;
  return { start: plan.range.start, end: plan.kind === 'smart' ? plan.keyframe : plan.range.end };
}

const seconds = (s: number) => `${(Math.round(s * 10) / 10).toFixed(1)} s`;

/** What the user is told about how the clip was made (for its job row), or null when it was a plain copy. */
export function cutNote(plan: CutPlan): string | null {
  if (plan.kind === 'copy') return null;
  if (plan.kind === 'smart')
    return `Re-encoded ${seconds(plan.keyframe - plan.range.start)} up to the first key frame (${formatTimestamp(plan.keyframe)}); the rest copied as it is.`;
  return `Re-encoded all ${seconds(plan.range.end - plan.range.start)}: no key frame comes between your in and out points to copy from.`;
}

/**
 * When the browser cannot re-encode the picture (`reason`), the clip is a copy from the key frame before the in
 * point, and says why it starts early.
 */
export function copyInstead(range: ClipRange, keyframes: readonly number[], reason: string): CopyPlan {
  const plan = planCopy(range, keyframeAtOrBefore(keyframes, range.start));
  if (!plan.note) return plan;
  return { ...plan, note: `${plan.note} An exact start needs re-encoding, and ${reason}` };
}
