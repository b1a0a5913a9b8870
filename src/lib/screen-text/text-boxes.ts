import type { Box } from './types';

/** A detected text region in pixels of the probability map, with the mean probability inside it. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface BoxOptions {
  /** A pixel is text when its probability is above this (PaddleOCR's `det_db_thresh`). */
  threshold?: number;
  /** A region is kept when its mean probability is above this (`det_db_box_thresh`). */
  minScore?: number;
  /** Regions are grown by area × ratio / perimeter on each side, as DB-net shrank them in training (`unclip_ratio`). */
  unclipRatio?: number;
  /** Regions thinner than this (pixels) are noise. */
  minSide?: number;
}

/**
 * DB-net's postprocess: the probability map (`width` × `height`, one value per pixel) thresholded, its connected
 * regions found (4-neighbour flood fill), scored by their mean probability, and each grown back to the text's full
 * extent. Boxes are axis-aligned: on-screen text (slides, titles, captions) is rarely rotated.
 */
export function textBoxes(map: Float32Array, width: number, height: number, opts: BoxOptions = {}): PixelBox[] {
  const { threshold = 0.3, minScore = 0.6, unclipRatio = 1.6, minSide = 3 } = opts;
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: PixelBox[] = [];
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || map[start] <= threshold) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let x0 = width,
      y0 = height,
      x1 = -1,
      y1 = -1,
      sum = 0,
      count = 0;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      sum += map[p];
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const push = (q: number) => {
        if (!seen[q] && map[q] > threshold) {
          seen[q] = 1;
          stack[top++] = q;
        }
      };
      if (x > 0) push(p - 1);
      if (x < width - 1) push(p + 1);
      if (y > 0) push(p - width);
      if (y < height - 1) push(p + width);
    }
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    if (Math.min(w, h) < minSide) continue;
    const score = sum / count;
    if (score < minScore) continue;
    const grow = (w * h * unclipRatio) / (2 * (w + h));
    const gx0 = Math.max(0, Math.floor(x0 - grow));
    const gy0 = Math.max(0, Math.floor(y0 - grow));
    const gx1 = Math.min(width, Math.ceil(x1 + 1 + grow));
    const gy1 = Math.min(height, Math.ceil(y1 + 1 + grow));
    boxes.push({ x: gx0, y: gy0, w: gx1 - gx0, h: gy1 - gy0, score });
  }
  // Reading order: top to bottom, then left to right within a line.
  return boxes.sort((a, b) => (Math.abs(a.y - b.y) < Math.min(a.h, b.h) / 2 ? a.x - b.x : a.y - b.y));
}

/** A pixel box as fractions of a `width` × `height` frame. */
export const relativeBox = (b: { x: number; y: number; w: number; h: number }, width: number, height: number): Box => ({
  x: b.x / width,
  y: b.y / height,
  w: b.w / width,
  h: b.h / height,
});
