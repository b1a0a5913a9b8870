import type { RgbaFrame } from './types';

/** Rec. 601 luma of each pixel, 0..255. */
export function lumaOf(frame: Pick<RgbaFrame, 'data' | 'width' | 'height'>): Float32Array {
  const n = frame.width * frame.height;
  const out = new Float32Array(n);
  const d = frame.data;
  for (let i = 0, p = 0; i < n; i++, p += 4) out[i] = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
  return out;
}

export interface FrameStats {
  mean: number;
  /** Standard deviation of luma: low means flat (a black, white or single-colour frame). */
  std: number;
}

export function frameStats(frame: Pick<RgbaFrame, 'data' | 'width' | 'height'>): FrameStats {
  return lumaStats(lumaOf(frame));
}

/** Mean and spread of luma values already read (`lumaOf`). */
export function lumaStats(luma: Float32Array): FrameStats {
  let sum = 0;
  for (const v of luma) sum += v;
  const mean = sum / Math.max(1, luma.length);
  let sq = 0;
  for (const v of luma) sq += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(sq / Math.max(1, luma.length)) };
}

/** A frame not worth showing or matching: near black, near white, or one flat colour (fades, title cards). */
export function isFlat(stats: FrameStats): boolean {
  return stats.std < 8 || stats.mean < 12 || stats.mean > 245;
}

/**
 * A compact description for cut detection: a 4×4 grid of mean colours plus a 16-bin luma histogram,
 * each normalised, so both layout and tone changes show.
 */
export function sceneSignature(frame: Pick<RgbaFrame, 'data' | 'width' | 'height'>): Float32Array {
  const { width, height, data } = frame;
  const sig = new Float32Array(4 * 4 * 3 + 16);
  const counts = new Float32Array(16);
  for (let y = 0; y < height; y++) {
    const gy = Math.min(3, Math.floor((y * 4) / height));
    for (let x = 0; x < width; x++) {
      const gx = Math.min(3, Math.floor((x * 4) / width));
      const cell = gy * 4 + gx;
      const p = (y * width + x) * 4;
      sig[cell * 3] += data[p];
      sig[cell * 3 + 1] += data[p + 1];
      sig[cell * 3 + 2] += data[p + 2];
      counts[cell] += 1;
      const luma = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
      sig[48 + Math.min(15, Math.floor(luma / 16))] += 1;
    }
  }
  for (let c = 0; c < 16; c++) for (let k = 0; k < 3; k++) sig[c * 3 + k] /= 255 * Math.max(1, counts[c]);
  const pixels = Math.max(1, width * height);
  for (let b = 0; b < 16; b++) sig[48 + b] /= pixels;
  return sig;
}

/** 0 for identical signatures, about 1 for unrelated pictures. */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let grid = 0;
  for (let i = 0; i < 48; i++) grid += Math.abs(a[i] - b[i]);
  let hist = 0;
  for (let i = 48; i < 64; i++) hist += Math.abs(a[i] - b[i]);
  // Mean absolute colour difference over the grid (0..1) and half the histogram L1 distance (0..1).
  return 0.5 * (grid / 48) * 4 + 0.5 * (hist / 2);
}
