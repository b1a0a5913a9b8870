// A model-free perceptual fingerprint of one frame, from the low DCT frequencies of its luma, in the spirit of
// pHash and PDQ. The 85 lowest frequencies (DC left out) each give 3 bits: which quarter of the 85 values it falls
// in, as a thermometer code (000, 001, 011, 111), so the Hamming distance counts how far ranks moved rather than
// only sign flips. Measured against a 256-bit median hash of a 16×16 block, this halves the distance an 8% crop or
// a caption causes while keeping unrelated pictures as far apart in standard deviations (see the unit test).
// Brightness moves only the DC term; contrast scales every coefficient (quartile thresholds ignore scale);
// rescaling and re-encoding barely touch the lowest frequencies.
import type { RgbaFrame } from '../media/types';
import { cropBorders, type Rect } from './borders';

/** Bits in one fingerprint (85 coefficients × 3 bits, the last bit always 0). */
export const fingerprintBits = 256;
/** 32-bit words in one fingerprint: fingerprints are stored packed, `fingerprintWords` words each. */
export const fingerprintWords = fingerprintBits / 32;

/** The content is box-resampled to `grid` × `grid` luma before the DCT. */
const grid = 64;
/** The DCT is computed for frequencies 0..band-1 in each direction; the kept ones all lie inside. */
const band = 12;
/** How many coefficients are kept, and the thermometer levels each is coded with. */
const kept = 85;
const levels = 3;
/**
 * Quality gate on the DCT: root mean square, in luma units per pixel, of the kept coefficients once the
 * `dominant` strongest are set aside. Below it the frame is a fade, a plain gradient or a dim title card: a few
 * coefficients carry everything and the rest of the bits would be decided by noise, so such frames would match
 * each other.
 */
export const minDetail = 2;
/**
 * Below this spread of luma (standard deviation over the grid) a frame is one flat colour: black, white, a fade's
 * last frames. Brightness alone rejects nothing: the fingerprint ignores it, so a night concert of small lights on
 * black, or black text on a white slide, is matched like any other picture (a rule on the mean rejected them).
 */
const minSpread = 4;
const dominant = 3;

/** Indices into the band × band block of the kept frequencies: lowest k² + l² first, DC excluded. */
const keptIndices = (() => {
  const all: [number, number][] = [];
  for (let k = 0; k < band; k++) for (let l = 0; l < band; l++) if (k || l) all.push([k, l]);
  all.sort((p, q) => p[0] * p[0] + p[1] * p[1] - q[0] * q[0] - q[1] * q[1] || p[0] - q[0] || p[1] - q[1]);
  return Int32Array.from(all.slice(0, kept), ([k, l]) => k * band + l);
})();

/** Row k (0..band-1) of the orthonormal DCT-II matrix for `grid` inputs: cos(π(2n+1)k / 2N) · √(2/N), √(1/N) at k = 0. */
const cosines = (() => {
  const t = new Float64Array(band * grid);
  for (let k = 0; k < band; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / grid);
    for (let n = 0; n < grid; n++) t[k * grid + n] = scale * Math.cos((Math.PI * (2 * n + 1) * k) / (2 * grid));
  }
  return t;
})();

type Pixels = Pick<RgbaFrame, 'data' | 'width' | 'height'>;

/**
 * For each of `out` cells along an axis, the source span [start, start + length) it averages: the first source
 * index and the weight of every source index it overlaps (partial pixels count by the share covered).
 */
