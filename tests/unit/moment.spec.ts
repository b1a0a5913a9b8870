import { describe, expect, it } from 'vitest';
import { coefficientGap, momentWindow, pickMoment } from '../../src/lib/search/moment';
import { seededRandom } from '../shared/random';

/** Which frame of a `fps` video a decoder shows at `t` (the last one starting at or before it). */
const frameAt = (t: number, fps: number) => Math.floor(t * fps + 1e-9);

describe('the window around a sampled moment', () => {
  it('asks for every frame within one sampling interval each side, once each, inside the frame', () => {
    const times = momentWindow(3, { reach: 0.5, fps: 25, duration: 10, maxFrames: 61 });
    const frames = times.map((t) => frameAt(t, 25));
    expect(frames).toEqual(Array.from({ length: 27 }, (_, i) => 75 - 13 + i));
    // A quarter frame in: a start time rounded either way still lands on the same frame.
    for (const [i, t] of times.entries()) expect(t * 25 - frames[i]).toBeCloseTo(0.25, 6);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('stays inside the video at its start and its end', () => {
    const start = momentWindow(0.2, { reach: 0.5, fps: 30, duration: 10, maxFrames: 61 });
    expect(start[0]).toBeGreaterThanOrEqual(0);
    expect(frameAt(start[0], 30)).toBe(0);
    expect(frameAt(start.at(-1)!, 30)).toBe(6 + 15);
    const end = momentWindow(9.9, { reach: 0.5, fps: 30, duration: 10, maxFrames: 61 });
    expect(end.at(-1)!).toBeLessThan(10);
    expect(frameAt(end[0], 30)).toBe(297 - 15);
  });

  it('steps through a fast video evenly over the same reach when the frames would exceed the cap', () => {
    const times = momentWindow(5, { reach: 0.5, fps: 120, duration: 10, maxFrames: 61 });
    expect(times).toHaveLength(61);
    expect(times.at(-1)! - times[0]).toBeCloseTo(1, 6);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeCloseTo(1 / 60, 5);
  });

  it('assumes a common frame rate when the catalog has none', () => {
    const times = momentWindow(5, { reach: 0.5, fps: null, duration: 10, maxFrames: 61 });
    expect(times).toHaveLength(31);
    expect(times[1] - times[0]).toBeCloseTo(1 / 30, 5);
  });
});

describe('the refined moment', () => {
  const sampled = { time: 2, distance: 20 };

  it('is the closest frame in the window', () => {
    const window = [1.6, 1.8, 2, 2.2, 2.4].map((time, i) => ({ time, distance: [30, 24, 20, 8, 14][i] }));
    expect(pickMoment(window, sampled)).toEqual({ time: 2.2, distance: 8, moved: true });
  });

  it('among equally close frames (a static camera, a loop) is the one nearest the sampled moment', () => {
    const window = [1.52, 1.8, 2.12, 2.48].map((time) => ({ time, distance: 5 }));
    expect(pickMoment(window, sampled)).toEqual({ time: 2.12, distance: 5, moved: true });
    // A frame as close as the sampled one does not move it.
    const flat = [1.6, 1.8, 2, 2.2].map((time) => ({ time, distance: 20 }));
    expect(pickMoment(flat, sampled)).toEqual({ time: 2, distance: 20, moved: false });
  });

  it('never makes the answer worse: a window with no closer frame keeps the sampled moment', () => {
    const window = [1.8, 2.2].map((time) => ({ time, distance: 21 }));
    expect(pickMoment(window, sampled)).toEqual({ time: 2, distance: 20, moved: false });
    expect(pickMoment([], sampled)).toEqual({ time: 2, distance: 20, moved: false });
  });

  it('tells frames a bit or two apart by their coefficients, and identical pictures by time', () => {
    // The frame at 2.32 s is the picture; the one at 2.12 s happens to share a bit more with the screenshot.
    const window = [
      { time: 2.12, distance: 6, gap: 0.031 },
      { time: 2.32, distance: 8, gap: 0.012 },
      { time: 2.6, distance: 14, gap: 0.002 }, // too many bits away to be ranked by its gap
    ];
    expect(pickMoment(window, sampled)).toEqual({ time: 2.32, distance: 8, moved: true });
    const still = [1.8, 1.9, 2.2].map((time) => ({ time, distance: 9, gap: 0.02 }));
    expect(pickMoment(still, sampled)).toEqual({ time: 1.9, distance: 9, moved: true });
  });
});

describe('the coefficient gap', () => {
  it('is 0 for the same picture at any brightness and contrast, about 1 for unrelated pictures', () => {
    const random = seededRandom(3);
    const a = Float64Array.from({ length: 85 }, () => random() * 200 - 100);
    const b = Float64Array.from({ length: 85 }, () => random() * 200 - 100);
    expect(coefficientGap(a, a)).toBeCloseTo(0, 9);
    expect(
      coefficientGap(
        a,
        a.map((v) => v * 1.7 + 3),
      ),
    ).toBeCloseTo(0, 9);
    expect(coefficientGap(a, b)).toBeGreaterThan(0.7);
    const near = a.map((v) => v + (random() - 0.5) * 10);
    expect(coefficientGap(a, near)).toBeLessThan(coefficientGap(a, b));
  });
});
