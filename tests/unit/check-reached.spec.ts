// checkReached tells a file that ends early from a VFR still stretch (a screen recording that holds one frame for
// seconds): both hand back a frame long before the time asked.
import { describe, expect, test } from 'vitest';
import { burstAfter, checkReached } from '../../src/workers/media/stage-ops';
import type { RgbaFrame } from '../../src/lib/media/types';

const frame = (time: number, shownUntil?: number): RgbaFrame => ({
  time,
  width: 1,
  height: 1,
  data: new Uint8ClampedArray(4),
  keyframe: false,
  shownUntil,
});

describe('checkReached', () => {
  test('a frame far before the time asked, well inside the video, means the file is truncated', () => {
    expect(() => checkReached(frame(2.5), 6, 12)).toThrow(/truncated: nothing after 2\.5 s of its 12\.0 s/);
    // The decoder says the frame ended long before: still truncated.
    expect(() => checkReached(frame(2.5, 2.54), 6, 12)).toThrow(/truncated/);
  });

  test('a frame still on screen at the time asked is the right answer (VFR still stretch)', () => {
    expect(() => checkReached(frame(2.5, 5.5), 5, 12)).not.toThrow();
    expect(() => checkReached(frame(8, 11.95), 10, 12)).not.toThrow();
  });

  test('near frames and times near the end pass as before', () => {
    expect(() => checkReached(frame(4.96), 5, 12)).not.toThrow();
    expect(() => checkReached(frame(9.5), 11.5, 12)).not.toThrow();
  });
});

describe('burstAfter', () => {
  test('a frame held for seconds whose successor starts before the next planned time: sample that successor', () => {
    // Shown from 2.48 s to 5.52 s; asked at 5.5 s, next planned at 6 s: the frames of 5.52-6 s would be skipped.
    expect(burstAfter(frame(2.48, 5.52), 5.5, 6)).toBeCloseTo(5.521, 6);
  });

  test('nothing for ordinary frames, for stills that last past the next planned time, or without the duration', () => {
    expect(burstAfter(frame(5.48, 5.52), 5.5, 6)).toBeNull();
    expect(burstAfter(frame(2.48, 5.52), 3, 3.5)).toBeNull();
    expect(burstAfter(frame(2.48), 5.5, 6)).toBeNull();
  });
});
