// Black (or near-uniform dark) bars around a picture: letterbox, pillarbox, the frame of a screenshot.
import type { RgbaFrame } from '../media/types';

/** A rectangle in pixels of a frame: the part that holds the picture. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** No side is cropped by more than this share of the frame's size in that direction. */
export const maxBorderShare = 0.4;
/** A border line is dark on average… */
const maxBorderMean = 28;
/** …and nearly uniform (JPEG ringing and noise leave a little spread). */
const maxBorderStd = 10;

type Pixels = Pick<RgbaFrame, 'data' | 'width' | 'height'>;

/** Mean and standard deviation of luma along one row or column, read straight from the RGBA bytes. */
function lineStats(d: Uint8ClampedArray, start: number, step: number, count: number): [number, number] {
  let sum = 0;
  let sq = 0;
  for (let i = 0, p = start; i < count; i++, p += step) {
    const v = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
    sum += v;
    sq += v * v;
  }
  const mean = sum / count;
  return [mean, Math.sqrt(Math.max(0, sq / count - mean * mean))];
}

function isBorderLine([mean, std]: [number, number]): boolean {
  return mean <= maxBorderMean && std <= maxBorderStd;
}

/**
 * The content rectangle of a frame once dark bars are removed from each side. Bars are found line by line from
 * the outside in; a side never loses more than 40% of the frame. A frame that is dark all over is returned
 * whole (the fingerprint quality gate rejects it, cropping would not help).
 */
export function cropBorders(frame: Pixels): Rect {
  const { width, height, data } = frame;
  const whole = { x: 0, y: 0, width, height };
  if (width < 3 || height < 3) return whole;
  const maxRows = Math.floor(height * maxBorderShare);
  const maxCols = Math.floor(width * maxBorderShare);
  const rowStride = width * 4;

  let top = 0;
  while (top < maxRows && isBorderLine(lineStats(data, top * rowStride, 4, width))) top++;
  let bottom = 0;
  while (bottom < maxRows && isBorderLine(lineStats(data, (height - 1 - bottom) * rowStride, 4, width))) bottom++;
  // Columns are judged over the rows that remain, so a corner of letterbox does not hide a pillar bar.
  const rows = height - top - bottom;
  let left = 0;
  while (left < maxCols && isBorderLine(lineStats(data, top * rowStride + left * 4, rowStride, rows))) left++;
  let right = 0;
  while (right < maxCols && isBorderLine(lineStats(data, top * rowStride + (width - 1 - right) * 4, rowStride, rows)))
    right++;

  // Dark everywhere: every side hit its limit and what is left is dark too. Keep the whole frame.
  if (top === maxRows && bottom === maxRows && left === maxCols && right === maxCols) {
    const inner = lineStats(data, (top + (rows >> 1)) * rowStride + left * 4, 4, width - left - right);
    if (isBorderLine(inner)) return whole;
  }
  return { x: left, y: top, width: width - left - right, height: rows };
}

/** A copy of the pixels inside `rect` (clamped to the frame), with the frame's time and keyframe flag. */
export function cropFrame(frame: RgbaFrame, rect: Rect): RgbaFrame {
  const x0 = Math.max(0, Math.min(frame.width, Math.round(rect.x)));
  const y0 = Math.max(0, Math.min(frame.height, Math.round(rect.y)));
  const w = Math.max(0, Math.min(frame.width - x0, Math.round(rect.width)));
  const h = Math.max(0, Math.min(frame.height - y0, Math.round(rect.height)));
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * frame.width + x0) * 4;
    data.set(frame.data.subarray(from, from + w * 4), y * w * 4);
  }
  return { time: frame.time, width: w, height: h, data, keyframe: frame.keyframe };
}
