import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { frameStats } from '../../src/lib/media/frame-stats';
import { cropBorders, cropFrame } from '../../src/lib/search/borders';
import {
  fingerprint,
  fingerprintCoefficients,
  fingerprintOf,
  fingerprintBits,
  fingerprintWords,
  frameDetail,
  hamming,
  isNearDuplicate,
  minDetail,
  mirroredCoefficients,
  popcount32,
  pruneConsecutive,
  rejectReason,
  similarity,
} from '../../src/lib/search/fingerprint';
import { seededRandom } from '../shared/random';

// ---- Synthetic pictures --------------------------------------------------------------------------------------

function blank(width: number, height: number): RgbaFrame {
  return { time: 0, width, height, data: new Uint8ClampedArray(width * height * 4), keyframe: false };
}

function paint(width: number, height: number, colour: (x: number, y: number) => [number, number, number]) {
  const f = blank(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      f.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return f;
}

type Shape = { kind: 'disc' | 'box'; cx: number; cy: number; rx: number; ry: number; rgb: number[] };

/**
 * A natural-ish picture: a coloured gradient, a few soft waves, discs and boxes in random colours, and fine
 * grain. Coordinates are relative (0..1) so the same seed can be painted at any size.
 */
function picture(seed: number, width = 160, height = 90): RgbaFrame {
  const r = seededRandom(seed);
  const c0 = [r() * 255, r() * 255, r() * 255];
  const c1 = [r() * 255, r() * 255, r() * 255];
  const angle = r() * Math.PI * 2;
  const waves = Array.from({ length: 3 }, () => ({
    fx: (r() - 0.5) * 8,
    fy: (r() - 0.5) * 8,
    phase: r() * 6.28,
    amp: 15 + r() * 30,
  }));
  const shapes: Shape[] = Array.from({ length: 4 + Math.floor(r() * 5) }, () => ({
    kind: r() < 0.5 ? 'disc' : 'box',
    cx: r(),
    cy: r(),
    rx: 0.05 + r() * 0.25,
    ry: 0.05 + r() * 0.3,
    rgb: [r() * 255, r() * 255, r() * 255],
  }));
  const grainSeed = seed * 7919 + 1;
  const grain = seededRandom(grainSeed);
  return paint(width, height, (px, py) => {
    const u = px / width;
    const v = py / height;
    const t = 0.5 + 0.5 * Math.sin(angle) * (u - 0.5) * 2 + 0.5 * Math.cos(angle) * (v - 0.5);
    const rgb = c0.map((a, i) => a + (c1[i] - a) * Math.min(1, Math.max(0, t)));
    let wave = 0;
    for (const w of waves) wave += w.amp * Math.sin(6.28 * (w.fx * u + w.fy * v) + w.phase);
    for (const s of shapes) {
      const dx = (u - s.cx) / s.rx;
      const dy = (v - s.cy) / s.ry;
      const inside = s.kind === 'disc' ? dx * dx + dy * dy < 1 : Math.abs(dx) < 1 && Math.abs(dy) < 1;
      if (inside) for (let i = 0; i < 3; i++) rgb[i] = s.rgb[i];
    }
    const g = (grain() - 0.5) * 12;
    return [rgb[0] + wave * 0.5 + g, rgb[1] + wave * 0.3 + g, rgb[2] + wave * 0.4 + g] as [number, number, number];
  });
}

// ---- Transforms ----------------------------------------------------------------------------------------------

/** Small round lights scattered on black (the same layout at any size): a concert filmed at night. */
function lights(seed: number, width: number, height: number): RgbaFrame {
  const random = seededRandom(seed);
  const dots = Array.from({ length: 160 }, () => [random() * width, random() * height, 0.6 + random()] as const);
  const radius = width / 160;
  return paint(width, height, (x, y) => {
    for (const [dx, dy, b] of dots)
      if ((x - dx) ** 2 + (y - dy) ** 2 <= radius * radius) return [230 * b, 220 * b, 200 * b];
    return [3, 3, 4];
  });
}

function map(f: RgbaFrame, fn: (v: number, i: number) => number): RgbaFrame {
  const out = blank(f.width, f.height);
  for (let i = 0; i < f.data.length; i++) out.data[i] = (i & 3) === 3 ? f.data[i] : fn(f.data[i], i);
  return out;
}

/** Halve each side by averaging 2×2 blocks. */
function downscale(f: RgbaFrame): RgbaFrame {
  const w = f.width >> 1;
  const h = f.height >> 1;
  const out = blank(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 4; c++) {
        const at = (yy: number, xx: number) => f.data[(yy * f.width + xx) * 4 + c];
        out.data[(y * w + x) * 4 + c] =
          (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
      }
  return out;
}

const brightness = (f: RgbaFrame, share: number) => map(f, (v) => v * (1 + share));
const contrast = (f: RgbaFrame, gain: number) => map(f, (v) => 128 + (v - 128) * gain);

/** Remove `share` of the width and height, split unevenly between the two sides. */
function crop(f: RgbaFrame, share: number): RgbaFrame {
  const dx = Math.round(f.width * share);
  const dy = Math.round(f.height * share);
  const x = Math.round(dx * 0.6);
  const y = Math.round(dy * 0.4);
  return cropFrame(f, { x, y, width: f.width - dx, height: f.height - dy });
}

/** Put the picture inside a black canvas with `top` rows above and below and `side` columns left and right. */
function bars(f: RgbaFrame, top: number, side: number, level = 0): RgbaFrame {
  const out = paint(f.width + 2 * side, f.height + 2 * top, () => [level, level, level]);
  for (let y = 0; y < f.height; y++)
    out.data.set(f.data.subarray(y * f.width * 4, (y + 1) * f.width * 4), ((y + top) * out.width + side) * 4);
  return out;
}

/** A caption-like overlay: a few white glyph-sized boxes on a dark strip in the bottom-right corner. */
function caption(f: RgbaFrame): RgbaFrame {
  const out = map(f, (v) => v);
  const fill = (x0: number, y0: number, w: number, h: number, v: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out.data.set([v, v, v], (y * f.width + x) * 4);
  };
  const x0 = Math.round(f.width * 0.6);
  const y0 = Math.round(f.height * 0.82);
  fill(x0, y0, Math.round(f.width * 0.36), Math.round(f.height * 0.12), 20);
  for (let i = 0; i < 8; i++) fill(x0 + 2 + i * 7, y0 + 3, 4, Math.round(f.height * 0.12) - 6, 240);
  return out;
}

/** Compression-like damage: each 4×4 block pulled toward its mean, plus seeded noise. */
function noisy(f: RgbaFrame, seed: number, amplitude = 10): RgbaFrame {
  const r = seededRandom(seed);
  const out = map(f, (v) => v);
  for (let by = 0; by + 4 <= f.height; by += 4)
    for (let bx = 0; bx + 4 <= f.width; bx += 4)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = by; y < by + 4; y++) for (let x = bx; x < bx + 4; x++) sum += f.data[(y * f.width + x) * 4 + c];
        const mean = sum / 16;
        for (let y = by; y < by + 4; y++)
          for (let x = bx; x < bx + 4; x++) {
            const p = (y * f.width + x) * 4 + c;
            out.data[p] = 0.5 * f.data[p] + 0.5 * mean;
          }
      }
  for (let i = 0; i < out.data.length; i++) if ((i & 3) !== 3) out.data[i] = out.data[i] + (r() - 0.5) * 2 * amplitude;
  return out;
}

