// checkReached tells a file that ends early from a VFR still stretch (a screen recording that holds one frame for
// seconds): both hand back a frame long before the time asked.
import { describe, expect, test } from 'vitest';
import { checkReached } from '../../src/workers/media/stage-ops';
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
