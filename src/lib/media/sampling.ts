import { settingDefault, type SettingValue } from '../settings';

/** The indexing settings (`sampling` in lib/settings.ts, where their bounds and the reasons for the defaults are). */
export type SamplingSettings = SettingValue<'sampling'>;
export const defaultSampling: SamplingSettings = settingDefault('sampling');

/** Where the poster is looked for: 10 % first, then further candidates, never the very first frames. */
export function posterCandidates(duration: number): number[] {
  if (!(duration > 0)) return [0];
  return [0.1, 0.2, 0.3, 0.05, 0.4, 0.5, 0.6, 0.75].map((f) => round3(f * duration));
}

/** Evenly spread times for the hover scrub strip: the middle of `count` equal slices. */
export function stripTimes(duration: number, count = 10): number[] {
  if (!(duration > 0)) return [0];
  return Array.from({ length: count }, (_, i) => round3(((i + 0.5) * duration) / count));
}

export interface PlannedFrame {
  time: number;
  keyframe: boolean;
}

/**
 * Frames to sample for search: key frames, scene cuts and a fixed interval, merged (times closer than
 * a quarter of the interval collapse, key frames win), limited to `maxDuration`, and thinned evenly to at
 * most `maxKeyframes` while keeping the key frames at scene cuts.
 */
export function samplingPlan(
  duration: number,
  keyframes: readonly number[],
  sceneCuts: readonly number[],
  s: SamplingSettings,
): PlannedFrame[] {
  const end = Math.min(duration, s.maxDuration);
  const interval = Math.max(0.05, s.keyframeInterval);
  const candidates: (PlannedFrame & { rank: number })[] = [];
  for (const t of keyframes) if (t <= end) candidates.push({ time: t, keyframe: true, rank: 1 });
  for (const t of sceneCuts) if (t <= end) candidates.push({ time: t, keyframe: false, rank: 0 });
  // Whole multiples of the interval: encoders put key frames on whole seconds, so many samples land on one.
  for (let t = 0; t < end; t += interval) candidates.push({ time: round3(t), keyframe: false, rank: 2 });
  candidates.sort((a, b) => a.time - b.time || a.rank - b.rank);
  const merged: (PlannedFrame & { rank: number })[] = [];
  const gap = interval / 4;
  for (const c of candidates) {
    const last = merged[merged.length - 1];
    if (last && c.time - last.time < gap) {
      if (c.rank < last.rank) merged[merged.length - 1] = { ...c, keyframe: c.keyframe || last.keyframe };
      else last.keyframe ||= c.keyframe;
      continue;
    }
    merged.push(c);
  }
  const plan = merged.length <= s.maxKeyframes ? merged : thin(merged, s.maxKeyframes);
  return plan.map(({ time, keyframe }) => ({ time, keyframe }));
}

/** Keeps scene cuts, then spreads the rest of the budget evenly over the other frames. */
function thin<T extends { rank: number; time: number }>(frames: T[], budget: number): T[] {
  const cuts = frames.filter((f) => f.rank === 0).slice(0, budget);
  const rest = frames.filter((f) => f.rank !== 0);
  const room = budget - cuts.length;
  const picked =
    room <= 0
      ? []
      : Array.from(
          { length: Math.min(room, rest.length) },
          (_, i) => rest[Math.floor((i * rest.length) / Math.min(room, rest.length))],
        );
  return [...cuts, ...picked].sort((a, b) => a.time - b.time);
}

const round3 = (t: number) => Math.round(t * 1000) / 1000;

/** At most `max` of `times`, spread evenly over the whole list (first and last kept), order kept. */
export function spreadEvenly<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 1) return items.slice(0, Math.max(0, max));
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]);
}

/**
 * Moves each time to the nearest key frame when the video has at least as many key frames as times asked
 * (a key frame decodes on its own; a frame between them needs every frame since the last one). Times that
 * would share a key frame keep their own time.
 */
export function snapToKeyframes(times: readonly number[], keyframes: readonly number[]): number[] {
  if (keyframes.length < times.length) return [...times];
  const used = new Set<number>();
  return times.map((t) => {
    let best = keyframes[0];
    for (const k of keyframes) if (Math.abs(k - t) < Math.abs(best - t)) best = k;
    if (used.has(best)) return t;
    used.add(best);
    return best;
  });
}

/**
 * Each of `times` (ascending) moved to the nearest key frame when one is within `within` seconds, else kept; a time
 * whose key frame is taken already is dropped. Decoding a key frame costs one picture; a time between key frames
 * costs every picture from the one before it.
 */
export function snapNear(times: readonly number[], keyframes: readonly number[], within: number): number[] {
  const out: number[] = [];
  let k = 0;
  for (const t of times) {
    while (k + 1 < keyframes.length && keyframes[k + 1] <= t) k++;
    const candidates = [keyframes[k], keyframes[k + 1]].filter((x) => x !== undefined && Math.abs(x - t) <= within);
    const best = candidates.sort((a, b) => Math.abs(a - t) - Math.abs(b - t))[0];
    const time = best ?? t;
    if (out.length && time <= out[out.length - 1]) continue;
    out.push(time);
  }
  return out;
}
