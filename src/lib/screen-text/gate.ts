import type { RgbaFrame } from '../media/types';

/** A frame's gray levels at a small size, for the text gate and for telling a repeated frame. */
export interface GrayThumb {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The RGBA frame shrunk by a whole factor to at most `side` pixels wide, each pixel the mean of its block, in gray:
 * averaging evens out sensor noise, which would otherwise look like fine strokes.
 */
export function grayThumb(rgba: Uint8ClampedArray, width: number, height: number, side = 480): GrayThumb {
  const f = Math.max(1, Math.ceil(width / side));
  const w = Math.max(1, Math.floor(width / f));
  const h = Math.max(1, Math.floor(height / f));
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < f; dy++)
        for (let dx = 0; dx < f; dx++) {
          const p = ((y * f + dy) * width + x * f + dx) * 4;
          sum += rgba[p] * 77 + rgba[p + 1] * 150 + rgba[p + 2] * 29;
        }
      data[y * w + x] = sum / (f * f) / 256;
    }
  return { data, width: w, height: h };
}

/** The gate looks at the frame in tiles this many thumbnail pixels wide and tall: about a short word at 16 px. */
const tileWidth = 64;
const tileHeight = 12;

/**
 * How text-like a frame looks: in its most text-like tile, the share of pixels on a sharp, strong edge that has
 * another within a few pixels on the same row (strokes come in pairs: a letter's two sides). Camera footage has
 * soft edges and few such pairs; a slide or a caption has many along its lines. The densest tile, not the whole
 * frame: one small word in a 720p frame is a tiny share of it (measured on tests/scripts/make-ocr-fixtures.mjs:
 * a 16 px word was below the whole-frame threshold that camera footage stays under).
 */
export function strokeDensity(g: GrayThumb, contrast = 60, maxStroke = 6): number {
  const { data, width, height } = g;
  const across = Math.ceil(width / tileWidth);
  const tiles = new Uint32Array(across * Math.ceil(height / tileHeight));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const tileRow = Math.floor(y / tileHeight) * across;
    let lastEdge = -1000;
    let lastSign = 0;
    for (let x = 1; x < width; x++) {
      const d = data[row + x] - data[row + x - 1];
      if (d > contrast || d < -contrast) {
        const sign = d > 0 ? 1 : -1;
        if (sign !== lastSign && x - lastEdge <= maxStroke) tiles[tileRow + Math.floor(x / tileWidth)]++;
        lastEdge = x;
        lastSign = sign;
      }
    }
  }
  let most = 0;
  for (const n of tiles) most = Math.max(most, n);
  return most / (Math.min(tileWidth, width) * Math.min(tileHeight, height));
}

/** Below this stroke density a frame is taken to have no text, and is not read (tuned on the test fixtures). */
export const minStrokeDensity = 0.01;

/**
 * Two thumbnails show the same picture when hardly a pixel changed by more than `contrast` gray levels: video noise
 * stays below it, while a word appearing or going changes its strokes' pixels a lot (a mean over the frame would
 * hide a small word).
 */
export function sameFrame(a: GrayThumb | null, b: GrayThumb, contrast = 40, share = 0.0001): boolean {
  if (!a || a.width !== b.width || a.height !== b.height) return false;
  const allowed = a.data.length * share;
  let changed = 0;
  for (let i = 0; i < a.data.length; i++)
    if (Math.abs(a.data[i] - b.data[i]) > contrast && ++changed > allowed) return false;
  return true;
}

/**
 * The text gate over one video's frames in order: it remembers the frame before, so a frame that repeats it is not
 * read again. It runs in the media worker, beside the decoder, so frames it holds back are never copied to the
 * screen-text worker nor wait there behind another video's reading.
 */
export class TextGate {
  #last: GrayThumb | null = null;

  /** The frame as it goes on: itself when worth reading, else a copy without pixels saying why (`gated`). */
  pass(frame: RgbaFrame): RgbaFrame {
    const thumb = grayThumb(frame.data, frame.width, frame.height);
    const repeat = sameFrame(this.#last, thumb);
    this.#last = thumb;
    const verdict = repeat ? 'repeat' : strokeDensity(thumb) < minStrokeDensity ? 'blank' : null;
    return verdict ? { ...frame, data: new Uint8ClampedArray(0), gated: verdict } : frame;
  }
}
