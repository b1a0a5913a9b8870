import { signatureDistance } from './frame-stats';

export interface Scene {
  index: number;
  start: number;
  end: number;
  /** The sampled frame that stands for the scene (its poster). */
  keyframeTime: number;
}

/** Distance between consecutive sampled frames above which a cut is called, on top of the local level. */
export const cutThreshold = 0.3;

/**
 * Where cuts may be: consecutive samples whose signatures differ by at least `threshold`. Sparse samples
 * (key frames seconds apart) also flag fast motion; `sharpestCut` over every frame of the span tells the two apart.
 */
export function candidateCuts(
  samples: readonly { time: number; signature: Float32Array }[],
  threshold = cutThreshold,
): { before: number; after: number; distance: number }[] {
  const out: { before: number; after: number; distance: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const distance = signatureDistance(samples[i - 1].signature, samples[i].signature);
    if (distance >= threshold) out.push({ before: samples[i - 1].time, after: samples[i].time, distance });
  }
  return out;
}

/** Cut times from samples alone (pass 1, key frames): the later sample of each candidate pair. */
export function detectCuts(
  samples: readonly { time: number; signature: Float32Array }[],
  threshold = cutThreshold,
): number[] {
  return candidateCuts(samples, threshold).map((c) => c.after);
}

/**
 * Where a candidate cut really is, given every frame of its span in order: the adjacent pair that differs
 * most. Returns the time of the first frame of the new shot, or null when no single-frame jump reaches
 * `confirm` (gradual change: motion, a fade, a dissolve).
 */
export function sharpestCut(
  frames: readonly { time: number; signature: Float32Array }[],
  confirm = cutThreshold * 0.8,
): number | null {
  let best = -1;
  let at: number | null = null;
  for (let i = 1; i < frames.length; i++) {
    const d = signatureDistance(frames[i - 1].signature, frames[i].signature);
    if (d > best) [best, at] = [d, frames[i].time];
  }
  return best >= confirm ? at : null;
}

/** The times of every frame from `start` to `end` at `fps`, for decoding a cut's span in one pass. */
export function spanTimes(start: number, end: number, fps: number): number[] {
  const step = 1 / fps;
  const out: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

/**
 * Scenes from cut times: [0, cut1), [cut1, cut2) … [cutN, duration]. Each scene's representative frame
 * is the sample nearest its middle (skipping flat ones where `usable` says so).
 */
export function scenesFromCuts(
  duration: number,
  cuts: readonly number[],
  sampleTimes: readonly number[],
  usable: (time: number) => boolean = () => true,
): Scene[] {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < duration), duration];
  const scenes: Scene[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [start, end] = [bounds[i], bounds[i + 1]];
    const inside = sampleTimes.filter((t) => t >= start && t < end);
    const good = inside.filter(usable);
    const pool = good.length ? good : inside;
    const middle = (start + end) / 2;
    const keyframeTime = pool.length
      ? pool.reduce((best, t) => (Math.abs(t - middle) < Math.abs(best - middle) ? t : best))
      : start;
    scenes.push({ index: i, start, end, keyframeTime });
  }
  return scenes;
}
