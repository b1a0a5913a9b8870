import type { Box } from './types';

/**
 * The part of a frame to show around the matching words: their bounding box with a margin, widened to a 16:9
 * shape when there is room (so a short word still shows a little of what surrounds it), inside the frame.
 * `aspect` is the frame's width / height; all boxes are fractions of the frame.
 */
export function cropAround(boxes: readonly Box[], aspect: number): Box {
  if (boxes.length === 0) return { x: 0, y: 0, w: 1, h: 1 };
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  const margin = (y1 - y0) * 0.6;
  let w = Math.min(1, Math.max(x1 - x0 + (2 * margin) / aspect, 0.35));
  let h = Math.min(1, Math.max(y1 - y0 + 2 * margin, (w * aspect * 9) / 16));
  // Taller than 16:9 (several lines): widen to match, as far as the frame allows.
  w = Math.min(1, Math.max(w, (h * 16) / 9 / aspect));
  h = Math.min(1, h);
  const fit = (centre: number, size: number) => Math.min(1 - size, Math.max(0, centre - size / 2));
  return { x: fit((x0 + x1) / 2, w), y: fit((y0 + y1) / 2, h), w, h };
}
