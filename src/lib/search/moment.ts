// Moment refinement for search by image. The index holds a video's frames sampled every half second or so (key
// frames, scene cuts, a fixed interval), so the moment it answers is only as exact as the sampling. Once the best
// videos are known, every frame in a short window around each sampled moment is decoded and compared with the
// query; these are the two decisions that takes: which times to decode, and which frame to answer with.

/** Where to look around a sampled moment. */
export interface MomentWindowOptions {
  /**
   * Seconds the window reaches each side of the sampled moment: the sampling interval, since the true moment lies
   * between the sampled frame and one of its neighbours (which are at most an interval away, unless pruned as
   * near-identical, and then the picture barely moved).
   */
  reach: number;
  /** The video's frame rate; null when unknown (a common rate is assumed, duplicates are harmless). */
  fps: number | null;
  /** Seconds; nothing is asked at or past the end. */
  duration: number;
  /** At most this many times: a fast video is stepped through every n-th frame instead of narrowing the window. */
  maxFrames: number;
}

/** Frame rate assumed when the catalog has none. */
const assumedFps = 30;

/**
 * Times to decode around `time` (a sampled frame's own time), ascending: one per frame at the video's rate, each a
 * quarter frame after the frame's start, so a decoder answering "the frame shown at t" lands on each frame once
 * even when the frame grid is a little off (rounded timestamps, a start time that is not 0).
 */
export function momentWindow(time: number, o: MomentWindowOptions): number[] {
  const fps = o.fps && o.fps > 0 ? o.fps : assumedFps;
  const frame = 1 / fps;
  const perSide = Math.ceil(o.reach * fps - 1e-9);
  const budget = Math.max(1, Math.floor((o.maxFrames - 1) / 2));
  // Over budget: the same reach in fewer, evenly spaced steps (a 120 fps video is still read to 1/60 s).
  const steps = Math.min(perSide, budget);
  const step = steps < perSide ? o.reach / steps : frame;
  const end = o.duration > 0 ? o.duration : Infinity;
  const out: number[] = [];
  for (let i = -steps; i <= steps; i++) {
    const t = Math.round((time + i * step + frame / 4) * 1e6) / 1e6;
    if (t < 0 || t >= end) continue;
    out.push(t);
  }
  return out;
}

/** One decoded frame's distance (Hamming bits) from the query. */
export interface MomentCandidate {
  time: number;
  distance: number;
}

export interface PickedMoment extends MomentCandidate {
  /** The answer differs from the sampled moment. */
  moved: boolean;
}

/** Frames this close in time are one frame (times from two decodes of one frame differ by rounding only). */
const sameFrame = 1e-3;

/**
 * The frame to answer with: the closest to the query in the window; among equally close frames (a static camera, a
 * still stretch, a loop) the one nearest the sampled moment, since nothing else tells them apart. Refinement never
 * makes an answer worse: a window frame wins only when it is at least as close as the sampled frame was in the index.
 */
export function pickMoment(candidates: readonly MomentCandidate[], sampled: MomentCandidate): PickedMoment {
  let best: MomentCandidate = sampled;
  for (const c of candidates) {
    if (!(c.distance <= best.distance)) continue;
    const nearer = Math.abs(c.time - sampled.time) < Math.abs(best.time - sampled.time);
    if (c.distance < best.distance || nearer) best = c;
  }
  const moved = Math.abs(best.time - sampled.time) > sameFrame;
  return { time: moved ? best.time : sampled.time, distance: best.distance, moved };
}
