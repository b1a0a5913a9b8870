// Moment refinement for search by image. The index holds a video's frames sampled every half second or so (key
// frames, scene cuts, a fixed interval), so the moment it answers is only as exact as the sampling. Once the best
// videos are known, every frame in a short window around each sampled moment is decoded and compared with the
// query; these are the two decisions that takes: which times to decode, and which frame to answer with.

/** Where to look around a sampled moment. */
export interface MomentWindowOptions {
  /** Seconds the window reaches before the sampled moment (see `windowSides`). */
  before: number;
  /** Seconds it reaches after. */
  after: number;
  /** The video's frame rate; null when unknown (a common rate is assumed, duplicates are harmless). */
  fps: number | null;
  /** Seconds; nothing is asked at or past the end. */
  duration: number;
  /** At most this many times: a long window is stepped through every n-th frame instead of being narrowed. */
  maxFrames: number;
}

/** Frame rate assumed when the catalog has none. */
const assumedFps = 30;

/** The length of one frame of a video (seconds), at an assumed common rate when its rate is unknown. */
export const frameLength = (fps: number | null) => 1 / (fps && fps > 0 ? fps : assumedFps);

/**
 * Times to decode around `time` (a sampled frame's own time), ascending: one per frame at the video's rate (or evenly
 * stepped when that would be more than `maxFrames`), `time` itself among them, each a quarter frame after the frame's
 * start, so a decoder answering "the frame shown at t" lands on each frame once even when the frame grid is a little
 * off (rounded timestamps, a start time that is not 0).
 */
export function momentWindow(time: number, o: MomentWindowOptions): number[] {
  const frame = frameLength(o.fps);
  const span = o.before + o.after;
  const step = Math.max(frame, span / Math.max(1, o.maxFrames - 1));
  const [first, last] = [Math.ceil(o.before / step - 1e-9), Math.ceil(o.after / step - 1e-9)];
  const end = o.duration > 0 ? o.duration : Infinity;
  const out: number[] = [];
  for (let i = -first; i <= last; i++) {
    const t = Math.round((time + i * step + frame / 4) * 1e6) / 1e6;
    if (t < 0 || t >= end) continue;
    out.push(t);
  }
  return out;
}

/** The frames the index kept either side of a sampled one (null: none, the video's start or end). */
export interface KeptNeighbours {
  before: number | null;
  after: number | null;
}

/**
 * How far to look each side of a sampled moment. The true moment lies between the sampled frame and a neighbour the
 * index kept: at least one sampling `interval` away, further when the frames between were pruned as near-identical
 * (a slow pan, a talking head, a still stretch keep one frame of their run) — there a screenshot's noise can pick a
 * kept frame seconds away, and only a window reaching the neighbours holds the frame asked for. `maxReach` bounds a
 * side (a long still stretch or a thinly sampled long video).
 */
export function windowSides(
  time: number,
  kept: KeptNeighbours,
  o: { interval: number; duration: number; maxReach: number },
): { before: number; after: number } {
  const end = o.duration > 0 ? o.duration : time + o.interval;
  const gapBefore = kept.before === null ? time : time - kept.before;
  const gapAfter = kept.after === null ? end - time : kept.after - time;
  const side = (gap: number) => Math.min(o.maxReach, Math.max(o.interval, gap));
  return { before: side(gapBefore), after: side(gapAfter) };
}

/** A moment the index answered for a video, with the frames it kept either side. */
export interface SampledMoment {
  time: number;
  kept: KeptNeighbours;
}

/** Sampled frames this many bits further from the query than the closest one may still hide the moment asked for. */
const candidateSlack = 12;

/**
 * The sampled moments of one video worth reading around, best first: its `count` frames closest to the query (each
 * at least one `interval` from those before it, within `candidateSlack` bits of the closest), with the frames the
 * index kept either side of each. `times` and `distances` are the video's kept frames, in any order.
 */
