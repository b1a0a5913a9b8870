// Fine texture: a picture whose detail is all at the finest scale (a one-pixel checkerboard, a halftone, a screen
// door) averages to flat grey or a moiré at the size frames are indexed at, so it has no usable layout fingerprint.
// Frames are looked at again at their own size (see texture-looks.ts in the media worker), and a centre patch that
// holds such a pattern is described by its power spectrum instead: which
// frequencies and directions carry the energy. The spectrum ignores where the pattern starts (a crop), brightness
// and contrast, and JPEG keeps its strong peaks. The spectrum's amplitudes, laid out as a picture with the lowest
// frequency in the middle, are coded as any picture is (fingerprint.ts), then XORed with a fixed mask, so a texture
// code sits ~128 bits from every layout code in the one index and neither kind ever answers for the other.
import { lumaOf, lumaStats } from '../media/frame-stats';
import type { RgbaFrame } from '../media/types';
import { fingerprintOf, gridCoefficients } from './fingerprint';

type Pixels = Pick<RgbaFrame, 'data' | 'width' | 'height'>;

/** Side of the centre patch read at the frame's own size (smaller frames give what they have, down to `cell`). */
export const patchSide = 128;
/** The spectrum is taken over `cell` × `cell` windows of the patch (four, overlapping when the patch is smaller). */
const cell = 64;
/** Luma spread (standard deviation, 0–255) below which a patch has no texture worth describing. */
const minSpread = 12;
/**
 * Share of the patch's energy (after its mean) that must lie above a quarter of the highest frequency: a picture
 * flat at the index's size but with its detail at a coarser scale is a smooth gradient, not a fine texture.
 */
const minFineShare = 0.5;

/**
 * Share of the power the strongest 1% of frequencies must carry: a regular pattern (a checkerboard, stripes, a
 * halftone) puts nearly all of it in a few peaks (0.996 after JPEG at quality 30), noise and foliage spread it
 * (0.03–0.22), and two noises' spectra are only chance alike, so they get no code.
 */
const minPeakShare = 0.5;
const peakBins = Math.round((cell * cell) / 100);

/** What `finelyDetailed` asks of a query's patch. */
const minStepShare = 0.4;

/** The mask XORed into every texture code (any fixed bits will do: these are the first digits of π). */
const mask = Uint32Array.of(
  0x243f6a88,
  0x85a308d3,
  0x13198a2e,
  0x03707344,
  0xa4093822,
  0x299f31d0,
  0x082efa98,
  0xec4e6c89,
);

/** Hann window over `cell` samples. */
const hann = Float64Array.from({ length: cell }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (cell - 1)));
/** cos and sin of 2πuk / cell, row u. */
const cosTable = Float64Array.from({ length: cell * cell }, (_, i) =>
  Math.cos((2 * Math.PI * ((i / cell) | 0) * (i % cell)) / cell),
);
const sinTable = Float64Array.from({ length: cell * cell }, (_, i) =>
  Math.sin((2 * Math.PI * ((i / cell) | 0) * (i % cell)) / cell),
);

/** The centre of a frame at its own size: up to `patchSide` square, RGBA; null when it is under `cell` either way. */
export function texturePatch(frame: Pixels) {
  const side = Math.min(patchSide, frame.width, frame.height);
  if (side < cell) return null;
  const x0 = Math.floor((frame.width - side) / 2);
  const y0 = Math.floor((frame.height - side) / 2);
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    const from = ((y0 + y) * frame.width + x0) * 4;
    data.set(frame.data.subarray(from, from + side * 4), y * side * 4);
  }
  return { data, width: side, height: side };
}

/**
 * Whether most of a patch's variation is between neighbouring pixels, told in one pass without a spectrum: the mean
 * squared step to the right and down over twice the variance (about 1 for noise, 2 for a one-pixel checkerboard,
 * well under 0.2 for a camera picture). A query image is coded by texture only then.
 */