// ---- Helpers -------------------------------------------------------------------------------------------------

function fp(f: RgbaFrame): Uint32Array {
  const h = fingerprint(f);
  if (!h) throw new Error('expected a fingerprint');
  return h;
}
const dist = (a: Uint32Array, b: Uint32Array) => hamming(a, 0, b, 0);

function naiveHamming(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < a.length; w++) for (let bit = 0; bit < 32; bit++) n += ((a[w] ^ b[w]) >>> bit) & 1;
  return n;
}

/** Distance a transformed copy must stay within; distinct pictures must stay above `farApart`. */
const sameWithin = 56;
const farApart = 64;
const seeds = Array.from({ length: 24 }, (_, i) => 1000 + i * 37);

const transforms: [string, (f: RgbaFrame, seed: number) => RgbaFrame][] = [
  ['50% downscale', (f) => downscale(f)],
  ['brightness +15%', (f) => brightness(f, 0.15)],
  ['brightness -15%', (f) => brightness(f, -0.15)],
  ['contrast x1.15', (f) => contrast(f, 1.15)],
  ['contrast x0.85', (f) => contrast(f, 0.85)],
  ['8% crop', (f) => crop(f, 0.08)],
  ['letterbox bars', (f) => bars(f, 12, 0)],
  ['pillarbox bars', (f) => bars(f, 0, 20, 8)],
  ['caption overlay', (f) => caption(f)],
  ['compression noise', (f, s) => noisy(f, s)],
  ['downscale+noise+bright', (f, s) => brightness(noisy(downscale(f), s, 6), 0.1)],
  ['crop+bars+caption', (f) => caption(bars(crop(f, 0.05), 10, 0))],
];

