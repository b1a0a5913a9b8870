import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { fingerprint, hamming } from '../../src/lib/search/fingerprint';
import { defaultSearchSettings } from '../../src/lib/search/settings';
import { finelyDetailed, textureFingerprint, texturePatch } from '../../src/lib/search/texture';
import { searchApi } from '../../src/workers/search/api';
import { seededRandom } from '../shared/random';
import { memoryBlobs } from './memory-blobs';

/** A grey picture whose luma at (x, y) is `luma(x, y)` (clamped to 0–255). */
function grey(width: number, height: number, luma: (x: number, y: number) => number, time = 0): RgbaFrame {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = luma(x, y);
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return { time, width, height, data, keyframe: false };
}

const checkerboard = (x: number, y: number) => ((x + y) % 2 ? 240 : 12);
const patterns: Record<string, (x: number, y: number) => number> = {
  lines: (_, y) => (y % 2 ? 240 : 20),
  columns: (x) => (x % 2 ? 240 : 20),
  'two-pixel checkerboard': (x, y) => (((x >> 1) + (y >> 1)) % 2 ? 240 : 12),
  weave: (x, y) => ((x + 2 * y) % 3 ? 235 : 25),
};

/** A camera-like picture: soft gradients and blobs with a little grain. */
function camera(seed: number, width = 320, height = 180): RgbaFrame {
  const r = seededRandom(seed);
  const blobs = Array.from({ length: 6 }, () => ({ x: r() * width, y: r() * height, s: 10 + r() * 60, v: r() * 200 }));
  const [gx, gy] = [r() * 0.6, r() * 0.6];
  return grey(width, height, (x, y) => {
    let v = 30 + gx * x + gy * y + (r() - 0.5) * 6;
    for (const b of blobs) v += b.v * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.s * b.s));
    return v;
  });
}

const codeOf = (frame: RgbaFrame) => {
  const patch = texturePatch(frame);
  return patch && textureFingerprint(patch);
};

describe('texture codes', () => {
  const library = grey(854, 356, checkerboard);
  const code = codeOf(library)!;

  it('a one-pixel checkerboard has no layout fingerprint at the index size, but a texture code', () => {
    expect(fingerprint(library)).toBeNull();
    expect(code).not.toBeNull();
    expect(finelyDetailed(texturePatch(library)!)).toBe(true);
  });

  it('a screenshot of it is found: cropped at an odd offset, with less contrast, with grain', () => {
    const noise = seededRandom(7);
    const shots = {
      cropped: grey(801, 311, (x, y) => checkerboard(x + 13, y + 27)),
      'less contrast': grey(854, 356, (x, y) => 90 + 0.5 * checkerboard(x, y)),
      grainy: grey(854, 356, (x, y) => checkerboard(x, y) + (noise() - 0.5) * 50),
    };
    for (const [what, shot] of Object.entries(shots)) {
      const c = codeOf(shot);
      expect(c, what).not.toBeNull();
      expect(hamming(c!, 0, code, 0), what).toBeLessThanOrEqual(12);
    }
  });

  it('other regular patterns are far from it and from each other', () => {
    const codes = Object.entries(patterns).map(([what, luma]) => [what, codeOf(grey(854, 356, luma))!] as const);
    for (const [what, c] of codes) {
      expect(c, what).not.toBeNull();
      expect(hamming(c, 0, code, 0), what).toBeGreaterThanOrEqual(80);
      for (const [other, d] of codes) if (other !== what) expect(hamming(c, 0, d, 0)).toBeGreaterThanOrEqual(80);
    }
  });

  it('noise and camera pictures get no texture code, and camera pictures are not finely detailed', () => {
    const noise = seededRandom(3);
    expect(codeOf(grey(854, 356, () => noise() * 255))).toBeNull();
    for (let seed = 1; seed <= 10; seed++) {
      expect(codeOf(camera(seed)), `camera ${seed}`).toBeNull();
      expect(finelyDetailed(texturePatch(camera(seed))!), `camera ${seed}`).toBe(false);
    }
  });

  it('texture codes sit far from every layout fingerprint, so neither kind answers for the other', () => {
    const codes = [code, ...Object.values(patterns).map((luma) => codeOf(grey(854, 356, luma))!)];
    let nearest = Infinity;
    for (let seed = 1; seed <= 40; seed++) {
      const layout = fingerprint(camera(seed, 160, 90))!;
      for (const c of codes) nearest = Math.min(nearest, hamming(layout, 0, c, 0));
    }
    // The threshold lets a match be at most 51 bits away (similarity 0.80).
    expect(nearest).toBeGreaterThanOrEqual(100);
  });

  it('the search worker indexes a texture patch beside its flat frame, and a screenshot finds it there', async () => {
    const api = searchApi(async () => memoryBlobs());
    const flat = grey(160, 67, () => 126, 1.5); // the checkerboard at the index's size: grey
    const patch = { ...texturePatch(library)!, time: 1.5, keyframe: false, texture: true as const };
    api.addFrames(4, 'interval', [flat, patch]);
    const stored = await api.commit(4, 1, 'interval');
    expect(stored.frames).toBe(1);
    const shot = codeOf(grey(801, 311, (x, y) => checkerboard(x + 13, y + 27)))!;
    const { matches } = await api.searchFingerprints([shot], defaultSearchSettings);
    expect(matches[0][0]).toMatchObject({ videoId: 4 });
    expect(matches[0][0].time).toBeCloseTo(1.5, 2);
  });
});
