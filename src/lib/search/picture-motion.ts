// Telling apart frames that look alike all over (a static camera, a talking head), for moment refinement: what
// differs between them is the small part that moves, which a correlation over the whole picture barely sees.
import type { Rect } from './borders';
import { resample, type Plane } from './picture-align';

/**
 * Scores for frames that look alike all over. In each plane (luma and the two colour planes, see `colourPlanes`),
 * a frame's picture at `rect` less the frames' mean is its motion; the screenshot less what it shows where the mean
 * shows the same level (`toneCurve`: brightness, contrast, clipped highlights) is its own, with the noise every frame
 * shares (pixels no frame's motion can explain, a caption laid over, are left out). The score is their correlation
 * (−1…1) over all planes: the frame whose motion the screenshot shows scores highest. A box as bright as the scene
 * it crosses moves only in colour.
 */
export function motionScores(query: readonly Plane[], frames: readonly (readonly Plane[])[], rect: Rect): number[] {
  const rd = new Float64Array(frames.length);
  const dd = new Float64Array(frames.length);
  let rr = 0;
  query.forEach((plane, c) => {
    const channel = planeMotion(
      plane,
      frames.map((f) => f[c]),
      rect,
    );
    rr += channel.rr;
    for (let k = 0; k < frames.length; k++) {
      rd[k] += channel.rd[k];
      dd[k] += channel.dd[k];
    }
  });
  return frames.map((_, k) => (rr > 0 && dd[k] > 1e-6 ? rd[k] / Math.sqrt(rr * dd[k]) : 0));
}

/** One plane's share of `motionScores`: the products its correlation sums. */
function planeMotion(query: Plane, frames: readonly Plane[], rect: Rect): { rr: number; rd: number[]; dd: number[] } {
  const n = query.width * query.height;
  const samples = frames.map((f) => resample(f, rect, query.width, query.height).data);
  const mean = new Float32Array(n);
  for (const s of samples) for (let i = 0; i < n; i++) mean[i] += s[i] / samples.length;
  // What the screenshot shows where the mean shows v. A curve rather than a gain, since a brightened screenshot clips
  // its highlights (and a tone-mapped one bends them): a straight fit would leave that bend all over the bright parts.
  const curve = toneCurve(mean, query.data);
  const residual = new Float32Array(n);
  for (let i = 0; i < n; i++) residual[i] = query.data[i] - curve(mean[i]);
  // Where no frame moves as much as the screenshot differs (a caption, a bar, a logo laid over), the difference is
  // not motion: those pixels are left out, or they would decide the score.
  const reach = new Float32Array(n);
  for (const s of samples) for (let i = 0; i < n; i++) reach[i] = Math.max(reach[i], Math.abs(s[i] - mean[i]));
  const gain = Math.abs(slope(mean, query.data));
  const noise = medianOf(residual.map(Math.abs));
  let rr = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(residual[i]) > 2 * gain * reach[i] + 3 * noise) residual[i] = 0;
    rr += residual[i] * residual[i];
  }
  const rd: number[] = [];
  const dd: number[] = [];
  for (const s of samples) {
    let r = 0;
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const d = s[i] - mean[i];
      r += residual[i] * d;
      d2 += d * d;
    }
    rd.push(r);
    dd.push(d2);
  }
  return { rr, rd, dd };
}

/** The least-squares slope of `to` against `from`: how much the screenshot's contrast differs from the frames'. */
function slope(from: Float32Array, to: Float32Array): number {
  let mf = 0;
  let mt = 0;
  for (let i = 0; i < from.length; i++) {
    mf += from[i] / from.length;
    mt += to[i] / from.length;
  }
  let ft = 0;
  let ff = 0;
  for (let i = 0; i < from.length; i++) {
    ft += (from[i] - mf) * (to[i] - mt);
    ff += (from[i] - mf) * (from[i] - mf);
  }
  return ff > 0 ? ft / ff : 0;
}

/** Luma levels the tone curve is read at, over the mean's range. */
const curveLevels = 24;
/** A level needs this many pixels to place a point of the curve; the curve runs straight across sparser ones. */
const minLevelPixels = 12;

/**
 * The curve that maps `from` values to `to` values best: the median `to` at each of `curveLevels` levels of `from`,
 * joined by straight lines (flat past the first and last). The median lets the few pixels that moved leave the curve
 * where the still ones put it.
 */
function toneCurve(from: Float32Array, to: Float32Array): (v: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of from) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = (hi - lo) / curveLevels || 1;
  const level = (v: number) => Math.min(curveLevels - 1, Math.floor((v - lo) / width));
  const buckets: number[][] = Array.from({ length: curveLevels }, () => []);
  for (let i = 0; i < from.length; i++) buckets[level(from[i])].push(i);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of buckets) {
    if (b.length < minLevelPixels) continue;
    xs.push(medianOf(Float32Array.from(b, (i) => from[i])));
    ys.push(medianOf(Float32Array.from(b, (i) => to[i])));
  }
  if (xs.length === 0) return () => 0;
  return (v) => {
    if (v <= xs[0]) return ys[0];
    let k = 1;
    while (k < xs.length && xs[k] < v) k++;
    if (k === xs.length) return ys[k - 1];
    const t = (v - xs[k - 1]) / (xs[k] - xs[k - 1] || 1);
    return ys[k - 1] + t * (ys[k] - ys[k - 1]);
  };
}

function medianOf(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}
