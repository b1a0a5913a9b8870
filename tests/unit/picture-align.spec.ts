import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { cropBorders } from '../../src/lib/search/borders';
import { correlation, lumaPlane, placeQuery, queryPicture } from '../../src/lib/search/picture-align';
import { seededRandom } from '../shared/random';

/** Frame `n` of a 160×90 shot of drifting waves: each frame differs from the next only a little. */
function waves(n: number, width = 160, height = 90): RgbaFrame {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [u, v] = [(x / width) * 160, (y / height) * 90];
      const value =
        128 +
        50 * Math.sin(u / 9 + n * 0.05) +
        40 * Math.sin(Math.hypot(u - 60 - n * 0.6, v - 40) / 7) +
        20 * Math.sin(v / 5 - n * 0.03);
      data.set([value, value * 0.8, 255 - value, 255], (y * width + x) * 4);
    }
  return { time: n / 25, width, height, data, keyframe: false };
}

/** A 160×90 picture of random 10-pixel blocks: nothing like the waves. */
function blocks(): RgbaFrame {
  const random = seededRandom(11);
  const cells = Array.from({ length: 16 * 9 }, () => 40 + random() * 180);
  const data = new Uint8ClampedArray(160 * 90 * 4);
  for (let y = 0; y < 90; y++)
    for (let x = 0; x < 160; x++) {
      const v = cells[Math.floor(y / 10) * 16 + Math.floor(x / 10)];
      data.set([v, v, v, 255], (y * 160 + x) * 4);
    }
  return { time: 0, width: 160, height: 90, data, keyframe: false };
}

/** A screenshot of `frame` as a user might make it: part of it (x, y, w, h in pixels), brighter, noisy, mirrored. */
function screenshot(
  frame: RgbaFrame,
  o: { x: number; y: number; w: number; h: number; gain?: number; noise?: number; mirror?: boolean },
): RgbaFrame {
  const random = seededRandom(5);
  const data = new Uint8ClampedArray(o.w * o.h * 4);
  for (let y = 0; y < o.h; y++)
    for (let x = 0; x < o.w; x++) {
      const sx = o.mirror ? o.x + o.w - 1 - x : o.x + x;
      const p = ((o.y + y) * frame.width + sx) * 4;
      for (let c = 0; c < 3; c++)
        data[(y * o.w + x) * 4 + c] = frame.data[p + c] * (o.gain ?? 1) + (random() - 0.5) * (o.noise ?? 0);
      data[(y * o.w + x) * 4 + 3] = 255;
    }
  return { time: 0, width: o.w, height: o.h, data, keyframe: true };
}

/** The frame among `candidates` a screenshot is scored closest to, placed on `reference` as refinement does. */
function closest(shot: RgbaFrame, reference: RgbaFrame, candidates: number[], mirror = false): number {
  const query = queryPicture(shot, mirror);
  const { rect } = placeQuery(query, lumaPlane(reference), cropBorders(reference));
  const scores = candidates.map((n) => correlation(query.fine, lumaPlane(waves(n)), rect));
  return candidates[scores.indexOf(Math.max(...scores))];
}

describe('scoring window frames against a screenshot', () => {
  const around = (n: number) => Array.from({ length: 13 }, (_, i) => n - 6 + i);

  it('finds the frame a whole, brightened, noisy screenshot shows, where neighbours look alike', () => {
    const shot = screenshot(waves(40), { x: 0, y: 0, w: 160, h: 90, gain: 1.15, noise: 12 });
    expect(closest(shot, waves(37), around(40))).toBe(40);
  });

  it('places a cropped screenshot on the frame and finds its frame', () => {
    const shot = screenshot(waves(52), { x: 9, y: 3, w: 147, h: 83, noise: 8 });
    const query = queryPicture(shot, false);
    const placed = placeQuery(query, lumaPlane(waves(52)), cropBorders(waves(52)));
    expect(placed.rect.x).toBeCloseTo(9, 0);
    expect(placed.rect.width).toBeCloseTo(147, -1);
    expect(placed.score).toBeGreaterThan(0.95);
    expect(closest(shot, waves(50), around(52))).toBe(52);
  });

  it('compares a mirrored screenshot mirrored back', () => {
    const shot = screenshot(waves(30), { x: 0, y: 0, w: 160, h: 90, mirror: true, noise: 6 });
    expect(closest(shot, waves(30), around(30), true)).toBe(30);
  });

  it('scores an unrelated picture far below the frame it does not show', () => {
    const other = blocks();
    const query = queryPicture(waves(10), false);
    const placed = placeQuery(query, lumaPlane(other), cropBorders(other));
    const right = placeQuery(query, lumaPlane(waves(10)), cropBorders(waves(10)));
    expect(right.score).toBeGreaterThan(0.99);
    expect(placed.score).toBeLessThan(0.6);
  });
});