// ---- Tests ---------------------------------------------------------------------------------------------------

describe('cropBorders', () => {
  it('finds letterbox and pillarbox bars, including slightly noisy ones', () => {
    const p = picture(5);
    expect(cropBorders(p)).toEqual({ x: 0, y: 0, width: 160, height: 90 });
    expect(cropBorders(bars(p, 15, 0))).toEqual({ x: 0, y: 15, width: 160, height: 90 });
    expect(cropBorders(bars(p, 0, 24, 10))).toEqual({ x: 24, y: 0, width: 160, height: 90 });
    const both = noisy(bars(p, 8, 6, 4), 3, 4);
    const rect = cropBorders(both);
    // The 4×4 blur may smear one line of picture into the bar; allow one pixel either way.
    expect(Math.abs(rect.x - 6)).toBeLessThanOrEqual(1);
    expect(Math.abs(rect.y - 8)).toBeLessThanOrEqual(1);
    expect(Math.abs(rect.width - 160)).toBeLessThanOrEqual(2);
    expect(Math.abs(rect.height - 90)).toBeLessThanOrEqual(2);
  });

  it('never crops more than 40% per side, and keeps a black frame whole', () => {
    const small = picture(6, 40, 20);
    const rect = cropBorders(bars(small, 60, 0));
    expect(rect.y).toBe(Math.floor(140 * 0.4));
    expect(rect.height).toBe(140 - 2 * Math.floor(140 * 0.4));
    expect(cropBorders(paint(100, 60, () => [3, 3, 3]))).toEqual({ x: 0, y: 0, width: 100, height: 60 });
  });

  it('keeps a dark scene whole: black sky over small lights is not a bar', () => {
    // A night concert: phone lights, thinning out towards a black roof. Every line at the top is dark and nearly
    // uniform, as a bar's are, but no step ends them: cropping there would cut a different share from each frame.
    const r = seededRandom(11);
    const lights = new Set<number>();
    for (let y = 0; y < 90; y++) for (let x = 0; x < 160; x++) if (r() < (y / 90) ** 2 * 0.08) lights.add(y * 160 + x);
    const scene = paint(160, 90, (x, y) => (lights.has(y * 160 + x) ? [230, 230, 210] : [2, 2, 3]));
    expect(cropBorders(scene)).toEqual({ x: 0, y: 0, width: 160, height: 90 });
    // Put in a letterbox, the step from a bar to a picture is still found.
    expect(cropBorders(bars(picture(8), 12, 0))).toEqual({ x: 0, y: 12, width: 160, height: 90 });
  });

  it('cropFrame copies the rectangle', () => {
    const p = picture(7, 20, 10);
    const c = cropFrame(p, { x: 3, y: 2, width: 5, height: 4 });
    expect([c.width, c.height]).toEqual([5, 4]);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 5; x++)
        expect(Array.from(c.data.subarray((y * 5 + x) * 4, (y * 5 + x) * 4 + 4))).toEqual(
          Array.from(p.data.subarray(((y + 2) * 20 + x + 3) * 4, ((y + 2) * 20 + x + 3) * 4 + 4)),
        );
  });
});

describe('fingerprint robustness (distances printed)', () => {
  const originals = seeds.map((s) => picture(s));
  const prints = originals.map(fp);

  it('keeps transformed copies close', () => {
    const lines: string[] = [];
    let worst = 0;
    for (const [name, transform] of transforms) {
      const d = originals.map((o, i) => dist(prints[i], fp(transform(o, seeds[i]))));
      const max = Math.max(...d);
      worst = Math.max(worst, max);
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      lines.push(`${name.padEnd(24)} mean ${mean.toFixed(1).padStart(5)}  max ${String(max).padStart(3)}`);
      expect(max, name).toBeLessThanOrEqual(sameWithin);
    }
    console.log(`transformed copies (of ${fingerprintBits} bits, limit ${sameWithin}):\n${lines.join('\n')}`);
    console.log(`worst transformed distance ${worst}`);
  });

  it('keeps distinct pictures far apart', () => {
    let min = fingerprintBits;
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < prints.length; i++)
      for (let j = i + 1; j < prints.length; j++) {
        const d = dist(prints[i], prints[j]);
        min = Math.min(min, d);
        sum += d;
        pairs++;
      }
    console.log(
      `distinct pictures: ${pairs} pairs, min ${min}, mean ${(sum / pairs).toFixed(1)} (limit > ${farApart})`,
    );
    expect(min).toBeGreaterThan(farApart);
  });

  it('gives the same fingerprint at any size of the same picture', () => {
    const d = dist(fp(picture(42, 160, 90)), fp(picture(42, 320, 180)));
    console.log(`same picture painted at 160×90 and 320×180: ${d}`);
    expect(d).toBeLessThanOrEqual(sameWithin);
  });
});

