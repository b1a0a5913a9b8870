import { describe, expect, it } from 'vitest';
import { frameStats, isFlat, sceneSignature, signatureDistance } from '../../src/lib/media/frame-stats';
import {
  defaultSampling,
  posterCandidates,
  samplingPlan,
  snapToKeyframes,
  spreadEvenly,
  stripTimes,
} from '../../src/lib/media/sampling';
import { detectCuts, scenesFromCuts, sharpestCut, spanTimes } from '../../src/lib/media/scenes';

/** A w×h RGBA frame painted by `paint(x, y) → [r, g, b]`. */
function frame(paint: (x: number, y: number) => [number, number, number], width = 32, height = 18) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return { data, width, height };
}
const black = frame(() => [2, 2, 2]);
const grey = frame(() => [128, 128, 128]);
const bars = frame((x) => (x < 16 ? [230, 40, 40] : [30, 60, 220]));
const gradient = (shift: number) => frame((x, y) => [(x * 8 + shift) % 256, (y * 14) % 256, 90]);

describe('frame statistics', () => {
  it('calls black, white and single-colour frames flat, and pictures not', () => {
    expect(isFlat(frameStats(black))).toBe(true);
    expect(isFlat(frameStats(grey))).toBe(true);
    expect(isFlat(frameStats(frame(() => [252, 252, 252])))).toBe(true);
    expect(isFlat(frameStats(bars))).toBe(false);
    expect(isFlat(frameStats(gradient(0)))).toBe(false);
  });

  it('scene signatures: near for small motion, far for a different picture', () => {
    const a = sceneSignature(gradient(0));
    expect(signatureDistance(a, a)).toBe(0);
    expect(signatureDistance(a, sceneSignature(gradient(4)))).toBeLessThan(0.1);
    expect(signatureDistance(a, sceneSignature(bars))).toBeGreaterThan(0.3);
    expect(signatureDistance(sceneSignature(black), sceneSignature(bars))).toBeGreaterThan(0.3);
  });
});

describe('scene detection', () => {
  const timeline = (pictures: ReturnType<typeof frame>[], step = 1) =>
    pictures.map((p, i) => ({ time: i * step, signature: sceneSignature(p) }));

  it('finds cuts between different shots and none within a slowly moving shot', () => {
    const shots = [
      ...[0, 3, 6, 9].map(gradient), // t = 0..3
      bars,
      bars,
      bars, // t = 4..6
      ...[0, 2, 4].map((s) => frame((x, y) => [40 + s, (x * y) % 200, 200])), // t = 7..9
    ];
    expect(detectCuts(timeline(shots))).toEqual([4, 7]);
  });

  it('does not cut on steady motion', () => {
    const pan = Array.from({ length: 10 }, (_, i) => gradient(i * 6));
    expect(detectCuts(timeline(pan))).toEqual([]);
  });

  /** Every frame of a 25 fps span from `start` to `end` of a video whose picture at time t is `shot(t)`. */
  const span = (shot: (t: number) => ReturnType<typeof frame>, start: number, end: number) =>
    spanTimes(start, end, 25).map((time) => ({ time, signature: sceneSignature(shot(time)) }));

  it('places a cut between samples seconds apart on the exact frame', () => {
    const shot = (t: number) => (t < 8.96 ? gradient(Math.round(t * 2)) : bars);
    expect(sharpestCut(span(shot, 8.48, 9.48))).toBeCloseTo(8.96, 5);
  });

  it('rejects a candidate that is gradual change, not a cut', () => {
    // A slow dissolve from one picture to another over two seconds: big difference end to end, small per frame.
    const mix = (t: number) => {
      const k = Math.min(1, Math.max(0, (t - 1) / 2));
      const a = gradient(0).data;
      const b = bars.data;
      return frame((x, y) => {
        const p = (y * 32 + x) * 4;
        return [0, 1, 2].map((c) => Math.round(a[p + c] * (1 - k) + b[p + c] * k)) as [number, number, number];
      });
    };
    expect(sharpestCut(span(mix, 0.5, 3.5))).toBeNull();
  });

  it('lists every frame of a span', () => {
    expect(spanTimes(1, 1.2, 25)).toEqual([1, 1.04, 1.08, 1.12, 1.16, 1.2]);
  });

  it('turns cuts into scenes with a representative frame near the middle, skipping flat ones', () => {
    const scenes = scenesFromCuts(12, [3, 6, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], (t) => t !== 1);
    expect(scenes.map((s) => [s.start, s.end])).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 12],
    ]);
    expect(scenes[0].keyframeTime).toBe(2); // 1 is flat; 2 is as near the middle (1.5) as 1 would be
    expect(scenes[1].keyframeTime).toBe(4);
    expect(scenesFromCuts(5, [], [0, 2, 4])).toHaveLength(1);
  });
});

describe('sampling plans', () => {
  it('looks for the poster at 10 % first and stays inside the video', () => {
    const c = posterCandidates(100);
    expect(c[0]).toBe(10);
    expect(c.every((t) => t > 0 && t < 100)).toBe(true);
    expect(posterCandidates(0)).toEqual([0]);
  });

  it('spreads the scrub strip evenly', () => {
    expect(stripTimes(10, 5)).toEqual([1, 3, 5, 7, 9]);
    expect(stripTimes(0.5)).toHaveLength(10);
  });

  const everySecond = { ...defaultSampling, keyframeInterval: 1 };

  it('merges key frames, cuts and the fixed interval without near-duplicates', () => {
    const plan = samplingPlan(5, [0, 2.02, 4], [3.1], everySecond);
    // The grid is on whole seconds; a grid time within a quarter interval of a key frame or cut gives way to it.
    expect(plan.map((f) => f.time)).toEqual([0, 1, 2.02, 3.1, 4]);
    expect(plan.filter((f) => f.keyframe).map((f) => f.time)).toEqual([0, 2.02, 4]);
    expect(samplingPlan(2, [1.45], [], everySecond).map((f) => f.time)).toEqual([0, 1, 1.45]);
    for (let i = 1; i < plan.length; i++) expect(plan[i].time - plan[i - 1].time).toBeGreaterThanOrEqual(0.25);
  });

  it('caps frames per video, keeping scene cuts, and respects the max duration', () => {
    const long = samplingPlan(3600, [], [100, 2000], { ...everySecond, maxKeyframes: 50 });
    expect(long).toHaveLength(50);
    expect(long.map((f) => f.time)).toEqual(expect.arrayContaining([100, 2000]));
    const capped = samplingPlan(3600, [], [], { ...defaultSampling, maxDuration: 60 });
    expect(Math.max(...capped.map((f) => f.time))).toBeLessThan(60);
    expect(capped).toHaveLength(60 / defaultSampling.keyframeInterval);
  });
});

describe('snapping to key frames', () => {
  it('moves each time to its nearest key frame when there are enough of them', () => {
    expect(snapToKeyframes([0.5, 1.5, 2.5], [0, 1, 2, 3])).toEqual([0, 1, 2]);
    // Two times nearest the same key frame: the second keeps its own time.
    expect(snapToKeyframes([0.9, 1.1, 5], [1, 4, 8])).toEqual([1, 1.1, 4]);
  });
  it('leaves the times alone when key frames are too sparse', () => {
    expect(snapToKeyframes([1, 2, 3], [0, 10])).toEqual([1, 2, 3]);
  });
});

describe('thinning key frames', () => {
  it('keeps the first and last and spreads the rest evenly', () => {
    const times = Array.from({ length: 101 }, (_, i) => i);
    expect(spreadEvenly(times, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(spreadEvenly([1, 2], 5)).toEqual([1, 2]);
  });
});
