import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { colourDistance, colourLayout, colourMismatch, colourOrder } from '../../src/lib/search/picture-colour';
import { seededRandom } from '../shared/random';

/** A 160×90 fractal-like pattern whose luma is `pattern` and whose colours come from one of two palettes. */
function render(palette: 'warm' | 'cool', o: { gain?: number; noise?: number; mirror?: boolean } = {}): RgbaFrame {
  const random = seededRandom(3);
  const [width, height] = [160, 90];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sx = o.mirror ? width - 1 - x : x;
      const t = 0.5 + 0.5 * Math.sin(sx / 11) * Math.cos(y / 7 + sx / 23);
      // Two palettes of the same luma ramp (0.299 r + 0.587 g + 0.114 b is 60 + 140 t in both).
      const rgb =
        palette === 'warm'
          ? [60 + 180 * t, 60 + 100 * t, 60 + 200 * t - 2 * (180 * t * 0.299 + 100 * t * 0.587 - 140 * t)]
          : [60 + 60 * t, 60 + 180 * t, 60 + 200 * t - 2 * (60 * t * 0.299 + 180 * t * 0.587 - 140 * t)];
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 4 + c] = rgb[c] * (o.gain ?? 1) + (random() - 0.5) * (o.noise ?? 0);
      data[(y * width + x) * 4 + 3] = 255;
    }
  return { time: 0, width, height, data, keyframe: false };
}

const whole = { x: 0, y: 0, width: 160, height: 90 };

describe('colour layout', () => {
  it('keeps a screenshot of the frame close through brightness and noise, and tells another palette apart', () => {
    const frame = colourLayout(render('warm'), whole);
    const shot = colourLayout(render('warm', { gain: 1.15, noise: 12 }), whole);
    const twin = colourLayout(render('cool', { gain: 1.15, noise: 12 }), whole);
    expect(colourDistance(frame, shot)!).toBeLessThan(0.03);
    expect(colourDistance(frame, twin)!).toBeGreaterThan(colourMismatch);
  });

  it('reads a mirrored screenshot back in the frame’s orientation', () => {
    // A frame warm on its left half and cool on its right, and its mirror image.
    const half = colourLayout(halves(render('warm'), render('cool')), whole);
    const mirrored = colourLayout(halves(render('cool'), render('warm')), whole, true);
    expect(colourDistance(half, mirrored)!).toBeLessThan(0.03);
    expect(colourDistance(half, colourLayout(halves(render('cool'), render('warm')), whole))!).toBeGreaterThan(
      colourMismatch,
    );
  });

  it('says nothing for pictures too dark to have colours', () => {
    const dark = render('warm', { gain: 0.05 });
    expect(colourDistance(colourLayout(dark, whole), colourLayout(render('cool'), whole))).toBeNull();
  });
});

describe('colour order', () => {
  it('puts answers in other colours after those in the image’s, each in its order', () => {
    expect(colourOrder([0.3, 0.01, null, 0.02])).toEqual([1, 2, 3, 0]);
    expect(colourOrder([0.01, 0.4, 0.02])).toEqual([0, 2, 1]);
  });

  it('keeps the order when nothing is in the image’s colours (a black-and-white screenshot)', () => {
    expect(colourOrder([0.3, 0.25, 0.4])).toEqual([0, 1, 2]);
    expect(colourOrder([])).toEqual([]);
  });
});

/** The left half of `a` beside the right half of `b`. */
function halves(a: RgbaFrame, b: RgbaFrame): RgbaFrame {
  const data = new Uint8ClampedArray(a.data);
  for (let y = 0; y < a.height; y++) {
    const from = (y * a.width + a.width / 2) * 4;
    data.set(b.data.subarray(from, from + (a.width / 2) * 4), from);
  }
  return { ...a, data };
}