export function finelyDetailed(patch: Pixels): boolean {
  const { width, height } = patch;
  const luma = lumaOf(patch);
  const { std: spread } = lumaStats(luma);
  if (spread < minSpread) return false;
  let steps = 0;
  for (let y = 0; y + 1 < height; y++)
    for (let x = 0; x + 1 < width; x++) {
      const i = y * width + x;
      const right = luma[i + 1] - luma[i];
      const down = luma[i + width] - luma[i];
      steps += right * right + down * down;
    }
  return steps / ((width - 1) * (height - 1)) / (2 * spread * spread) >= minStepShare;
}

/** Power at every frequency of one windowed `cell` × `cell` window at (x0, y0) of `luma` (row length `width`). */
function windowPower(luma: Float32Array, width: number, x0: number, y0: number, mean: number, out: Float64Array) {
  // Rows: re/im[y][u] = Σ_x w(x) w(y) (p - mean) e^{-2πiux/N}; then columns over y for each u.
  const re = new Float64Array(cell * cell);
  const im = new Float64Array(cell * cell);
  const row = new Float64Array(cell);
  for (let y = 0; y < cell; y++) {
    const base = (y0 + y) * width + x0;
    for (let x = 0; x < cell; x++) row[x] = hann[y] * hann[x] * (luma[base + x] - mean);
    for (let u = 0; u < cell; u++) {
      let a = 0;
      let b = 0;
      const t = u * cell;
      for (let x = 0; x < cell; x++) {
        a += row[x] * cosTable[t + x];
        b -= row[x] * sinTable[t + x];
      }
      re[y * cell + u] = a;
      im[y * cell + u] = b;
    }
  }
  for (let v = 0; v < cell; v++) {
    const t = v * cell;
    for (let u = 0; u < cell; u++) {
      let a = 0;
      let b = 0;
      for (let y = 0; y < cell; y++) {
        const c = cosTable[t + y];
        const s = sinTable[t + y];
        const r = re[y * cell + u];
        const i = im[y * cell + u];
        a += r * c + i * s;
        b += i * c - r * s;
      }
      out[v * cell + u] += a * a + b * b;
    }
  }
}

/**
 * The texture code of a patch (`texturePatch`), or null when it has no fine regular texture: too little spread, its
 * energy at coarse scales (what the layout fingerprint is for), or spread over every frequency (noise).
 */
export function textureFingerprint(patch: Pixels): Uint32Array | null {
  const { width, height } = patch;
  if (width < cell || height < cell) return null;
  const luma = lumaOf(patch);
  const { mean, std: spread } = lumaStats(luma);
  if (spread < minSpread) return null;
  const power = new Float64Array(cell * cell);
  for (const y0 of new Set([0, height - cell]))
    for (const x0 of new Set([0, width - cell])) windowPower(luma, width, x0, y0, mean, power);
  // Amplitudes laid out with frequency 0 in the middle (index (f + cell/2) mod cell), the mean left out.
  const picture = new Float64Array(cell * cell);
  let total = 0;
  let fine = 0;
  for (let v = 0; v < cell; v++)
    for (let u = 0; u < cell; u++) {
      const p = u === 0 && v === 0 ? 0 : power[v * cell + u];
      const fu = Math.min(u, cell - u);
      const fv = Math.min(v, cell - v);
      total += p;
      if (Math.max(fu, fv) >= cell / 8) fine += p;
      picture[((v + cell / 2) % cell) * cell + ((u + cell / 2) % cell)] = Math.sqrt(p);
    }
  if (total === 0 || fine / total < minFineShare) return null;
  const strongest = Float64Array.from(picture, (a) => a * a)
    .sort()
    .subarray(picture.length - peakBins);
  let peaks = 0;
  for (const p of strongest) peaks += p;
  if (peaks / total < minPeakShare) return null;
  const code = fingerprintOf(gridCoefficients(picture));
  for (let i = 0; i < code.length; i++) code[i] ^= mask[i];
  return code;
}
