import { describe, expect, it } from 'vitest';
import {
  calibrate,
  chanceMaxZ,
  cosine,
  dequantize,
  dot,
  normalize,
  packVectors,
  quantize,
  topK,
  unpackRow,
} from '../../src/lib/embeddings/vectors';
import { gaussian, seededRandom } from '../shared/random';

/** Seeded unit vectors (mulberry32 + Box–Muller), so failures reproduce. */
function randomUnitVectors(count: number, dim: number, seed = 1): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => normalize(Float32Array.from({ length: dim }, () => gaussian(random))));
}

describe('normalize, dot, cosine', () => {
  it('scales to unit length in place and leaves a zero vector alone', () => {
    const v = new Float32Array([3, 4]);
    expect(normalize(v)).toBe(v);
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('cosine ignores length; dot does not; mismatched lengths are an error', () => {
    expect(cosine([1, 0], [5, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 2])).toBeCloseTo(0);
    expect(cosine([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(cosine([0, 0], [1, 0])).toBe(0);
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(() => dot([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('int8 quantization', () => {
  it('round-trips within half a step, the largest component exactly', () => {
    const v = new Float32Array([0.5, -0.25, 0.1, -0.5, 0]);
    const q = quantize(v);
    expect(q.codes[0]).toBe(127);
    expect(q.codes[3]).toBe(-127);
    const back = dequantize(q);
    v.forEach((x, i) => expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(q.scale / 2 + 1e-7));
    expect(quantize(new Float32Array(4))).toEqual({ codes: new Int8Array(4), scale: 0 });
  });

  it('keeps cosines of real-sized vectors within 0.01', () => {
    const [a, b] = randomUnitVectors(2, 512, 3);
    const packed = packVectors([a, b], 512);
    expect(Math.abs(cosine(unpackRow(packed, 0), unpackRow(packed, 1)) - cosine(a, b))).toBeLessThan(0.01);
    expect(Math.abs(dot(a, unpackRow(packed, 1)) - dot(a, b))).toBeLessThan(0.01);
  });

  it('refuses a vector of the wrong dimension', () => {
    expect(() => packVectors([new Float32Array(3), new Float32Array(4)], 3)).toThrow(/Vector 1 has 4/);
  });
});

describe('topK', () => {
  const dim = 64;
  const vectors = randomUnitVectors(500, dim, 11);
  const packed = packVectors(vectors, dim);

  it('returns the rows an exact float scan ranks first, best first', () => {
    const query = randomUnitVectors(1, dim, 99)[0];
    const exact = vectors.map((v, index) => ({ index, score: dot(query, v) })).sort((a, b) => b.score - a.score);
    const { hits, stats } = topK(query, packed, 10);
    expect(hits[0].index).toBe(exact[0].index);
    hits.slice(1).forEach((h, i) => expect(h.score).toBeLessThanOrEqual(hits[i].score));
    // int8 rounding may swap near ties, never let in a row far down the exact ranking
    const exactTop = new Set(exact.slice(0, 12).map((h) => h.index));
    expect(hits.every((h) => exactTop.has(h.index))).toBe(true);
    hits.forEach((h) => expect(h.score).toBeCloseTo(dot(query, vectors[h.index]), 2));
    const mean = exact.reduce((s, h) => s + h.score, 0) / exact.length;
    expect(stats.count).toBe(500);
    expect(stats.mean).toBeCloseTo(mean, 2);
    expect(stats.std).toBeGreaterThan(0.05); // random 64-d unit vectors: about 1/√64
  });

  it('finds a stored vector as its own best match', () => {
    const { hits } = topK(vectors[123], packed, 3);
    expect(hits[0].index).toBe(123);
    expect(hits[0].score).toBeCloseTo(1, 2);
  });

  it('handles k larger than the index, and an empty index', () => {
    const small = packVectors(vectors.slice(0, 3), dim);
    expect(topK(vectors[0], small, 10).hits).toHaveLength(3);
    const empty = topK(vectors[0], packVectors([], dim), 5);
    expect(empty).toEqual({ hits: [], stats: { count: 0, mean: 0, std: 0 } });
    expect(() => topK(new Float32Array(3), packed, 1)).toThrow(RangeError);
  });
});

describe('chanceMaxZ', () => {
  it('matches the known expected maxima of normal samples', () => {
    expect(chanceMaxZ(1)).toBe(0);
    expect(chanceMaxZ(2)).toBeCloseTo(0.56, 1);
    expect(chanceMaxZ(4)).toBeCloseTo(1.03, 1);
    expect(chanceMaxZ(1000)).toBeCloseTo(3.24, 1);
    expect(Math.abs(chanceMaxZ(100000) - 4.4)).toBeLessThan(0.1); // Blom runs a little low far out
  });

  it('agrees with a seeded simulation', () => {
    const random = seededRandom(42);
    const gauss = () => gaussian(random);
    let total = 0;
    for (let trial = 0; trial < 200; trial++) {
      let max = -Infinity;
      for (let i = 0; i < 1000; i++) max = Math.max(max, gauss());
      total += max;
    }
    expect(Math.abs(total / 200 - chanceMaxZ(1000))).toBeLessThan(0.15);
  });
});

describe('calibrate: a match, or only the least bad row', () => {
  const dim = 64;
  const library = randomUnitVectors(1000, dim, 5);
  const packed = packVectors(library, dim);

  it('accepts a query that lifts a row clear of the crowd', () => {
    const noise = randomUnitVectors(1, dim, 77)[0];
    const related = normalize(library[42].map((x, i) => 0.6 * x + 0.4 * noise[i]));
    const { hits, stats } = topK(related, packed, 1);
    expect(hits[0].index).toBe(42);
    expect(calibrate(hits[0].score, stats).good).toBe(true);
  });

  it('rejects queries that match nothing, though their best row is 3 deviations up', () => {
    for (const seed of [1234, 1235, 1236, 1237, 1238]) {
      const unrelated = randomUnitVectors(1, dim, seed)[0];
      const { hits, stats } = topK(unrelated, packed, 1);
      const judged = calibrate(hits[0].score, stats);
      expect(judged.z, `seed ${seed}`).toBeGreaterThan(2); // a plain z-score bar would call this a match
      expect(judged.good, `seed ${seed}`).toBe(false);
    }
  });

  it('needs a prior to judge a tiny library, and the prior fades as rows come in', () => {
    const few = { count: 4, mean: 0.2, std: 0.05 };
    expect(calibrate(0.31, few).good).toBe(false); // four rows cannot set a bar
    const prior = { mean: 0.2, std: 0.03, weight: 50 };
    expect(calibrate(0.31, few, { prior }).good).toBe(true);
    expect(calibrate(0.22, few, { prior }).good).toBe(false);
    const many = { count: 100000, mean: 0.5, std: 0.1 };
    expect(calibrate(0.6, many, { prior }).z).toBeCloseTo(1, 1);
  });

  it('gives no match rather than dividing by zero', () => {
    expect(calibrate(1, { count: 1, mean: 1, std: 0 })).toMatchObject({ z: 0, good: false });
    expect(calibrate(0.5, { count: 10, mean: 0.5, std: 0 })).toMatchObject({ z: 0, good: false });
    expect(calibrate(0.5, { count: 0, mean: 0, std: 0 }, { minScore: 0 }).good).toBe(false);
  });

  it('lets a model floor accept a query that matches much of the library', () => {
    // Half the rows match: the best is barely above the crowd in z, but above what the model calls a match.
    const stats = { count: 1000, mean: 0.25, std: 0.06 };
    expect(calibrate(0.33, stats).good).toBe(false);
    expect(calibrate(0.33, stats, { minScore: 0.3 }).good).toBe(true);
  });
});
