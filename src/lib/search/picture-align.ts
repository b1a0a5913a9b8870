// Aligned picture comparison, for moment refinement. Neighbouring frames of a moving shot often share every bit of
// the 256-bit fingerprint and differ only in detail the low DCT frequencies do not see. Once a video and a rough
// moment are known, the screenshot is compared with each frame there pixel by pixel instead: the screenshot's
// picture (its borders removed) is first placed on one frame — the part of the frame it shows, found by trying
// scales and offsets, since a screenshot may be cropped — and every frame is then scored by the correlation of its
// luma there with the screenshot's. Correlation is blind to brightness and contrast, and a caption or JPEG noise
// costs every frame alike, so the frame that moved like the screenshot wins.
import type { RgbaFrame } from '../media/types';
import { cropBorders, type Rect } from './borders';
import { colourLayout, type ColourLayout } from './picture-colour';

type Pixels = Pick<RgbaFrame, 'data' | 'width' | 'height'>;

/** Luma samples of a picture, row-major. */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * A screenshot as refinement compares it: its picture at two sizes, each zero-mean and of unit norm, its colour
 * layout (picture-colour.ts), and the planes motion is told by (picture-motion.ts): its luma and `colourPlanes` at
 * the fine size, as they are.
 */
export interface QueryPicture {
  fine: Plane;
  coarse: Plane;
  colour: ColourLayout;
  motion: Plane[];
  /** Its luma at up to `detailSide`, for telling a crop's frame among near-still ones (see `detailSide`). */
  detail: Plane;
}

/** Long side of the screenshot's picture when frames are scored: about the frames' own size (160 px). */
const fineSide = 96;
/**
 * Long side of the screenshot's planes when motion is told apart: the window frames' own size (searchFrameSide), not
 * `fineSide`. Frames of a near-still talking head differ by about one level at 160 px, as much as two decoders' frames
 * of one picture do; shrunk to 96 px, a screenshot's motion matched the wrong half of the clip on WebCodecs frames
 * (1 of 5 full-frame screenshots of media-dev's talking head, in Node on frames dumped from the app; 5 of 5 at 160).
 */
const motionSide = 160;
/**
 * Long side of the screenshot's colour planes when motion is told: colour is stored at half the luma's resolution
 * (4:2:0 video, JPEG), and below it JPEG's colour noise would outweigh what moved.
 */
const colourSide = motionSide / 2;
/**
 * Long side of the screenshot's luma, and of the frames read again, when a crop of a near-still shot is placed on
 * each frame: a hand-held talking head drifts by about a pixel of 1080 in a second, which a crop's placement at
 * 160 px makes up for as well on any frame. At 480 px each frame's own placement leaves the asked frame the best
 * fit (in Python on media-dev's talking head: 12 of 12 crops within 0.1 s at 480 px, 8 of 12 at 320, 10 of 12 at
 * 160, against 0 of 3 for one placement and motion at 160 in the app).
 */
export const detailSide = 480;
/** Long side when placements are tried in bulk. */
const coarseSide = 32;
/** The screenshot may show as little as this share of the frame's width (a crop) … */
const minScale = 0.7;
/** … tried in steps of this share. */
const scaleStep = 0.025;
/** A placement must beat the whole picture by this much correlation to be taken: most screenshots are not cropped. */
const wholePreference = 0.01;

/** The luma of a whole frame, for scoring it and placing a screenshot on it. */
export function lumaPlane(frame: Pixels): Plane {
  const { width, height, data } = frame;
  const out = new Float32Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4)
    out[i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  return { width, height, data: out };
}

/** The screenshot's picture (dark bars removed), mirrored left to right when it matched mirrored. */
export function queryPicture(image: Pixels, mirrored: boolean): QueryPicture {
  const rect = cropBorders(image);
  const sized = (plane: Plane, side: number) => {
    const scale = side / Math.max(rect.width, rect.height);
    const w = Math.max(2, Math.round(rect.width * scale));
    const h = Math.max(2, Math.round(rect.height * scale));
    const p = resample(plane, rect, w, h);
    if (mirrored) for (let y = 0; y < h; y++) p.data.subarray(y * w, (y + 1) * w).reverse();
    return p;
  };
  const luma = lumaPlane(image);
  const [fine, coarse] = [sized(luma, fineSide), sized(luma, coarseSide)];
  const motion = [sized(luma, motionSide), ...colourPlanes(image).map((c) => sized(c, colourSide))];
  const detail = normalised(sized(luma, Math.min(detailSide, Math.max(rect.width, rect.height))));
  const colour = colourLayout(image, rect, mirrored);
  return { fine: normalised(fine), coarse: normalised(coarse), colour, motion, detail };
}