const fade = paint(160, 90, (x) => [100 + x * 0.2, 100 + x * 0.2, 100 + x * 0.2]);
const soft = paint(160, 90, (x, y) => [60 + x * 0.5 + y * 0.3, 80 + x * 0.3, 90 + y * 0.6]);

describe('quality gate', () => {
  it('rejects black, white, flat, dim and very smooth frames', () => {
    const grain = seededRandom(9);
    expect(fingerprint(paint(160, 90, () => [0, 0, 0]))).toBeNull();
    expect(fingerprint(paint(160, 90, () => [255, 255, 255]))).toBeNull();
    expect(fingerprint(paint(160, 90, () => [90, 140, 60]))).toBeNull();
    const dark = paint(160, 90, () => {
      const v = 4 + grain() * 10;
      return [v, v, v];
    });
    expect(fingerprint(dark)).toBeNull();
    const greyNoise = paint(160, 90, () => {
      const v = 120 + grain() * 12;
      return [v, v, v];
    });
    expect(fingerprint(greyNoise)).toBeNull();
    expect(rejectReason(fade)).toBe('smooth');
    expect(rejectReason(soft)).toBe('smooth');
    expect(
      fingerprint(
        bars(
          paint(160, 90, () => [2, 2, 2]),
          20,
          0,
        ),
      ),
    ).toBeNull();
    expect(fingerprint(blank(1, 1))).toBeNull();
    expect(fingerprint(blank(0, 0))).toBeNull();
  });

  it('accepts ordinary pictures, dark ones included', () => {
    for (const s of seeds) expect(rejectReason(picture(s)), `seed ${s}`).toBeNull();
    const night = map(picture(3), (v) => v * 0.25);
    expect(fingerprint(night)).not.toBeNull();
    // Darker still: small lights on black, as a phone films a concert (mean luma under 5), found at any size.
    const concert = lights(21, 320, 180);
    expect(frameStats(concert).mean).toBeLessThan(12);
    expect(fingerprint(concert)).not.toBeNull();
    expect(dist(fp(concert), fp(lights(21, 160, 90)))).toBeLessThanOrEqual(sameWithin);
    expect(dist(fp(concert), fp(lights(22, 320, 180)))).toBeGreaterThan(sameWithin * 1.5);
    // And brighter: dark lines on a white page, as a screen recording of a document shows it (mean over 245).
    const page = paint(320, 180, (x, y) =>
      y % 32 < 1 && x > 40 + ((y * 7) % 90) && x < 280 ? [0, 0, 0] : [255, 255, 255],
    );
    expect(frameStats(page).mean).toBeGreaterThan(245);
    expect(fingerprint(page)).not.toBeNull();
    const details = seeds.map((s) => frameDetail(picture(s)));
    console.log(
      `detail (gate ${minDetail}): pictures min ${Math.min(...details).toFixed(2)}, night ${frameDetail(night).toFixed(2)}, ` +
        `fade ${frameDetail(fade).toFixed(2)}, soft gradient ${frameDetail(soft).toFixed(2)}`,
    );
  });
});

describe('mirrored pictures', () => {
  it("gives a mirrored picture's coefficients from the picture's own, so a flipped copy is found", () => {
    for (const seed of [3, 8, 21]) {
      const f = picture(seed);
      const flipped = paint(f.width, f.height, (x, y) => {
        const i = (y * f.width + (f.width - 1 - x)) * 4;
        return [f.data[i], f.data[i + 1], f.data[i + 2]];
      });
      const mirrored = mirroredCoefficients(fingerprintCoefficients(f)!);
      const truth = fingerprintCoefficients(flipped)!;
      for (let c = 0; c < truth.length; c++) expect(mirrored[c]).toBeCloseTo(truth[c], 6);
      // As it is, the flipped picture is far from the original; mirrored, it is the same fingerprint.
      expect(dist(fp(f), fp(flipped))).toBeGreaterThan(sameWithin);
      expect(dist(fingerprintOf(mirrored), fp(flipped))).toBe(0);
    }
  });
});

