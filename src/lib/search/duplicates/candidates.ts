/**
 * The candidate index behind Duplicates: multi-index hashing over the fingerprints' thermometer ranks, so a frame
 * finds the frames near it without comparing it with every other frame.
 *
 * A fingerprint codes 85 DCT coefficients with 3 bits each (000, 001, 011, 111: the quartile the coefficient falls
 * in), so the rank of a coefficient is the popcount of its 3 bits and, for any two fingerprints, the sum over
 * coefficients of |rank a − rank b| is at most their Hamming distance (for arbitrary bits too: flipping one bit
 * moves a popcount by one). The first 80 coefficients are split into 8 groups of 10; a group's 10 ranks (2 bits
 * each) are its 20-bit key. Two fingerprints within `promisedDistance` bits differ by at most 15 in rank sum, so
 * by pigeonhole some group differs by at most 1: probing every group's own key and the keys one rank step away
 * (at most 21 per group) finds every such frame. Farther frames are found often too (at 30 bits about two times in
 * three, measured in the unit test), so a shared stretch of footage, with many frames, is found with near certainty.
 *
 * Ranks rather than raw bits: 20 bits of rank carry close to 20 bits of information (each quartile holds a quarter
 * of a frame's coefficients), while 20 raw thermometer bits carry about 13, and probing one rank step costs 20
 * probes where one raw bit flip would cost 30.
 */
import { wordsPerFingerprint } from '../frame-index';

const groups = 8;
const coefficientsPerGroup = 10;
/** Keys are 20 bits; a small library hashes them into fewer buckets (about one per frame, at least 1,024). */
const maxBucketBits = coefficientsPerGroup * 2;
const bucketOf = (key: number, bits: number) => Math.imul(key, 0x9e3779b1) >>> (32 - bits);

/** Every frame within this many bits of a probed frame is among the rows `probe` visits. */
export const promisedDistance = groups * 2 - 1;

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

/** The 8 group keys of the fingerprint at word `o` of `fp`, into `keys`. */
export function groupKeys(fp: Uint32Array, o: number, keys: Uint32Array): void {
  for (let g = 0; g < groups; g++) {
    let key = 0;
    const first = g * coefficientsPerGroup;
    for (let i = 0; i < coefficientsPerGroup; i++) key |= rank(fp, o, first + i) << (2 * i);
    keys[g] = key;
  }
}

export class CandidateIndex {
  /** Per group: where each key's rows start in `#rows` (counting-sort layout, `buckets + 1` entries). */
  #starts: Uint32Array[] = [];
  #rows: Uint32Array[] = [];
  #size = 0;
  #bits = 10;
  #keys = new Uint32Array(groups);

  /** Rows indexed: 0..size-1 of the fingerprints it was built from. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the tables. */
  get allocatedBytes(): number {
    return this.#starts.reduce((n, a) => n + a.byteLength, 0) + this.#rows.reduce((n, a) => n + a.byteLength, 0);
  }

  /** Indexes rows 0..rows-1 of packed fingerprints (8 words each), replacing what was indexed. */
  build(fingerprints: Uint32Array, rows: number): void {
    const keys = new Uint32Array(rows * groups);
    const one = this.#keys;
    for (let r = 0; r < rows; r++) {
      groupKeys(fingerprints, r * wordsPerFingerprint, one);
      keys.set(one, r * groups);
    }
    const bits = Math.min(maxBucketBits, Math.max(10, Math.ceil(Math.log2(rows + 1))));
    const buckets = 1 << bits;
    for (let i = 0; i < keys.length; i++) keys[i] = bucketOf(keys[i], bits);
    const before = this.#bits === bits ? this.#starts : [];
    this.#bits = bits;
    this.#starts = [];
    this.#rows = [];
    for (let g = 0; g < groups; g++) {
      const starts = before[g] ?? new Uint32Array(buckets + 1);
      starts.fill(0);
      for (let r = 0; r < rows; r++) starts[keys[r * groups + g] + 1]++;
      for (let k = 0; k < buckets; k++) starts[k + 1] += starts[k];
      const fill = starts.slice(0, buckets);
      const list = new Uint32Array(rows);
      for (let r = 0; r < rows; r++) list[fill[keys[r * groups + g]]++] = r;
      this.#starts.push(starts);
      this.#rows.push(list);
    }
    this.#size = rows;
  }

  /**
   * Calls `visit` with every indexed row that may be within `promisedDistance` bits of the fingerprint at word `o`
   * of `fp` (all of those are visited; others too, and a row may come more than once: check the distance).
   */
  probe(fp: Uint32Array, o: number, visit: (row: number) => void): void {
    if (this.#starts.length === 0) return;
    const keys = this.#keys;
    const bits = this.#bits;
    groupKeys(fp, o, keys);
    for (let g = 0; g < groups; g++) {
      const starts = this.#starts[g];
      const rows = this.#rows[g];
      const key = keys[g];
      let b = bucketOf(key, bits);
      for (let i = starts[b], end = starts[b + 1]; i < end; i++) visit(rows[i]);
      for (let c = 0; c < coefficientsPerGroup; c++) {
        const shift = 2 * c;
        const r = (key >>> shift) & 3;
        if (r > 0) {
          b = bucketOf(key - (1 << shift), bits);
          for (let i = starts[b], end = starts[b + 1]; i < end; i++) visit(rows[i]);
        }
        if (r < 3) {
          b = bucketOf(key + (1 << shift), bits);
          for (let i = starts[b], end = starts[b + 1]; i < end; i++) visit(rows[i]);
        }
      }
    }
  }
}
