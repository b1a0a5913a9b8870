/**
 * In-memory index of frame fingerprints for the search worker: a brute-force Hamming scan over packed
 * 256-bit fingerprints, in WebAssembly SIMD where the engine has it (hamming-simd.ts). Brute force is enough
 * here: 5M frames × 32 bytes is one linear pass over 160 MB, inside the 50 ms budget with SIMD, exact (no
 * recall loss: image search fetches everything within 97 bits, too far for multi-index hashing to prune), and
 * needs no build step when frames are appended or removed.
 *
 * Deliberately independent of `fingerprint.ts` (the descriptor): only the layout is shared — 8 words per
 * fingerprint, distance = Hamming distance in bits.
 */

import { simdScan, type SimdScan } from './hamming-simd';

export const wordsPerFingerprint = 8;
export const fingerprintBits = wordsPerFingerprint * 32;

/** Storage per indexed frame: 32 B fingerprint + 4 B video id + 4 B time. */
export const bytesPerRow = wordsPerFingerprint * 4 + 4 + 4;

export interface FrameMatch {
  videoId: number;
  /** Seconds from the start of the video. */
  time: number;
  /** Hamming distance in bits, 0..256. */
  distance: number;
}

export interface FrameSearchOptions {
  /** How many nearest frames to return. */
  k: number;
  /** Frames further than this (in bits) are never returned. Defaults to 256 (everything). */
  maxDistance?: number;
  excludeVideos?: ReadonlySet<number>;
  /** Skip a frame as soon as its first half is already too far (on by default; off only to measure). */
  earlyExit?: boolean;
}

export const similarityOf = (distance: number) => 1 - distance / fingerprintBits;

/** A stored segment could not be read: wrong magic, unknown version or truncated. */
export class CorruptSegmentError extends Error {
  override name = 'CorruptSegmentError';
}

const segmentMagic = 0x58494646; // 'FFIX' read as a little-endian u32
const segmentVersion = 1;
/** A serialized segment opens with magic, version, frame count and words per fingerprint (u32 each). */
export const segmentHeaderBytes = 16;
const headerBytes = segmentHeaderBytes;
/** The video id a removed (tombstoned) row carries until `compact()` reclaims it. */
export const removedVideo = -1;
const removed = removedVideo;

/** Bounded max-heap of the k best rows seen so far; the root is the worst kept row. */
class TopK {
  readonly rows: Int32Array;
  readonly distances: Int32Array;
  size = 0;
  /** The largest distance a new row may have to get in. */
  limit: number;

  constructor(
    readonly k: number,
    readonly maxDistance: number,
  ) {
    this.rows = new Int32Array(k);
    this.distances = new Int32Array(k);
    this.limit = k > 0 ? maxDistance : -1;
  }

  /** Rows arrive in increasing order, so on equal distance the kept (earlier) row wins: ties are stable. */
  push(row: number, distance: number): void {
    const { rows, distances } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(distance, row, distances[parent], rows[parent])) break;
        rows[i] = rows[parent];
        distances[i] = distances[parent];
        i = parent;
      }
      rows[i] = row;
      distances[i] = distance;
    } else {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= this.k) break;
        const right = left + 1;
        const child =
          right < this.k && worse(distances[right], rows[right], distances[left], rows[left]) ? right : left;
        if (!worse(distances[child], rows[child], distance, row)) break;
        rows[i] = rows[child];
        distances[i] = distances[child];
        i = child;
      }
      rows[i] = row;
      distances[i] = distance;
    }
    // Once full, only a strictly closer row can beat the root (a tie loses to the earlier row).
    if (this.size === this.k) this.limit = Math.min(this.maxDistance, distances[0] - 1);
  }

  sortedRows(): { row: number; distance: number }[] {
    const out = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i], distance: this.distances[i] });
    return out.sort((a, b) => a.distance - b.distance || a.row - b.row);
  }
}

const worse = (d1: number, r1: number, d2: number, r2: number) => d1 > d2 || (d1 === d2 && r1 > r2);

/** Rows scanned per block in `searchMany`: 4096 × 32 B = 128 KB stays in L2 while every query passes over it. */
const blockRows = 4096;
/** The WebAssembly memory's layout: the query, a block's (row, distance) pairs, then the fingerprints. */
const queryAt = 0;
const foundAt = 64;
const fingerprintsAt = foundAt + blockRows * 8;

export class FrameIndex {
  #fingerprints = new Uint32Array(0);
  #memory: WebAssembly.Memory | null = null;
  #simd: SimdScan | null = null;
  #query = new Uint32Array(wordsPerFingerprint);
  #found = new Int32Array(0);
  #videoIds = new Int32Array(0);
  #times = new Float32Array(0);
  /** Rows in use, tombstones included. */
  #count = 0;
  #removedRows = 0;
  #layout = 0;