/**
 * A picture's two colour-opponent planes, red less green and blue less their mean, in 0–255 units: a box crossing
 * a still scene can be as bright as the scene behind it and differ only in colour.
 */
export function colourPlanes(frame: Pixels): [Plane, Plane] {
  const { width, height, data } = frame;
  const [a, b] = [new Float32Array(width * height), new Float32Array(width * height)];
  for (let i = 0, p = 0; i < a.length; i++, p += 4) {
    a[i] = data[p] - data[p + 1];
    b[i] = data[p + 2] - (data[p] + data[p + 1]) / 2;
  }
  return [
    { width, height, data: a },
    { width, height, data: b },
  ];
}

/** `plane` less its mean, scaled to unit norm (all zero when it is flat). */
function normalised(plane: Plane): Plane {
  const d = plane.data;
  let mean = 0;
  for (const v of d) mean += v;
  mean /= d.length;
  let norm = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] -= mean;
    norm += d[i] * d[i];
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < d.length; i++) d[i] *= scale;
  return plane;
}

/** For each of `out` cells along an axis, the first source index and the share of each source index it averages. */
function spans(
  start: number,
  length: number,
  out: number,
  limit: number,
): { first: Int32Array; weights: Float32Array[] } {
  const step = length / out;
  const first = new Int32Array(out);
  const weights: Float32Array[] = [];
  for (let i = 0; i < out; i++) {
    const a = Math.max(0, Math.min(limit - 1e-6, start + i * step));
    const b = Math.max(a + 1e-6, Math.min(limit, a + step));
    const lo = Math.floor(a);
    const hi = Math.max(lo + 1, Math.ceil(b));
    const w = new Float32Array(hi - lo);
    for (let s = lo; s < hi; s++) w[s - lo] = (Math.min(b, s + 1) - Math.max(a, s)) / (b - a);
    first[i] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** `rect` of `plane` (fractional pixels, clamped to the plane) area-averaged to `w` × `h`. */
export function resample(plane: Plane, rect: Rect, w: number, h: number): Plane {
  const cols = spans(rect.x, rect.width, w, plane.width);
  const rows = spans(rect.y, rect.height, h, plane.height);
  const y0 = rows.first[0];
  const yEnd = rows.first[h - 1] + rows.weights[h - 1].length;
  const wide = new Float32Array((yEnd - y0) * w);
  for (let y = y0; y < yEnd; y++) {
    const base = y * plane.width;
    for (let i = 0; i < w; i++) {
      const weights = cols.weights[i];
      let sum = 0;
      for (let k = 0, x = base + cols.first[i]; k < weights.length; k++, x++) sum += weights[k] * plane.data[x];
      wide[(y - y0) * w + i] = sum;
    }
  }
  const out = new Float32Array(w * h);
  for (let j = 0; j < h; j++) {
    const weights = rows.weights[j];
    const base = (rows.first[j] - y0) * w;
    for (let k = 0; k < weights.length; k++) {
      const wk = weights[k];
      const src = base + k * w;
      for (let i = 0; i < w; i++) out[j * w + i] += wk * wide[src + i];
    }
  }
  return { width: w, height: h, data: out };
}

/** Correlation (−1…1) of a normalised screenshot picture with `rect` of a frame. */
export function correlation(query: Plane, frame: Plane, rect: Rect): number {
  return sampledCorrelation(query, resample(frame, rect, query.width, query.height));
}

/** Correlation (−1…1) of a normalised screenshot picture with a frame's picture sampled to its size. */
export function sampledCorrelation(query: Plane, sampled: Plane): number {
  const s = sampled.data;
  const q = query.data;
  let [sum, sq, cross] = [0, 0, 0];
  for (let i = 0; i < s.length; i++) {
    sum += s[i];
    sq += s[i] * s[i];
    cross += q[i] * s[i];
  }
  const variance = sq - (sum * sum) / s.length;
  return variance > 1e-6 ? cross / Math.sqrt(variance) : 0;
}

/** Where a screenshot sits on a frame, and how well it fits there. */
export interface Placement {
  rect: Rect;
  score: number;
}

/**
 * The part of `frame` the screenshot shows: the whole picture (inside the frame's own dark bars) unless a crop of it
 * fits clearly better. Placements are tried on a grid at the coarse size (scales from the whole picture down to
 * `minScale`, offsets a coarse pixel apart), and the best is then nudged at the fine size until no step helps.
 */
export function placeQuery(query: QueryPicture, frame: Plane, content: Rect): Placement {
  const aspect = query.fine.width / query.fine.height;
  const whole = wholePicture(query, content);
  const fullW = whole.width;
  const sizeAt = (s: number) => ({ width: fullW * s, height: (fullW * s) / aspect });
  // A crop is taken only when it beats the whole picture by `wholePreference`, and no score passes 1: a whole
  // picture this close leaves nothing to search for.
  const wholeScore = correlation(query.fine, frame, whole);
  if (wholeScore >= 1 - wholePreference) return { rect: whole, score: wholeScore };
  let best: Placement = { rect: whole, score: correlation(query.coarse, frame, whole) };
  for (let s = 1 - scaleStep; s >= minScale - 1e-9; s -= scaleStep) {
    const size = sizeAt(s);
    const stepX = size.width / query.coarse.width;
    const stepY = size.height / query.coarse.height;
    for (let y = content.y; y <= content.y + content.height - size.height + 1e-6; y += stepY)
      for (let x = content.x; x <= content.x + content.width - size.width + 1e-6; x += stepX) {
        const rect = { ...size, x, y };
        const score = correlation(query.coarse, frame, rect);
        if (score > best.score) best = { rect, score };
      }
  }
  const fine = nudgePlacement(query.fine, frame, content, best.rect);
  return fine.score > wholeScore + wholePreference ? fine : { rect: whole, score: wholeScore };
}

/** Where the whole screenshot sits on a frame whose picture is `content`: as large as fits, centred. */
export function wholePicture(query: QueryPicture, content: Rect): Rect {
  const aspect = query.fine.width / query.fine.height;
  const width = Math.min(content.width, content.height * aspect);
  const height = width / aspect;
  return { width, height, x: content.x + (content.width - width) / 2, y: content.y + (content.height - height) / 2 };
}

/** Whether a placement shows part of the picture only: the screenshot was cropped. */
export const isCrop = (rect: Rect, query: QueryPicture, content: Rect) =>
  rect.width < wholePicture(query, content).width * (1 - cropShare);
/** A placement this much narrower than the whole picture is a crop (a pixel or two off is a fit, not a crop). */
const cropShare = 0.01;

/**
 * The placement of a (fine) screenshot picture on `frame` near `start`: coordinate steps on offset and size, halved
 * whenever none helps, down to a tenth of a pixel.
 */
export function nudgePlacement(query: Plane, frame: Plane, content: Rect, start: Rect): Placement {
  const aspect = start.width / start.height;
  const inside = (r: Rect) =>
    r.width > 1 &&
    r.x >= content.x - 1e-6 &&
    r.y >= content.y - 1e-6 &&
    r.x + r.width <= content.x + content.width + 1e-6 &&
    r.y + r.height <= content.y + content.height + 1e-6;
  let best: Placement = { rect: start, score: correlation(query, frame, start) };
  let step = Math.max(1, start.width / query.width);
  while (step >= 0.1) {
    let moved = false;
    const r = best.rect;
    const tries: Rect[] = [
      { ...r, x: r.x + step },
      { ...r, x: r.x - step },
      { ...r, y: r.y + step },
      { ...r, y: r.y - step },
      // A size step keeps the centre.
      { x: r.x - step / 2, y: r.y - step / 2 / aspect, width: r.width + step, height: (r.width + step) / aspect },
      { x: r.x + step / 2, y: r.y + step / 2 / aspect, width: r.width - step, height: (r.width - step) / aspect },
    ];
    for (const rect of tries) {
      if (!inside(rect)) continue;
      const score = correlation(query, frame, rect);
      if (score > best.score + 1e-6) [best, moved] = [{ rect, score }, true];
    }
    if (!moved) step /= 2;
  }
  return best;
}
