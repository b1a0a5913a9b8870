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
 * The first content line must be at least this much brighter on average (over `edgeLines` lines) than the bar it
 * ends. A letterbox ends in a step; a dark scene (a night concert of small lights on black) fades out line by line,
 * and cropping it would cut a different share from every frame and from every screenshot of it.
 */
const minEdgeStep = 6;
const edgeLines = 2;

/** One side of the frame as `count` lines from the outside in (0 is the outermost): their luma mean and spread. */
type Side = (line: number) => [number, number];

/**
 * How many lines of one side are a bar: dark uniform lines from the outside in, ended by a step up into the picture.
 * At most `limit` lines are taken; a bar that runs on past it (a small picture inside a large screenshot) is still
 * a bar, up to `count` lines, as long as a step ends it.
 */
function barLines(side: Side, limit: number, count: number): number {
  let n = 0;
  let sum = 0;
  for (let stats = side(0); n < count && isBorderLine(stats); stats = side(++n)) sum += stats[0];
  if (n === 0 || n >= count) return 0;
  const ahead = Math.min(edgeLines, count - n);
  let inside = 0;
  for (let i = 0; i < ahead; i++) inside += side(n + i)[0];
  return inside / ahead - sum / n >= minEdgeStep ? Math.min(n, limit) : 0;
}

/**
 * The content rectangle of a frame once dark bars are removed from each side. Bars are found line by line from
 * the outside in and must end in a step up into the picture; a side never loses more than 40% of the frame. A frame
 * that is dark all over is returned whole (the fingerprint quality gate rejects it, cropping would not help).
 */
export function cropBorders(frame: Pixels): Rect {
  const { width, height, data } = frame;
  const whole = { x: 0, y: 0, width, height };
  if (width < 3 || height < 3) return whole;
  const maxRows = Math.floor(height * maxBorderShare);
  const maxCols = Math.floor(width * maxBorderShare);
  const rowStride = width * 4;
  const row = (y: number) => lineStats(data, y * rowStride, 4, width);

  const top = barLines(row, maxRows, height);
  const bottom = barLines((i) => row(height - 1 - i), maxRows, height - top);
  // Columns are judged over the rows that remain, so a corner of letterbox does not hide a pillar bar.
  const rows = height - top - bottom;
  const column = (x: number) => lineStats(data, top * rowStride + x * 4, rowStride, rows);
  const left = barLines(column, maxCols, width);
  const right = barLines((i) => column(width - 1 - i), maxCols, width - left);
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
