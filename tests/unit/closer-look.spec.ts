import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { fingerprintCoefficients, fingerprintOf, hamming } from '../../src/lib/search/fingerprint';
import { detailSide, queryPicture, resample, type Plane } from '../../src/lib/search/picture-align';
import { MomentQueries } from '../../src/workers/search/moments';
import { seededRandom } from '../shared/random';

// A hand-held talking head, as in media-dev's Matroska copies: a second at 30 fps in which the whole picture drifts
// by about a pixel of 1080 and the head a little more. Cropped screenshots of it were answered half a second off:
// a crop placed on one frame makes up for the drift on any frame.

const [sceneW, sceneH, fps, frameCount] = [1080, 720, 30, 30];
const random = seededRandom(31);
const waves = Array.from({ length: 14 }, () => ({
  fx: (random() - 0.5) * 0.09,
  fy: (random() - 0.5) * 0.09,
  phase: random() * 6.28,
  amp: 8 + random() * 14,
}));

/**
 * The scene's brightness at (x, y) in 1080-px units, frame `n`: a ceiling drifting, a head drifting a bit more;
 * `speed` times as fast for a pan.
 */
function scene(x: number, y: number, n: number, speed: number): number {
  const t = (n / frameCount) * speed;
  const [bx, by] = [x + 1.2 * t, y - 0.6 * t];
  let v = 120;
  for (const w of waves) v += w.amp * Math.sin(w.fx * bx + w.fy * by + w.phase);
  const [hx, hy] = [x - 540 + 2.6 * t, y - 380 + 0.8 * Math.sin((t / speed) * 6)];
  // Edges a couple of pixels of 1080 wide (glasses, a vent): sharp to a decoder, smooth enough for the samples below.
  if (hx * hx + (hy * hy) / 1.6 < 200 * 200)
    v = 125 + 35 * Math.tanh(2 * Math.sin(hx * 0.11)) + 25 * Math.tanh(2 * Math.cos(hy * 0.07 + hx * 0.02));
  else v -= 30 * (1 + Math.tanh(4 * (Math.sin(bx * 0.03) - 0.9))) * (1 + Math.tanh(4 * (Math.sin(by * 0.021) - 0.5)));
  return v;
}

/** The scene's size as decoded: a decoder's frame at half of 1080, which every picture below is made from. */
const [decodedW, decodedH] = [sceneW / 2, sceneH / 2];
const decoded = new Map<string, Plane>();

/** Frame `n` as decoded (its luma), made once. */
function decodedFrame(n: number, speed: number): Plane {
  let plane = decoded.get(`${n}@${speed}`);
  if (plane) return plane;
  const data = new Float32Array(decodedW * decodedH);
  for (let y = 0; y < decodedH; y++)
    for (let x = 0; x < decodedW; x++) data[y * decodedW + x] = scene((x + 0.5) * 2, (y + 0.5) * 2, n, speed);
  decoded.set(`${n}@${speed}`, (plane = { width: decodedW, height: decodedH, data }));
  return plane;
}

/** A luma plane as an RGBA frame of frame `n`'s time (a warm grey: the colour planes are not flat). */
function rgba(plane: Plane, n: number): RgbaFrame {
  const { width, height } = plane;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = plane.data[i];
    data.set([v, v * 0.9, v * 0.8, 255], i * 4);
  }
  return { time: n / fps, width, height, data, keyframe: false };
}

/** Frame `n` scaled to `width` px wide, as the media worker hands window frames on. */
function render(n: number, width: number, speed: number): RgbaFrame {
  const whole = { x: 0, y: 0, width: decodedW, height: decodedH };
  return rgba(resample(decodedFrame(n, speed), whole, width, Math.round((width * decodedH) / decodedW)), n);
}

/** A screenshot of frame `n` cropped to `crop` (decoded pixels), at its own size. */
function screenshot(n: number, crop: { x: number; y: number; w: number; h: number }, speed: number): RgbaFrame {
  return rgba(
    resample(decodedFrame(n, speed), { x: crop.x, y: crop.y, width: crop.w, height: crop.h }, crop.w, crop.h),
    n,
  );
}

/** Asks for `shot`'s moment among the window's frames, and reads closer when asked; the picked frame number. */
function refine(shot: RgbaFrame, sampledFrame: number, speed: number) {
  const moments = new MomentQueries();
  const coefficients = fingerprintCoefficients(shot)!;
  moments.keep('q', coefficients, () => queryPicture(shot, false));
  const sampled = {
    time: sampledFrame / fps,
    distance: hamming(
      fingerprintOf(fingerprintCoefficients(render(sampledFrame, 160, speed))!),
      0,
      fingerprintOf(coefficients),
      0,
    ),
  };
  moments.add(
    'q',
    1,
    Array.from({ length: frameCount }, (_, n) => render(n, 160, speed)),
  );
  const first = moments.pick('q', 1, sampled)!;
  if (!first.closer) return { first, closer: null };
  expect(first.closer.side).toBe(detailSide);
  moments.add(
    'q',
    1,
    first.closer.times.map((t) => render(Math.round(t * fps), first.closer!.side, speed)),
  );
  const closer = moments.pickCloser('q', 1, { time: first.time, distance: first.distance })!;
  return { first, closer };
}

/** 8% of the area cropped off frame `truth` as search-media-dev's screenshots are, the rest at (cx, cy). */
function cropOf(truth: number, cx: number, cy: number, speed: number): RgbaFrame {
  const keep = Math.sqrt(0.92);
  const [w, h] = [Math.round(decodedW * keep), Math.round(decodedH * keep)];
  return screenshot(truth, { x: Math.round(cx * (decodedW - w)), y: Math.round(cy * (decodedH - h)), w, h }, speed);
}

describe('a cropped screenshot', () => {
  it('of a near-still shot is read closer, and found at its own frame', () => {
    for (const [truth, cx, cy] of [
      [26, 0.3, 0.7],
      [4, 0.9, 0.1],
      [17, 0.5, 0.5],
    ]) {
      const { first, closer } = refine(cropOf(truth, cx, cy, 1), 0, 1);
      expect(first.closer, `crop of frame ${truth}: read closer`).toBeDefined();
      expect(Math.abs(closer!.time * fps - truth), `crop of frame ${truth}`).toBeLessThanOrEqual(1);
    }
  });

  it('of a pan is read closer around the first answer, and found at its own frame', () => {
    // 72 px of 1080 a second: 2.4 px a frame, a third of a pixel at the window frames' 160 px.
    for (const [truth, cx, cy] of [
      [12, 0.9, 0.7],
      [21, 0.2, 0.4],
    ]) {
      const { first, closer } = refine(cropOf(truth, cx, cy, 60), truth - 3, 60);
      expect(first.closer, `crop of frame ${truth}: read closer`).toBeDefined();
      expect(first.closer!.times.length).toBeLessThanOrEqual(7);
      expect(closer!.time * fps, `crop of frame ${truth}`).toBeCloseTo(truth, 6);
    }
  });

  it('is not read closer when the screenshot is the whole frame', () => {
    const { first, closer } = refine(screenshot(20, { x: 0, y: 0, w: decodedW, h: decodedH }, 1), 0, 1);
    expect(first.closer).toBeUndefined();
    expect(closer).toBeNull();
  });
});