describe('hamming distance', () => {
  it('popcount32 matches a bit loop', () => {
    const r = seededRandom(11);
    for (const v of [0, 1, 0x80000000, 0xffffffff, 0x55555555, 0xaaaaaaaa, 0x0f0f0f0f])
      expect(popcount32(v)).toBe(
        v
          .toString(2)
          .split('')
          .filter((c) => c === '1').length,
      );
    for (let i = 0; i < 1000; i++) {
      const v = Math.floor(r() * 2 ** 32);
      expect(popcount32(v)).toBe(
        v
          .toString(2)
          .split('')
          .filter((c) => c === '1').length,
      );
    }
  });

  it('hamming over packed words matches a naive count, at offsets', () => {
    const r = seededRandom(12);
    const packed = new Uint32Array(fingerprintWords * 50);
    for (let i = 0; i < packed.length; i++) packed[i] = Math.floor(r() * 2 ** 32);
    for (let a = 0; a < 50; a++)
      for (let b = 0; b < 50; b += 7) {
        const wa = packed.subarray(a * fingerprintWords, (a + 1) * fingerprintWords);
        const wb = packed.subarray(b * fingerprintWords, (b + 1) * fingerprintWords);
        expect(hamming(packed, a * fingerprintWords, packed, b * fingerprintWords)).toBe(naiveHamming(wa, wb));
      }
    const zero = new Uint32Array(8);
    const ones = new Uint32Array(8).fill(0xffffffff);
    expect(hamming(zero, 0, ones, 0)).toBe(256);
    expect(similarity(0)).toBe(1);
    expect(similarity(256)).toBe(0);
    expect(similarity(64)).toBe(0.75);
  });
});

describe('pruneConsecutive', () => {
  it('keeps the first of each run of near-identical frames, skips nulls, and keeps drift', () => {
    const a = fp(picture(1));
    const a2 = fp(noisy(picture(1), 5, 4));
    const b = fp(picture(2));
    expect(isNearDuplicate(a, a2, 24)).toBe(true);
    expect(isNearDuplicate(a, b, 24)).toBe(false);
    expect(pruneConsecutive([a, a2, a, null, b, b, a], 24)).toEqual([0, 4, 6]);
    expect(pruneConsecutive([null, null], 24)).toEqual([]);
    expect(pruneConsecutive([], 24)).toEqual([]);
    // Drift: each step flips 10 bits more than the last kept; compared with the last kept, not the previous.
    const steps = Array.from({ length: 6 }, (_, i) => {
      const f = new Uint32Array(8);
      for (let bit = 0; bit < i * 10; bit++) f[bit >> 5] |= 1 << (bit & 31);
      return f;
    });
    expect(pruneConsecutive(steps, 15)).toEqual([0, 2, 4]);
  });
});

describe('speed (printed, not asserted)', () => {
  it('fingerprints a 160×90 frame and scans 100k packed fingerprints', () => {
    const frames = seeds.slice(0, 8).map((s) => picture(s));
    for (const f of frames) fingerprint(f);
    const rounds = 300;
    let t = performance.now();
    for (let i = 0; i < rounds; i++) fingerprint(frames[i % frames.length]);
    const perFrameUs = ((performance.now() - t) * 1000) / rounds;

    const n = 100_000;
    const r = seededRandom(13);
    const store = new Uint32Array(n * fingerprintWords);
    for (let i = 0; i < store.length; i++) store[i] = Math.floor(r() * 2 ** 32);
    const query = fp(frames[0]);
    let best = fingerprintBits;
    const scans = 5;
    t = performance.now();
    for (let s = 0; s < scans; s++)
      for (let i = 0, off = 0; i < n; i++, off += fingerprintWords) {
        const d = hamming(query, 0, store, off);
        if (d < best) best = d;
      }
    const ms = performance.now() - t;
    console.log(
      `fingerprint 160×90: ${perFrameUs.toFixed(0)} µs/frame; hamming: ${Math.round((n * scans) / ms)} distances/ms ` +
        `(${(ms / scans).toFixed(1)} ms per 100k scan, nearest random ${best})`,
    );
    expect(best).toBeLessThan(fingerprintBits);
  });
});
