import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { fingerprint, fingerprintCoefficients, hamming } from '../../src/lib/search/fingerprint';
import { momentWindow } from '../../src/lib/search/moment';
import { MomentQueries } from '../../src/workers/search/moments';
import { queryPicture } from '../../src/lib/search/picture-align';
import { seededRandom } from '../shared/random';

/** Which frame of a `fps` video a decoder shows at `t` (the last one starting at or before it). */
const frameAt = (t: number, fps: number) => Math.floor(t * fps + 1e-9);

/** Frame `n` of a 25 fps video that scrolls a field of random blocks one pixel left per frame. */
function scrolling(n: number, brighten = 0): RgbaFrame {
  const [width, height, block] = [96, 64, 8];
  const random = seededRandom(7);
  const cols = 64;
  const field = Array.from({ length: cols * (height / block) }, () => 30 + random() * 200);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = field[Math.floor(y / block) * cols + (Math.floor((x + n) / block) % cols)] + brighten;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return { time: n / 25, width, height, data, keyframe: false };
}

describe('refining in the search worker', () => {
  it('finds the exact frame of a screenshot taken between two sampled frames', () => {
    const moments = new MomentQueries();
    const truth = 58; // 2.32 s: between the samples at 2.0 and 2.5 s
    const query = fingerprint(scrolling(truth, 12))!;
    moments.keep('q1', fingerprintCoefficients(scrolling(truth, 12))!, () => queryPicture(scrolling(truth, 12), false));
    const sampledFrame = scrolling(50);
    const sampled = { time: 2, distance: hamming(fingerprint(sampledFrame)!, 0, query, 0) };
    expect(sampled.distance).toBeGreaterThan(0);
    const window = momentWindow(sampled.time, { before: 0.5, after: 0.5, fps: 25, duration: 10, maxFrames: 61 });
    const frames = window.map((t) => scrolling(frameAt(t, 25)));
    moments.add('q1', 9, frames.slice(0, 16));
    moments.add('q1', 9, frames.slice(16));
    const picked = moments.pick('q1', 9, sampled)!;
    expect(picked.frames).toBe(window.length);
    expect(picked.time).toBeCloseTo(truth / 25, 6);
    expect(picked.distance).toBeLessThan(sampled.distance);
  });

  it('keeps nothing of a query once dropped, and ignores frames that arrive after', () => {
    const moments = new MomentQueries();
    moments.keep('q2', fingerprintCoefficients(scrolling(10))!, () => queryPicture(scrolling(10), false));
    moments.drop('q2');
    moments.add('q2', 1, [scrolling(10)]);
    expect(moments.size).toBe(0);
    expect(moments.pick('q2', 1, { time: 0.4, distance: 3 })).toBeNull();
  });
});
