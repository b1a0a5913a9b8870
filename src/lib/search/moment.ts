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

/** One decoded frame's distance from the query. */
export interface MomentCandidate {
  time: number;
  /** Hamming bits between the fingerprints: what the index ranks by. */
  distance: number;
  /** `coefficientGap` between the DCT coefficients, when known: finer than the bits, for near ties. */
  gap?: number;
}

export interface PickedMoment {
  time: number;
  distance: number;
  /** The answer differs from the sampled moment. */
  moved: boolean;
}

/** Frames this close in time are one frame (times from two decodes of one frame differ by rounding only). */
const sameFrame = 1e-3;
/**
 * Window frames within this many bits of the closest one are told apart by their coefficients: neighbouring frames
 * of a slow zoom differ by a bit or two, about what a JPEG screenshot's noise flips.
 */
export const nearTieBits = 4;
/** Coefficient gaps this close are the same picture (a still run, a frozen camera): nothing tells them apart. */
const sameGap = 1e-4;

/**
 * 1 − the correlation of two coefficient vectors (0 the same picture, about 1 unrelated): blind to brightness (the DC
 * term is not among them) and contrast (a scale), like the fingerprint, but without its rounding to quartiles.
 */
export function coefficientGap(a: Float64Array, b: Float64Array): number {
  const n = Math.min(a.length, b.length);
  let [ma, mb] = [0, 0];
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i], mb + b[i]];
  [ma, mb] = [ma / n, mb / n];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [x, y] = [a[i] - ma, b[i] - mb];
    [ab, aa, bb] = [ab + x * y, aa + x * x, bb + y * y];
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 1;
}

/**
 * The frame to answer with. Refinement never makes an answer worse: only window frames at least as close (bits) as
 * the sampled frame was in the index count. Among them, those within `nearTieBits` of the closest are ranked by their
 * coefficient gap (when known), and among equally close frames (a static camera, a still run, a loop) the one nearest
 * the sampled moment wins, since nothing else tells them apart.
 */
export function pickMoment(candidates: readonly MomentCandidate[], sampled: MomentCandidate): PickedMoment {
  const eligible = candidates.filter((c) => c.distance <= sampled.distance);
  if (eligible.length === 0) return { time: sampled.time, distance: sampled.distance, moved: false };
  const closest = Math.min(...eligible.map((c) => c.distance));
  const near = eligible.filter((c) => c.distance <= closest + nearTieBits);
  const byGap = near.every((c) => c.gap !== undefined);
  const score = (c: MomentCandidate) => (byGap ? c.gap! : c.distance);
  const best = Math.min(...near.map(score));
  const tie = byGap ? sameGap : 0;
  const offset = (c: MomentCandidate) => Math.abs(c.time - sampled.time);
  const pick = near.filter((c) => score(c) <= best + tie).reduce((a, b) => (offset(b) < offset(a) ? b : a));
  const moved = offset(pick) > sameFrame;
  return moved
    ? { time: pick.time, distance: pick.distance, moved }
    : { time: sampled.time, distance: Math.min(pick.distance, sampled.distance), moved };
}