function boxWeights(start: number, length: number, out: number): { first: Int32Array; weights: Float64Array[] } {
  const step = length / out;
  const first = new Int32Array(out);
  const weights: Float64Array[] = [];
  for (let i = 0; i < out; i++) {
    const a = start + i * step;
    const b = a + step;
    const lo = Math.floor(a);
    const hi = Math.max(lo + 1, Math.ceil(b));
    const w = new Float64Array(hi - lo);
    for (let s = lo; s < hi; s++) w[s - lo] = (Math.min(b, s + 1) - Math.max(a, s)) / step;
    first[i] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** Luma of `rect` of the frame, box-resampled to grid × grid (row-major). */
export function resampledLuma(frame: Pixels, rect: Rect): Float64Array {
  const { width, data } = frame;
  const cols = boxWeights(rect.x, rect.width, grid);
  const rows = boxWeights(rect.y, rect.height, grid);
  // Horizontal pass over the rows the rect covers, then a vertical pass.
  const y0 = rows.first[0];
  const yEnd = rows.first[grid - 1] + rows.weights[grid - 1].length;
  const wide = new Float64Array((yEnd - y0) * grid);
  for (let y = y0; y < yEnd; y++) {
    const rowBase = y * width;
    for (let i = 0; i < grid; i++) {
      const w = cols.weights[i];
      let sum = 0;
      for (let k = 0, x = cols.first[i]; k < w.length; k++, x++) {
        const p = (rowBase + x) * 4;
        sum += w[k] * (0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]);
      }
      wide[(y - y0) * grid + i] = sum;
    }
  }
  const out = new Float64Array(grid * grid);
  for (let j = 0; j < grid; j++) {
    const w = rows.weights[j];
    const base = (rows.first[j] - y0) * grid;
    for (let k = 0; k < w.length; k++) {
      const wk = w[k];
      const src = base + k * grid;
      for (let i = 0; i < grid; i++) out[j * grid + i] += wk * wide[src + i];
    }
  }
  return out;
}

/** The size × size low-frequency block (frequencies 0..size-1, DC at index 0) of the 2-D DCT-II of a grid × grid picture. */
export function lowDct(pixels: Float64Array, size = band): Float64Array {
  // Columns first: tmp[k][x] = Σ_y C[k][y] · p[y][x]; then rows: out[k][l] = Σ_x tmp[k][x] · C[l][x].
  const tmp = new Float64Array(size * grid);
  for (let k = 0; k < size; k++) {
    const ck = k * grid;
    for (let y = 0; y < grid; y++) {
      const c = cosines[ck + y];
      const row = y * grid;
      for (let x = 0; x < grid; x++) tmp[ck + x] += c * pixels[row + x];
    }
  }
  const out = new Float64Array(size * size);
  for (let k = 0; k < size; k++)
    for (let l = 0; l < size; l++) {
      let sum = 0;
      const ck = k * grid;
      const cl = l * grid;
      for (let x = 0; x < grid; x++) sum += tmp[ck + x] * cosines[cl + x];
      out[k * size + l] = sum;
    }
  return out;
}

export interface FingerprintOptions {
  /** Remove dark bars first (default true), so letterboxed and bare copies of a picture agree. */
  cropBorders?: boolean;
}

/** The detail measure the quality gate compares with `minDetail` (0 for flat frames), for tuning and tests. */
export function frameDetail(frame: Pixels, options: FingerprintOptions = {}): number {
  return analyse(frame, options).detail;
}

function detailOf(block: Float64Array): number {
  const energies = Float64Array.from(keptIndices, (i) => block[i] * block[i]).sort();
  let residual = 0;
  for (let i = 0; i < energies.length - dominant; i++) residual += energies[i];
  // The orthonormal DCT keeps energy: divide by the pixel count for a per-pixel RMS in luma units.
  return Math.sqrt(residual / (grid * grid));
}

/** Why a frame has no fingerprint, for logs and tests; null when it has one. */
export function rejectReason(frame: Pixels, options: FingerprintOptions = {}): 'flat' | 'smooth' | null {
  return analyse(frame, options).reason;
}

function analyse(
  frame: Pixels,
  options: FingerprintOptions,
): { reason: 'flat' | 'smooth' | null; block: Float64Array | null; detail: number } {
  if (frame.width < 2 || frame.height < 2) return { reason: 'flat', block: null, detail: 0 };
  const rect =
    options.cropBorders === false ? { x: 0, y: 0, width: frame.width, height: frame.height } : cropBorders(frame);
  const pixels = resampledLuma(frame, rect);
  let sum = 0;
  for (const v of pixels) sum += v;
  const mean = sum / pixels.length;
  let sq = 0;
  for (const v of pixels) sq += (v - mean) * (v - mean);
  if (Math.sqrt(sq / pixels.length) < minSpread) return { reason: 'flat', block: null, detail: 0 };
  const block = lowDct(pixels);
  const detail = detailOf(block);
  if (detail < minDetail) return { reason: 'smooth', block: null, detail };
  return { reason: null, block, detail };
}

/**
 * The 256-bit fingerprint of a frame packed in 8 words (bit b is bit b % 32 of word b >> 5; coefficient c owns
 * bits 3c..3c+2), or null when the frame must be neither indexed nor queried: flat, black, white or too smooth.
 */
export function fingerprint(frame: Pixels, options: FingerprintOptions = {}): Uint32Array | null {
  const values = fingerprintCoefficients(frame, options);
  return values && fingerprintOf(values);
}

/**
 * The 85 DCT coefficients a fingerprint codes, lowest frequencies first, or null when the frame has no fingerprint.
 * Moment refinement compares them directly: neighbouring frames of a slow shot can share every fingerprint bit.
 */
export function fingerprintCoefficients(frame: Pixels, options: FingerprintOptions = {}): Float64Array | null {
  const { block } = analyse(frame, options);
  return block && Float64Array.from(keptIndices, (i) => block[i]);
}

/** The coefficients a fingerprint codes of a picture already `grid` × `grid` (texture.ts codes a spectrum so). */
export function gridCoefficients(pixels: Float64Array): Float64Array {
  const block = lowDct(pixels);
  return Float64Array.from(keptIndices, (i) => block[i]);
}

/** Of each kept coefficient, whether its horizontal frequency is odd: those change sign when a picture is mirrored. */
const oddAcross = Uint8Array.from(keptIndices, (i) => (i % band) % 2);

/**
 * The coefficients of the same picture mirrored left to right, from a picture's own: a mirrored cosine of odd
 * horizontal frequency is the negated cosine, so a flipped re-upload is searched for without decoding anything again.
 */
export function mirroredCoefficients(values: Float64Array): Float64Array {
  return values.map((v, c) => (oddAcross[c] ? -v : v));
}

/** The fingerprint of `fingerprintCoefficients`' values: each coded by the quartile of the values it falls in. */
export function fingerprintOf(values: Float64Array): Uint32Array {
  const sorted = Float64Array.from(values).sort();
  const thresholds = Array.from({ length: levels }, (_, j) => sorted[Math.floor(((j + 1) * kept) / (levels + 1))]);
  const bits = new Uint32Array(fingerprintWords);
  for (let c = 0; c < kept; c++)
    for (let j = 0; j < levels; j++) {
      const b = c * levels + j;
      if (values[c] > thresholds[j]) bits[b >> 5] |= 1 << (b & 31);
    }
  return bits;
}

/** Set bits in a 32-bit word (the SWAR count: pairs, nibbles, then a multiply sums the bytes). */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/**
 * Bits that differ between the fingerprint at word `aOffset` of `a` and the one at word `bOffset` of `b`
 * (offsets in words, so packed stores of many fingerprints are compared in place).
 */
export function hamming(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): number {
  return (
    popcount32(a[aOffset] ^ b[bOffset]) +
    popcount32(a[aOffset + 1] ^ b[bOffset + 1]) +
    popcount32(a[aOffset + 2] ^ b[bOffset + 2]) +
    popcount32(a[aOffset + 3] ^ b[bOffset + 3]) +
    popcount32(a[aOffset + 4] ^ b[bOffset + 4]) +
    popcount32(a[aOffset + 5] ^ b[bOffset + 5]) +
    popcount32(a[aOffset + 6] ^ b[bOffset + 6]) +
    popcount32(a[aOffset + 7] ^ b[bOffset + 7])
  );
}

/** 1 for identical fingerprints; unrelated pictures sit near 0.6 (the thermometer code's expected distance is ~0.42). */
export function similarity(distance: number): number {
  return 1 - distance / fingerprintBits;
}

export function isNearDuplicate(a: Uint32Array, b: Uint32Array, maxDistance: number): boolean {
  return hamming(a, 0, b, 0) <= maxDistance;
}

/**
 * Indices of the fingerprints to keep from a run of consecutive frames: each is kept unless it is within
 * `maxDistance` of the last one kept (so a slow pan still keeps a frame whenever it has drifted far enough).
 * Null entries (frames the quality gate rejected) are never kept and do not reset the comparison.
 */
export function pruneConsecutive(fingerprints: readonly (Uint32Array | null)[], maxDistance: number): number[] {
  const kept: number[] = [];
  let last: Uint32Array | null = null;
  for (let i = 0; i < fingerprints.length; i++) {
    const f = fingerprints[i];
    if (!f) continue;
    if (last && isNearDuplicate(last, f, maxDistance)) continue;
    kept.push(i);
    last = f;
  }
  return kept;
}
