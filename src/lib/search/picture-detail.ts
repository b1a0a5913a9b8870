// Telling apart the frames of a near-still shot by a cropped screenshot (issue 11). A hand-held talking head drifts
// by about a pixel of 1080 in a second: a crop placed on one frame then fits every other frame as well, shifted by
// that drift, and neither the fingerprint nor the motion planes (picture-motion.ts) can say which frame it was. Read
// larger (`detailSide`) and with the crop placed on each frame on its own, to a fraction of a pixel, what is left is
// what moved against the rest (a head against the ceiling), and the asked frame fits best. Placing by trying steps
// (nudgePlacement) costs some fifty comparisons a frame at this size; a Gauss-Newton step on offset and scale (as in
// Lucas-Kanade registration) gets there in two or three.
import type { Rect } from './borders';
import { resample, sampledCorrelation, type Placement, type Plane } from './picture-align';

/**
 * Where the (normalised) screenshot picture `query` fits `frame` best near `start`, and how well: `steps`
 * Gauss-Newton steps on the rectangle's offset and scale, each solving for the move that best explains the
 * difference between the screenshot and the frame there by the frame's gradients.
 */
export function registerPlacement(query: Plane, frame: Plane, start: Rect, steps: number): Placement {
  const { width: qw, height: qh } = query;
  let rect = start;
  let sampled = resample(frame, rect, qw, qh);
  let best: Placement = { rect, score: sampledCorrelation(query, sampled) };
  for (let step = 0; step < steps; step++) {
    const move = gaussNewtonStep(query, sampled);
    if (!move) break;
    const k = rect.width / qw; // frame pixels per screenshot pixel
    const [width, height] = [rect.width * (1 + move.scale), rect.height * (1 + move.scale)];
    const cx = rect.x + rect.width / 2 + move.dx * k;
    const cy = rect.y + rect.height / 2 + move.dy * k;
    rect = { x: cx - width / 2, y: cy - height / 2, width, height };
    if (!inside(rect, frame)) break;
    sampled = resample(frame, rect, qw, qh);
    const score = sampledCorrelation(query, sampled);
    // A step past the best fit (the linear model holds only near it) is not taken.
    if (score <= best.score) break;
    best = { rect, score };
  }
  return best;
}

const inside = (r: Rect, frame: Plane) =>
  r.width > 2 && r.x >= 0 && r.y >= 0 && r.x + r.width <= frame.width && r.y + r.height <= frame.height;

/**
 * The offset (screenshot pixels) and relative scale that, applied to where `sampled` was read, best explain the
 * zero-mean `query` as a gain times it: least squares on the linearised difference. Null when the frame is flat there.
 */
function gaussNewtonStep(query: Plane, sampled: Plane): { dx: number; dy: number; scale: number } | null {
  const { width: w, height: h } = sampled;
  const s = sampled.data;
  const q = query.data;
  const n = w * h;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += s[i] / n;
  let [ss, qs] = [0, 0];
  for (let i = 0; i < n; i++) {
    ss += (s[i] - mean) ** 2;
    qs += q[i] * (s[i] - mean);
  }
  if (ss < 1e-9) return null;
  const gain = qs / ss;
  // Columns of the Jacobian (gain × gradient along x, along y, and along the radius for scale), and their means:
  // the screenshot's offset in level is free, so the columns are centred.
  const sums = new Float64Array(3);
  const jtj = new Float64Array(9);
  const jtr = new Float64Array(3);
  const col = new Float64Array(3);
  const [cx, cy] = [w / 2 - 0.5, h / 2 - 0.5];
  for (let pass = 0; pass < 2; pass++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const gx = x === 0 ? s[i + 1] - s[i] : x === w - 1 ? s[i] - s[i - 1] : (s[i + 1] - s[i - 1]) / 2;
        const gy = y === 0 ? s[i + w] - s[i] : y === h - 1 ? s[i] - s[i - w] : (s[i + w] - s[i - w]) / 2;
        col[0] = gain * gx;
        col[1] = gain * gy;
        col[2] = gain * (gx * (x - cx) + gy * (y - cy));
        if (pass === 0) {
          for (let a = 0; a < 3; a++) sums[a] += col[a] / n;
          continue;
        }
        const residual = q[i] - gain * (s[i] - mean);
        for (let a = 0; a < 3; a++) {
          const ca = col[a] - sums[a];
          jtr[a] += ca * residual;
          for (let b = a; b < 3; b++) jtj[a * 3 + b] += ca * (col[b] - sums[b]);
        }
      }
  for (let a = 0; a < 3; a++) for (let b = 0; b < a; b++) jtj[a * 3 + b] = jtj[b * 3 + a];
  const p = solve3(jtj, jtr);
  return p && { dx: p[0], dy: p[1], scale: p[2] };
}

/** x with m·x = v for a 3 × 3 matrix (row-major), or null when m is singular. */
function solve3(m: Float64Array, v: Float64Array): [number, number, number] | null {
  const det = (a: number[]) =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const base = Array.from(m);
  const d = det(base);
  if (!(Math.abs(d) > 1e-12 * Math.abs(m[0] * m[4] * m[8]))) return null;
  const column = (c: number) => det(base.map((x, i) => (i % 3 === c ? v[Math.floor(i / 3)] : x)));
  return [column(0) / d, column(1) / d, column(2) / d];
}