  /** Changes whenever rows move (`compact`): indexes built over row numbers must then be rebuilt. */
  get layout(): number {
    return this.#layout;
  }

  /**
   * The packed arrays as they are, for indexes built over this one (the duplicates' candidate index): rows
   * 0..rows-1, a removed row carries `removedVideo`. Valid until the next append, compact or trim.
   */
  get raw(): { fingerprints: Uint32Array; videoIds: Int32Array; times: Float32Array; rows: number } {
    return { fingerprints: this.#fingerprints, videoIds: this.#videoIds, times: this.#times, rows: this.#count };
  }

  /** Indexed frames (removed ones excluded). */
  get size(): number {
    return this.#count - this.#removedRows;
  }

  get capacity(): number {
    return this.#videoIds.length;
  }

  /** Bytes held by the typed arrays. */
  get allocatedBytes(): number {
    const fingerprints = this.#memory?.buffer.byteLength ?? this.#fingerprints.byteLength;
    return fingerprints + this.#videoIds.byteLength + this.#times.byteLength;
  }

  /** Real memory per indexed frame: allocation (spare capacity and tombstones included) over live frames. */
  get bytesPerFrame(): number {
    return this.size === 0 ? 0 : this.allocatedBytes / this.size;
  }

  /** Makes room for `frames` rows in total, so loading known segments allocates once. */
  reserve(frames: number): void {
    if (frames > this.capacity) this.#allocate(frames);
  }

  /** Drops spare capacity (after a bulk load), so `bytesPerFrame` is `bytesPerRow` and the scan's scratch space. */
  trim(): void {
    this.compact();
    if (this.capacity !== this.#count) this.#allocate(this.#count);
  }

  /**
   * New arrays for `frames` rows, the rows in use copied over. Fingerprints live in a WebAssembly memory (after the
   * scan's scratch space) so the SIMD scan reads them where they are.
   */
  #allocate(frames: number): void {
    const bytes = fingerprintsAt + frames * wordsPerFingerprint * 4;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const fingerprints = new Uint32Array(memory.buffer, fingerprintsAt, frames * wordsPerFingerprint);
    fingerprints.set(this.#fingerprints.subarray(0, this.#count * wordsPerFingerprint));
    const videoIds = new Int32Array(frames);
    videoIds.set(this.#videoIds.subarray(0, this.#count));
    const times = new Float32Array(frames);
    times.set(this.#times.subarray(0, this.#count));
    this.#memory = memory;
    this.#simd = simdScan(memory);
    this.#query = new Uint32Array(memory.buffer, queryAt, wordsPerFingerprint);
    this.#found = new Int32Array(memory.buffer, foundAt, blockRows * 2);
    this.#fingerprints = fingerprints;
    this.#videoIds = videoIds;
    this.#times = times;
  }

  /** Appends one video's (or several videos') frames: `fingerprints` packs 8 words per frame. */
  append(fingerprints: Uint32Array, videoIds: ArrayLike<number> | number, times: ArrayLike<number>): void {
    const n = times.length;
    if (fingerprints.length !== n * wordsPerFingerprint)
      throw new RangeError(`Expected ${n * wordsPerFingerprint} fingerprint words, got ${fingerprints.length}`);
    if (typeof videoIds !== 'number' && videoIds.length !== n)
      throw new RangeError(`Expected ${n} video ids, got ${videoIds.length}`);
    if (this.#count + n > this.capacity) this.reserve(Math.max(this.#count + n, Math.ceil(this.capacity * 1.5), 1024));
    this.#fingerprints.set(fingerprints, this.#count * wordsPerFingerprint);
    if (typeof videoIds === 'number') {
      if (videoIds < 0) throw new RangeError('Video ids must not be negative');
      this.#videoIds.fill(videoIds, this.#count, this.#count + n);
    } else {
      for (let i = 0; i < n; i++) {
        if (videoIds[i] < 0) throw new RangeError('Video ids must not be negative');
        this.#videoIds[this.#count + i] = videoIds[i];
      }
    }
    this.#times.set(times, this.#count);
    this.#count += n;
  }

  /** Tombstones every frame of a video; they stop matching at once and are reclaimed by `compact()`. */
  remove(videoId: number): number {
    let n = 0;
    const ids = this.#videoIds;
    for (let i = 0; i < this.#count; i++) {
      if (ids[i] === videoId) {
        ids[i] = removed;
        n++;
      }
    }
    this.#removedRows += n;
    return n;
  }

  /** Closes the gaps left by `remove`, keeping the order of the remaining frames. */
  compact(): void {
    if (this.#removedRows === 0) return;
    const fp = this.#fingerprints;
    const ids = this.#videoIds;
    const times = this.#times;
    let out = 0;
    for (let i = 0; i < this.#count; i++) {
      if (ids[i] === removed) continue;
      if (out !== i) {
        fp.copyWithin(out * wordsPerFingerprint, i * wordsPerFingerprint, (i + 1) * wordsPerFingerprint);
        ids[out] = ids[i];
        times[out] = times[i];
      }
      out++;
    }
    this.#count = out;
    this.#removedRows = 0;
    this.#layout++;
  }

  /** The ids of the videos with frames in the index. */
  videoIds(): Set<number> {
    const out = new Set<number>();
    for (let i = 0; i < this.#count; i++) if (this.#videoIds[i] !== removed) out.add(this.#videoIds[i]);
    return out;
  }

  /** One video's frames in index order: its fingerprints (as views into the index) and times. */
  framesOf(videoId: number): { fingerprints: Uint32Array[]; times: number[] } {
    const fingerprints: Uint32Array[] = [];
    const times: number[] = [];
    for (let i = 0; i < this.#count; i++) {
      if (this.#videoIds[i] !== videoId) continue;
      fingerprints.push(this.#fingerprints.subarray(i * wordsPerFingerprint, (i + 1) * wordsPerFingerprint));
      times.push(this.#times[i]);
    }
    return { fingerprints, times };
  }

  /** The k nearest frames to one fingerprint, closest first (ties: earlier-indexed frame first). */
  search(query: Uint32Array, options: FrameSearchOptions): FrameMatch[] {
    return this.searchMany([query], options)[0];
  }

  /** The k nearest frames for each query (a clip's frames), in one blocked pass over the index. */
  searchMany(queries: readonly Uint32Array[], options: FrameSearchOptions): FrameMatch[][] {
    const maxDistance = Math.min(options.maxDistance ?? fingerprintBits, fingerprintBits);
    const heaps = queries.map((query) => {
      if (query.length < wordsPerFingerprint) throw new RangeError('A fingerprint has 8 words');
      return new TopK(Math.max(0, Math.floor(options.k)), maxDistance);
    });
    const earlyExit = options.earlyExit ?? true;
    const exclude = options.excludeVideos && options.excludeVideos.size > 0 ? options.excludeVideos : undefined;
    for (let start = 0; start < this.#count; start += blockRows) {
      const end = Math.min(start + blockRows, this.#count);
      for (let q = 0; q < queries.length; q++) this.#scan(queries[q], heaps[q], start, end, earlyExit, exclude);
    }
    return heaps.map((heap) =>
      heap.sortedRows().map(({ row, distance }) => ({
        videoId: this.#videoIds[row],
        time: this.#times[row],
        distance,
      })),
    );
  }

  #scan(query: Uint32Array, heap: TopK, start: number, end: number, earlyExit: boolean, exclude?: ReadonlySet<number>) {
    if (this.#simd) return this.#scanSimd(this.#simd, query, heap, start, end, exclude);
    const fp = this.#fingerprints;
    const ids = this.#videoIds;
    const [q0, q1, q2, q3, q4, q5, q6, q7] = query;
    let limit = heap.limit;
    if (limit < 0) return;
    for (let row = start, o = start * wordsPerFingerprint; row < end; row++, o += wordsPerFingerprint) {
      // SWAR popcount kept at the per-byte stage and summed across words (each byte stays ≤ 64),
      // so the horizontal add (imul) runs once per half instead of once per word.
      let x = fp[o] ^ q0;
      let y = fp[o + 1] ^ q1;
      let z = fp[o + 2] ^ q2;
      let w = fp[o + 3] ^ q3;
      x -= (x >>> 1) & 0x55555555;
      y -= (y >>> 1) & 0x55555555;
      z -= (z >>> 1) & 0x55555555;
      w -= (w >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
      z = (z & 0x33333333) + ((z >>> 2) & 0x33333333);
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      let bytes = ((x + (x >>> 4)) & 0x0f0f0f0f) + ((y + (y >>> 4)) & 0x0f0f0f0f);
      bytes += ((z + (z >>> 4)) & 0x0f0f0f0f) + ((w + (w >>> 4)) & 0x0f0f0f0f);
      let distance = Math.imul(bytes, 0x01010101) >>> 24;
      if (earlyExit && distance > limit) continue;
      x = fp[o + 4] ^ q4;
      y = fp[o + 5] ^ q5;
      z = fp[o + 6] ^ q6;
      w = fp[o + 7] ^ q7;
      x -= (x >>> 1) & 0x55555555;
      y -= (y >>> 1) & 0x55555555;
      z -= (z >>> 1) & 0x55555555;
      w -= (w >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
      z = (z & 0x33333333) + ((z >>> 2) & 0x33333333);
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      bytes = ((x + (x >>> 4)) & 0x0f0f0f0f) + ((y + (y >>> 4)) & 0x0f0f0f0f);
      bytes += ((z + (z >>> 4)) & 0x0f0f0f0f) + ((w + (w >>> 4)) & 0x0f0f0f0f);
      distance += Math.imul(bytes, 0x01010101) >>> 24;
      if (distance > limit) continue;
      const videoId = ids[row];
      if (videoId === removed || (exclude !== undefined && exclude.has(videoId))) continue;
      heap.push(row, distance);
      limit = heap.limit;
    }
  }

  /** `#scan` in WebAssembly: the rows within the heap's limit come back as (row, distance) pairs, in row order. */
  #scanSimd(scan: SimdScan, query: Uint32Array, heap: TopK, start: number, end: number, exclude?: ReadonlySet<number>) {
    let limit = heap.limit;
    if (limit < 0) return;
    this.#query.set(query.subarray(0, wordsPerFingerprint));
    const rowBytes = wordsPerFingerprint * 4;
    const n = scan(fingerprintsAt + start * rowBytes, fingerprintsAt + end * rowBytes, queryAt, limit, foundAt, start);
    const found = this.#found;
    const ids = this.#videoIds;
    for (let i = 0; i < 2 * n; i += 2) {
      const row = found[i];
      const distance = found[i + 1];
      if (distance > limit) continue;
      const videoId = ids[row];
      if (videoId === removed || (exclude !== undefined && exclude.has(videoId))) continue;
      heap.push(row, distance);
      limit = heap.limit;
    }
  }

  /**
   * One segment for the OPFS blob store: a 16-byte header (magic, version, frame count, words per
   * fingerprint) then fingerprints, video ids and times as little-endian arrays. Removed frames are left out.
   */
  serialize(): ArrayBuffer {
    this.compact();
    const n = this.#count;
    const buffer = new ArrayBuffer(headerBytes + n * bytesPerRow);
    const header = new DataView(buffer);
    header.setUint32(0, segmentMagic, true);
    header.setUint32(4, segmentVersion, true);
    header.setUint32(8, n, true);
    header.setUint32(12, wordsPerFingerprint, true);
    let offset = headerBytes;
    new Uint32Array(buffer, offset, n * wordsPerFingerprint).set(
      this.#fingerprints.subarray(0, n * wordsPerFingerprint),
    );
    offset += n * wordsPerFingerprint * 4;
    new Int32Array(buffer, offset, n).set(this.#videoIds.subarray(0, n));
    offset += n * 4;
    new Float32Array(buffer, offset, n).set(this.#times.subarray(0, n));
    return buffer;
  }

  static deserialize(buffer: ArrayBuffer): FrameIndex {
    const index = new FrameIndex();
    index.appendSegment(buffer);
    index.trim();
    return index;
  }

  /** Frames in a segment without loading it, to `reserve` once before appending several segments. */
  static segmentFrames(buffer: ArrayBuffer): number {
    if (buffer.byteLength < headerBytes) throw new CorruptSegmentError('Frame index segment is truncated');
    const header = new DataView(buffer);
    if (header.getUint32(0, true) !== segmentMagic) throw new CorruptSegmentError('Not a frame index segment');
    const version = header.getUint32(4, true);
    if (version !== segmentVersion) throw new CorruptSegmentError(`Unknown frame index segment version ${version}`);
    if (header.getUint32(12, true) !== wordsPerFingerprint)
      throw new CorruptSegmentError('Frame index segment has a different fingerprint size');
    const n = header.getUint32(8, true);
    if (buffer.byteLength !== headerBytes + n * bytesPerRow)
      throw new CorruptSegmentError('Frame index segment is truncated');
    return n;
  }

  /** Appends a segment written by `serialize` (segments are append-only; load them in order). */
  appendSegment(buffer: ArrayBuffer): void {
    const n = FrameIndex.segmentFrames(buffer);
    let offset = headerBytes;
    const fingerprints = new Uint32Array(buffer, offset, n * wordsPerFingerprint);
    offset += n * wordsPerFingerprint * 4;
    const videoIds = new Int32Array(buffer, offset, n);
    offset += n * 4;
    this.append(fingerprints, videoIds, new Float32Array(buffer, offset, n));
  }
}
