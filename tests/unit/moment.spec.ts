import { describe, expect, it } from 'vitest';
import { candidateMoments, momentWindow, pickMoment, refinementTimes, windowSides } from '../../src/lib/search/moment';

/** Which frame of a `fps` video a decoder shows at `t` (the last one starting at or before it). */
const frameAt = (t: number, fps: number) => Math.floor(t * fps + 1e-9);

describe('the window around a sampled moment', () => {
  it('asks for every frame within one sampling interval each side, once each, inside the frame', () => {
    const times = momentWindow(3, { before: 0.5, after: 0.5, fps: 25, duration: 10, maxFrames: 61 });
    const frames = times.map((t) => frameAt(t, 25));
    expect(frames).toEqual(Array.from({ length: 27 }, (_, i) => 75 - 13 + i));
    // A quarter frame in: a start time rounded either way still lands on the same frame.
    for (const [i, t] of times.entries()) expect(t * 25 - frames[i]).toBeCloseTo(0.25, 6);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('stays inside the video at its start and its end', () => {
    const start = momentWindow(0.2, { before: 0.5, after: 0.5, fps: 30, duration: 10, maxFrames: 61 });
    expect(start[0]).toBeGreaterThanOrEqual(0);
    expect(frameAt(start[0], 30)).toBe(0);
    expect(frameAt(start.at(-1)!, 30)).toBe(6 + 15);
    const end = momentWindow(9.9, { before: 0.5, after: 0.5, fps: 30, duration: 10, maxFrames: 61 });
    expect(end.at(-1)!).toBeLessThan(10);
    expect(frameAt(end[0], 30)).toBe(297 - 15);
  });

  it('steps through a fast video evenly over the same reach when the frames would exceed the cap', () => {
    const times = momentWindow(5, { before: 0.5, after: 0.5, fps: 120, duration: 10, maxFrames: 61 });
    expect(times).toHaveLength(61);
    expect(times.at(-1)! - times[0]).toBeCloseTo(1, 6);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeCloseTo(1 / 60, 5);
  });

  it('assumes a common frame rate when the catalog has none', () => {
    const times = momentWindow(5, { before: 0.5, after: 0.5, fps: null, duration: 10, maxFrames: 61 });
    expect(times).toHaveLength(31);
    expect(times[1] - times[0]).toBeCloseTo(1 / 30, 5);
  });
});

describe('how far the window reaches', () => {
  const o = { interval: 0.5, duration: 17, maxReach: 3 };

  it('reaches one sampling interval each side when the neighbours were kept', () => {
    expect(windowSides(6.5, { before: 6, after: 7 }, o)).toEqual({ before: 0.5, after: 0.5 });
  });

  it('reaches back to the kept neighbour over frames pruned as near-identical, so a slow pan is read whole', () => {
    // A screenshot at 5.83 s of a slow pan sampled at 5.0 s (kept) and 5.5–6.0 s (pruned) matched 6.5 s.
    const sides = windowSides(6.5, { before: 5, after: 7 }, o);
    expect(sides).toEqual({ before: 1.5, after: 0.5 });
    const times = momentWindow(6.5, { ...sides, fps: 30, duration: 17, maxFrames: 61 });
    expect(times[0]).toBeLessThan(5.84);
    expect(times.at(-1)!).toBeGreaterThan(7);
    expect(times.length).toBeLessThanOrEqual(62);
  });

  it('reaches the start and the end of a short video whose frames were all pruned into one', () => {
    const sides = windowSides(0, { before: null, after: null }, { ...o, duration: 1.0 });
    expect(sides).toEqual({ before: 0.5, after: 1.0 });
    const times = momentWindow(0, { ...sides, fps: 30, duration: 1.0, maxFrames: 61 });
    expect(times).toHaveLength(30);
    expect(times.at(-1)!).toBeGreaterThan(0.96);
  });

  it('never reaches further than its bound over a long still stretch', () => {
    expect(windowSides(100, { before: 10, after: 300 }, o)).toEqual({ before: 3, after: 3 });
  });
});

describe('the frames read to refine a video', () => {
  const o = { interval: 0.5, duration: 17, maxReach: 3, fps: 30, maxFrames: 61 };

  it("reads around each of a loop's repeats, so the one asked for is among them", () => {
    // A loop every 0.67 s: a screenshot at 5.83 s matched the samples at 6.5, 7.0 and 5.5 s about equally.
    const kept = (t: number) => ({ before: t - 0.5, after: t + 0.5 });
    const { times, step } = refinementTimes(
      [6.5, 7, 5.5].map((t) => ({ time: t, kept: kept(t) })),
      o,
    );
    expect(step).toBeCloseTo(1 / 30, 6);
    for (const asked of [5.83, 7.17]) expect(times.some((t) => Math.abs(t - asked) < 1 / 30)).toBe(true);
    // Overlapping windows read each frame once.
    const frames = times.map((t) => frameAt(t, 30));
    expect(new Set(frames).size).toBe(frames.length);
    expect(frames[0]).toBe(frameAt(5, 30));
    expect(frames.at(-1)).toBe(frameAt(7.5, 30));
  });

  it("picks a loop's repeats among the sampled frames, best first, with their kept neighbours", () => {
    const times = [5, 5.5, 6, 6.5, 7, 7.5, 8];
    const distances = [30, 14, 40, 10, 12, 13, 60];
    expect(candidateMoments(times, distances, 3, 0.5)).toEqual([
      { time: 6.5, kept: { before: 6, after: 7 } },
      { time: 7, kept: { before: 6.5, after: 7.5 } },
      { time: 7.5, kept: { before: 7, after: 8 } },
    ]);
    // Only frames nearly as close as the best count; one sampled moment is a window of its own.
    expect(candidateMoments([0, 4, 9], [5, 40, 17], 3, 0.5).map((m) => m.time)).toEqual([0, 9]);
    expect(candidateMoments([3], [20], 3, 0.5)).toEqual([{ time: 3, kept: { before: null, after: null } }]);
    expect(candidateMoments([], [], 3, 0.5)).toEqual([]);
  });

  it('says how coarse a window over a pruned stretch stepped', () => {
    const { step } = refinementTimes([{ time: 10, kept: { before: 7, after: 13 } }], o);
    expect(step).toBeCloseTo(0.1, 6);
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

  it('with picture scores, ranks frames by them, a few bits further included, identical pictures by time', () => {
    // The frame at 2.32 s is the picture; the one at 2.12 s happens to share a few more bits with the screenshot.
    const window = [
      { time: 2.0, distance: 20, score: 0.9 },
      { time: 2.12, distance: 18, score: 0.93 },
      { time: 2.32, distance: 24, score: 0.98 },
      { time: 2.6, distance: 29, score: 0.99 }, // too many bits away to count
    ];
    expect(pickMoment(window, sampled)).toEqual({ time: 2.32, distance: 20, moved: true, score: 0.98 });
    const still = [1.8, 1.9, 2.2].map((time) => ({ time, distance: 21, score: 0.95 }));
    expect(pickMoment(still, sampled)).toEqual({ time: 1.9, distance: 20, moved: true, score: 0.95 });
  });
});