export function candidateMoments(
  times: readonly number[],
  distances: readonly number[],
  count: number,
  interval: number,
): SampledMoment[] {
  const sorted = [...times].sort((a, b) => a - b);
  const order = times.map((_, i) => i).sort((a, b) => distances[a] - distances[b] || times[a] - times[b]);
  const picked: SampledMoment[] = [];
  for (const i of order) {
    if (picked.length >= count || distances[i] > distances[order[0]] + candidateSlack) break;
    const time = times[i];
    if (picked.some((p) => Math.abs(p.time - time) < interval - 1e-6)) continue;
    const at = sorted.indexOf(time);
    picked.push({ time, kept: { before: sorted[at - 1] ?? null, after: sorted[at + 1] ?? null } });
  }
  return picked;
}

/**
 * Every time to decode to refine a video's moments: the union of the windows around each (`windowSides`, at most
 * `maxFrames` each), ascending, each frame once. Several moments, because a loop or a static camera matches its
 * repeats almost equally, and the sampled moment the noise of a screenshot put first is often a repeat: the frame
 * asked for is near one of the others. `step` is the coarsest step any window took (one frame when none stepped).
 */
export function refinementTimes(
  moments: readonly SampledMoment[],
  o: { interval: number; duration: number; maxReach: number; fps: number | null; maxFrames: number },
): { times: number[]; step: number } {
  const frame = frameLength(o.fps);
  const times: number[] = [];
  let step = frame;
  for (const m of moments) {
    const sides = windowSides(m.time, m.kept, o);
    step = Math.max(step, (sides.before + sides.after) / Math.max(1, o.maxFrames - 1));
    times.push(...momentWindow(m.time, { ...sides, fps: o.fps, duration: o.duration, maxFrames: o.maxFrames }));
  }
  times.sort((a, b) => a - b);
  // Overlapping windows ask for the same frames: keep one time per frame.
  const out: number[] = [];
  for (const t of times) if (out.length === 0 || t - out[out.length - 1] > frame / 2) out.push(t);
  return { times: out, step };
}

/** One decoded frame's distance from the query. */
export interface MomentCandidate {
  time: number;
  /** Hamming bits between the fingerprints: what the index ranks by. */
  distance: number;
  /**
   * The screenshot's correlation with the frame where it was placed (see picture-align.ts), when known: finer than
   * the bits, which neighbouring frames of a moving shot often share.
   */
  score?: number;
}

export interface PickedMoment {
  time: number;
  distance: number;
  /** The answer differs from the sampled moment. */
  moved: boolean;
  /** The answer's picture score, when frames were scored by picture. */
  score?: number;
}

/** Frames this close in time are one frame (times from two decodes of one frame differ by rounding only). */
const sameFrame = 1e-3;
/**
 * Window frames up to this many bits further than the sampled frame are still scored by their pictures: a JPEG
 * screenshot's noise flips a few bits, so the frame asked for can be a little further in bits than its neighbour.
 */
export const scoredSlackBits = 8;
/** Scores this close are the same picture (a still run, a frozen camera): nothing tells them apart. */
const sameScore = 1e-4;

/**
 * The frame to answer with. Without picture scores, only window frames at least as close (bits) as the sampled frame
 * was in the index count, and the closest wins. With scores, frames up to `scoredSlackBits` further count and the
 * best score wins; the sampled frame is among them, so the answer is never a worse picture. Among equally close
 * frames (a static camera, a still run, a loop) the one nearest the sampled moment wins, since nothing else tells
 * them apart.
 */
export function pickMoment(candidates: readonly MomentCandidate[], sampled: MomentCandidate): PickedMoment {
  const scored = candidates.length > 0 && candidates.every((c) => c.score !== undefined);
  const limit = sampled.distance + (scored ? scoredSlackBits : 0);
  const eligible = candidates.filter((c) => c.distance <= limit);
  if (eligible.length === 0) return { time: sampled.time, distance: sampled.distance, moved: false };
  const closeness = (c: MomentCandidate) => (scored ? c.score! : -c.distance);
  const best = Math.max(...eligible.map(closeness));
  const tie = scored ? sameScore : 0;
  const offset = (c: MomentCandidate) => Math.abs(c.time - sampled.time);
  const pick = eligible.filter((c) => closeness(c) >= best - tie).reduce((a, b) => (offset(b) < offset(a) ? b : a));
  const distance = Math.min(pick.distance, sampled.distance);
  const moved = offset(pick) > sameFrame;
  const picked = { time: moved ? pick.time : sampled.time, distance, moved };
  return scored ? { ...picked, score: pick.score } : picked;
}
