/**
 * The candidate index behind Duplicates: multi-index hashing over the fingerprints' thermometer ranks, so a frame
 * finds the frames near it without comparing it with every other frame.
 *
 * A fingerprint codes 85 DCT coefficients with 3 bits each (000, 001, 011, 111: the quartile the coefficient falls
 * in), so the rank of a coefficient is the popcount of its 3 bits and, for any two fingerprints, the sum over
 * coefficients of |rank a − rank b| is at most their Hamming distance (for arbitrary bits too: flipping one bit
 * moves a popcount by one). The first 84 coefficients are split into 7 groups of 12; a group's 12 ranks (2 bits
 * each) are its 24-bit key. Two fingerprints within `promisedDistance` bits differ by at most 13 in rank sum, so
 * by pigeonhole some group differs by at most 1: probing every group's own key and the keys one rank step away
 * (at most 25 per group) finds every such frame. Farther frames are found often too (measured in the unit test),
 * so a shared stretch of footage, with many frames, is found with near certainty.
 *
 * Ranks rather than raw bits: 24 bits of rank carry close to 24 bits of information (each quartile holds a quarter
 * of a frame's coefficients), while 24 raw thermometer bits carry about 16, and probing one rank step costs 24
 * probes where one raw bit flip would cost 36. Why 7 × 12 rather than 8 × 10 (a promise of 15 bits): at a million
 * frames a 20-bit key is shared by about one unrelated frame per probe, so each frame's 168 probes touched ~170
 * random rows (measured: 170 ns a row, cache misses); 24-bit keys touch ~16 times fewer.
 */
import { wordsPerFingerprint } from '../frame-index';

/** Key groups, and coefficients in each: 7 × 12 of the 85 (24-bit keys). */
export const keyGroups = 7;
export const coefficientsPerGroup = 12;
/**
 * Keys are hashed into about a quarter as many buckets as frames (at least 1,024, at most 2^20): the bucket heads
 * of every group then stay in cache, and a bucket's few entries are told apart by the key stored beside each row.
 */
const bucketBitsFor = (rows: number) => Math.min(20, Math.max(10, Math.ceil(Math.log2(rows + 1)) - 2));
const bucketOf = (key: number, bits: number) => Math.imul(key, 0x9e3779b1) >>> (32 - bits);

/** Every frame within this many bits of a probed frame is among the rows `probe` visits. */
export const promisedDistance = keyGroups * 2 - 1;

/** Popcount of 3 bits: a coefficient's rank from its thermometer code. */
const rankOf3 = Uint8Array.from([0, 1, 1, 2, 1, 2, 2, 3]);

/** The rank (0..3) of coefficient `c` of the fingerprint at word `o` of `fp`. */
function rank(fp: Uint32Array, o: number, c: number): number {
  const b = c * 3;
  const s = b & 31;
  let v = fp[o + (b >>> 5)] >>> s;
  if (s > 29) v |= fp[o + (b >>> 5) + 1] << (32 - s);
  return rankOf3[v & 7];
}

/** The group keys of the fingerprint at word `o` of `fp`, into `keys`. */
export function groupKeys(fp: Uint32Array, o: number, keys: Uint32Array): void {
  for (let g = 0; g < keyGroups; g++) {
    let key = 0;
    const first = g * coefficientsPerGroup;
    for (let i = 0; i < coefficientsPerGroup; i++) key |= rank(fp, o, first + i) << (2 * i);
    keys[g] = key;
  }
}

export class CandidateIndex {
  /** Per group: where each bucket's entries start (counting-sort layout, one more than the buckets). */
  #starts: Uint32Array[] = [];
  /** Per group, by bucket: each entry's row, and its full key (buckets mix keys). */
  #rows: Uint32Array[] = [];
  #entryKeys: Uint32Array[] = [];
  #size = 0;
  #bits = 10;
  #keys = new Uint32Array(keyGroups);

  /** Rows indexed: 0..size-1 of the fingerprints it was built from. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the tables. */
  get allocatedBytes(): number {
    const sum = (list: Uint32Array[]) => list.reduce((n, a) => n + a.byteLength, 0);
    return sum(this.#starts) + sum(this.#rows) + sum(this.#entryKeys);
  }

  /** Indexes rows 0..rows-1 of packed fingerprints (8 words each), replacing what was indexed. */
  build(fingerprints: Uint32Array, rows: number): void {
    const keys = new Uint32Array(rows * keyGroups);
    const one = this.#keys;
    for (let r = 0; r < rows; r++) {
      groupKeys(fingerprints, r * wordsPerFingerprint, one);
      keys.set(one, r * keyGroups);
    }
    const bits = bucketBitsFor(rows);
    const buckets = 1 << bits;
    const before = this.#bits === bits ? this.#starts : [];
    this.#bits = bits;
    this.#starts = [];
    this.#rows = [];
    this.#entryKeys = [];
    const bucket = new Uint32Array(rows);
    for (let g = 0; g < keyGroups; g++) {
      for (let r = 0; r < rows; r++) bucket[r] = bucketOf(keys[r * keyGroups + g], bits);
      const starts = before[g] ?? new Uint32Array(buckets + 1);
      starts.fill(0);
      for (let r = 0; r < rows; r++) starts[bucket[r] + 1]++;
      for (let k = 0; k < buckets; k++) starts[k + 1] += starts[k];
      const fill = starts.slice(0, buckets);
      const list = new Uint32Array(rows);
      const entryKeys = new Uint32Array(rows);
      for (let r = 0; r < rows; r++) {
        const at = fill[bucket[r]]++;
        list[at] = r;
        entryKeys[at] = keys[r * keyGroups + g];
      }
      this.#starts.push(starts);
      this.#rows.push(list);
      this.#entryKeys.push(entryKeys);
    }
    this.#size = rows;
  }

  /**
   * Calls `visit` with every indexed row that may be within `promisedDistance` bits of the fingerprint at word `o`
   * of `fp`: every row sharing a group key with it, or one rank step from it (all rows within the promise are
   * visited; others too, and a row may come more than once: check the distance).
   */
  probe(fp: Uint32Array, o: number, visit: (row: number) => void): void {
    if (this.#starts.length === 0) return;
    const keys = this.#keys;
    groupKeys(fp, o, keys);
    for (let g = 0; g < keyGroups; g++) {
      const key = keys[g];
      this.#visitKey(g, key, visit);
      for (let c = 0; c < coefficientsPerGroup; c++) {
        const shift = 2 * c;
        const r = (key >>> shift) & 3;
        if (r > 0) this.#visitKey(g, key - (1 << shift), visit);
        if (r < 3) this.#visitKey(g, key + (1 << shift), visit);
      }
    }
  }

  #visitKey(g: number, key: number, visit: (row: number) => void): void {
    const b = bucketOf(key, this.#bits);
    const starts = this.#starts[g];
    const entryKeys = this.#entryKeys[g];
    const rows = this.#rows[g];
    for (let i = starts[b], end = starts[b + 1]; i < end; i++) if (entryKeys[i] === key) visit(rows[i]);
  }
}
