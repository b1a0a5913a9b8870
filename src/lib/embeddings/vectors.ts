/**
 * Embedding vectors: unit length, compared by dot product, stored as int8 with one scale per vector.
 *
 * int8 rather than fp16: a 512-dimension CLIP vector takes 516 bytes instead of 1,024, the dot product runs on
 * plain typed arrays without a half-float decode, and the rounding error (at most half a step of max|v|/127 per
 * component) moves a cosine by well under 0.01, far below the gap between a match and a miss.
 */

/** Scales `v` to unit length in place and returns it. A zero vector stays zero (it matches nothing). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`Vectors differ in length: ${a.length} and ${b.length}.`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const norms = Math.sqrt(dot(a, a) * dot(b, b));
  return norms === 0 ? 0 : dot(a, b) / norms;
}

/** A vector as int8 codes; component i is `codes[i] * scale`. */
export interface Int8Vector {
  codes: Int8Array;
  scale: number;
}

/** Symmetric int8: the largest |component| maps to ±127. */
export function quantize(v: ArrayLike<number>): Int8Vector {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const codes = new Int8Array(v.length);
  if (max === 0) return { codes, scale: 0 };
  const scale = max / 127;
  for (let i = 0; i < v.length; i++) codes[i] = Math.round(v[i] / scale);
  return { codes, scale };
}

export function dequantize({ codes, scale }: Int8Vector): Float32Array {
  return Float32Array.from(codes, (c) => c * scale);
}

/** Many vectors of one dimension, row after row: what the vector store keeps and the search scans. */
export interface PackedVectors {
  dim: number;
  count: number;
  /** `count × dim` codes, row-major. */
  codes: Int8Array;
  /** One scale per row. */
  scales: Float32Array;
}

export function packVectors(vectors: readonly ArrayLike<number>[], dim: number): PackedVectors {
  const codes = new Int8Array(vectors.length * dim);
  const scales = new Float32Array(vectors.length);
  vectors.forEach((v, row) => {
    if (v.length !== dim) throw new RangeError(`Vector ${row} has ${v.length} dimensions, expected ${dim}.`);
    const q = quantize(v);
    codes.set(q.codes, row * dim);
    scales[row] = q.scale;
  });
  return { dim, count: vectors.length, codes, scales };
}

export function unpackRow(packed: PackedVectors, row: number): Float32Array {
  const { dim } = packed;
  return dequantize({ codes: packed.codes.subarray(row * dim, (row + 1) * dim), scale: packed.scales[row] });
}

export interface Hit {
  /** Row in the packed matrix. */
  index: number;
  score: number;
}

/** The distribution of one query's scores over every row: what `calibrate` compares the best hit with. */
export interface ScoreStats {
  count: number;
  mean: number;
  std: number;
}

/**
 * The `k` rows with the highest dot product with `query` (best first), and the mean and standard deviation of
 * all the scores, gathered in the same pass.
 */
export function topK(query: Float32Array, packed: PackedVectors, k: number): { hits: Hit[]; stats: ScoreStats } {
  const { dim, count, codes, scales } = packed;
  if (query.length !== dim) throw new RangeError(`The query has ${query.length} dimensions, the index ${dim}.`);
  const hits: Hit[] = []; // kept sorted, best first; k is small, so insertion beats a heap
  let sum = 0;
  let sumSq = 0;
  for (let row = 0, off = 0; row < count; row++, off += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += query[j] * codes[off + j];
    const score = s * scales[row];
    sum += score;
    sumSq += score * score;
    if (hits.length === k && score <= hits[k - 1].score) continue;
    let at = hits.length;
    while (at > 0 && hits[at - 1].score < score) at--;
    hits.splice(at, 0, { index: row, score });
    if (hits.length > k) hits.pop();
  }
  const mean = count ? sum / count : 0;
  const std = count ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 0;
  return { hits, stats: { count, mean, std } };
}

export interface CalibrationOptions {
  /** How many standard deviations the best score must clear the best that chance gives. Default 1.5. */
  margin?: number;
  /** What a query's scores look like before the library says otherwise, counted as `weight` rows. */
  prior?: { mean: number; std: number; weight: number };
  /** A score that is a match for this model whatever the distribution; unset unless measured for the model. */
  minScore?: number;
}

export interface Calibration {
  /** The best score, in standard deviations above the query's mean score. */
  z: number;
  /** The z the best of this many rows reaches by chance alone (rows that match nothing). */
  chance: number;
  /** Whether the best hit is a real match rather than the least bad row. */
  good: boolean;
}

/**
 * The expected largest of `n` standard normal draws (Blom's approximation, with the inverse normal tail of
 * Abramowitz & Stegun 26.2.23): 0 for one row, about 1.0 for 4, 3.2 for 1,000, 4.4 for 100,000.
 */
export function chanceMaxZ(n: number): number {
  if (n <= 1) return 0;
  const tail = 1 - (n - 0.375) / (n + 0.25);
  const t = Math.sqrt(-2 * Math.log(tail));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3);
}

/**
 * Is the best hit a match, or only the least bad row? CLIP's raw cosines do not say on their own: a text
 * query's scores sit in a band whose height depends on the wording and the model (a good match for one query
 * scores below a miss for another). So each query is judged against its own scores over the library: the best
 * score's z-score. But the best of many rows is always far above the mean (about 3.2 standard deviations for
 * 1,000 rows, 4.4 for 100,000, even for a query that matches nothing), so the bar is what chance gives for
 * this many rows (`chanceMaxZ`) plus `margin`. A query that names something in the library lifts its rows
 * clear of that; one that names nothing leaves its best row where chance puts it.
 *
 * A small library gives a poor estimate of the distribution, so `prior` (a typical mean and deviation for the
 * model) is pooled with the observed scores; with thousands of rows it no longer matters. Without a prior,
 * four rows cannot set a bar, and the answer is "no match" unless `minScore` says otherwise.
 *
 * The blind spot is a query that matches much of the library ("beach" in a library of beach holidays): its
 * best row is barely above its own crowd. `minScore`, a floor measured for a given model, accepts those.
 */
export function calibrate(best: number, stats: ScoreStats, options: CalibrationOptions = {}): Calibration {
  const { margin = 1.5, prior, minScore = Infinity } = options;
  const { count } = stats;
  let { mean, std } = stats;
  if (prior && prior.weight > 0) {
    const w = prior.weight;
    const pooled = (count * mean + w * prior.mean) / (count + w);
    const spread = count * (std ** 2 + (mean - pooled) ** 2) + w * (prior.std ** 2 + (prior.mean - pooled) ** 2);
    mean = pooled;
    std = Math.sqrt(spread / (count + w));
  }
  const chance = chanceMaxZ(count);
  if (count === 0 || std === 0) return { z: 0, chance, good: count > 0 && best >= minScore };
  const z = (best - mean) / std;
  return { z, chance, good: z >= chance + margin || best >= minScore };
}
