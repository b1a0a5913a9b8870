// A picture's colour layout, for telling apart two videos whose frames are alike in luma (what the fingerprint and
// the picture score see) but not in colour: a re-graded copy, or two renders of one pattern in other palettes. Each
// cell of a coarse grid keeps its chromaticity (the red and green shares of r + g + b), which brightness and contrast
// changes, JPEG and downscaling barely move, and a light weight for how bright it is (a dark cell's shares are
// mostly noise).
import type { RgbaFrame } from '../media/types';
import type { Rect } from './borders';

type Pixels = Pick<RgbaFrame, 'data' | 'width' | 'height'>;

/** Cells along each side of the grid. */
const cells = 4;
/** A cell this bright on average (0–255) or brighter counts fully; darker ones count for less. */
const fullWeightLevel = 64;

export interface ColourLayout {
  /** Per cell, row-major: its red share and its green share, interleaved. */
  shares: Float32Array;
  /** Per cell: how much its shares count (0–1). */
  weights: Float32Array;
}

/**
 * The colour layout of the part `rect` of a picture (a screenshot's picture inside its bars, or the part of a frame
 * a screenshot was placed on), mirrored left to right when `mirrored` (a flipped re-upload matched mirrored).
 */
export function colourLayout(picture: Pixels, rect: Rect, mirrored = false): ColourLayout {
  const shares = new Float32Array(cells * cells * 2);
  const weights = new Float32Array(cells * cells);
  const { data, width, height } = picture;
  for (let cy = 0; cy < cells; cy++) {
    const y0 = clamp(Math.floor(rect.y + (rect.height * cy) / cells), 0, height - 1);
    const y1 = clamp(Math.ceil(rect.y + (rect.height * (cy + 1)) / cells), y0 + 1, height);
    for (let cx = 0; cx < cells; cx++) {
      const x0 = clamp(Math.floor(rect.x + (rect.width * cx) / cells), 0, width - 1);
      const x1 = clamp(Math.ceil(rect.x + (rect.width * (cx + 1)) / cells), x0 + 1, width);
      let [r, g, b] = [0, 0, 0];
      for (let y = y0; y < y1; y++)
        for (let p = (y * width + x0) * 4, end = (y * width + x1) * 4; p < end; p += 4) {
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
      const sum = r + g + b;
      const cell = cy * cells + (mirrored ? cells - 1 - cx : cx);
      const level = sum / (3 * (y1 - y0) * (x1 - x0));
      weights[cell] = Math.min(1, level / fullWeightLevel);
      shares[cell * 2] = sum > 0 ? r / sum : 1 / 3;
      shares[cell * 2 + 1] = sum > 0 ? g / sum : 1 / 3;
    }
  }
  return { shares, weights };
}

/**
 * How far apart two colour layouts are: the mean, over the cells both see well enough, of how far the red and green
 * shares moved (summed); 0 for the same colours. Greys and their tints sit near 1/3 each, so a fully different hue
 * moves the shares by 0.2 or more, while a JPEG of the same frame moves them by about 0.01. Null when no cell is
 * bright enough in both to say.
 */
export function colourDistance(a: ColourLayout, b: ColourLayout): number | null {
  let total = 0;
  let weight = 0;
  for (let i = 0; i < a.weights.length; i++) {
    const w = Math.min(a.weights[i], b.weights[i]);
    total += w * (Math.abs(a.shares[2 * i] - b.shares[2 * i]) + Math.abs(a.shares[2 * i + 1] - b.shares[2 * i + 1]));
    weight += w;
  }
  return weight < minWeight ? null : total / weight;
}

/** Cells' weights must add up to this much (two well-lit cells) for a distance to be told. */
const minWeight = 2;

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/**
 * Beyond this colour distance a refined answer does not show the screenshot's colours. Measured on the real-world
 * fixtures (search-realworld, FF_SEARCH_DETAIL=1): the right frames of screenshots stay under 0.05 through JPEG,
 * brightness, captions and 10-bit or full-range decoding; the same pattern in another palette is 0.2 or more away.
 */
export const colourMismatch = 0.1;

/**
 * The order to show refined hits in, as indices into `colours` (each hit's colour distance, null or undefined when
 * not told): hits whose answer shows the screenshot's colours keep their order ahead of those that do not. When none
 * does (a black-and-white screenshot of a colour film), the order stands.
 */
export function colourOrder(colours: readonly (number | null | undefined)[]): number[] {
  const order = colours.map((_, i) => i);
  const off = (i: number) => (colours[i] ?? 0) > colourMismatch;
  if (order.every(off)) return order;
  return [...order.filter((i) => !off(i)), ...order.filter(off)];
}
