import { describe, expect, it } from 'vitest';
import {
  bytesPerRow,
  CorruptSegmentError,
  FrameIndex,
  wordsPerFingerprint,
  type FrameMatch,
} from '../../src/lib/search/frame-index';
import { seededRandom } from '../shared/random';

const randomWords = (random: () => number, n: number) => {
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++) words[i] = (random() * 4294967296) >>> 0;
  return words;
};

/** A copy of `fingerprint` with `bits` distinct random bits flipped. */
const flipBits = (random: () => number, fingerprint: Uint32Array, bits: number) => {
  const out = fingerprint.slice();
  const flipped = new Set<number>();
  while (flipped.size < bits) flipped.add(Math.floor(random() * 256));
  for (const bit of flipped) out[bit >> 5] ^= 1 << (bit & 31);
  return out;
};

const popcount = (x: number) => {
  let n = 0;
  for (let v = x >>> 0; v; v >>>= 1) n += v & 1;
  return n;
};

/** The obvious answer: every distance, sorted by (distance, row). */
function naiveSearch(
  words: Uint32Array,
  videoIds: Int32Array,
  times: Float32Array,
  query: Uint32Array,
  k: number,
  maxDistance = 256,
  exclude = new Set<number>(),
): FrameMatch[] {
  const all: (FrameMatch & { row: number })[] = [];
  for (let row = 0; row < videoIds.length; row++) {
    let distance = 0;
    for (let w = 0; w < wordsPerFingerprint; w++) distance += popcount(words[row * 8 + w] ^ query[w]);
    if (distance <= maxDistance && !exclude.has(videoIds[row]))
      all.push({ row, videoId: videoIds[row], time: times[row], distance });
  }
  all.sort((a, b) => a.distance - b.distance || a.row - b.row);
  return all.slice(0, k).map(({ videoId, time, distance }) => ({ videoId, time, distance }));
}

function randomLibrary(seed: number, frames: number, videos: number) {
  const random = seededRandom(seed);
  const words = randomWords(random, frames * wordsPerFingerprint);
  const videoIds = new Int32Array(frames);
  const times = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    videoIds[i] = Math.floor((i * videos) / frames);
    times[i] = i % 1000;
  }
  return { random, words, videoIds, times };
}

function indexOf(words: Uint32Array, videoIds: Int32Array, times: Float32Array, batch = 777) {
  const index = new FrameIndex();
  for (let start = 0; start < times.length; start += batch) {
    const end = Math.min(start + batch, times.length);
    index.append(words.subarray(start * 8, end * 8), videoIds.subarray(start, end), times.subarray(start, end));
  }
  return index;
}

describe('frame index search', () => {
  const { random, words, videoIds, times } = randomLibrary(7, 20_000, 40);
  const index = indexOf(words, videoIds, times);
  // Queries near planted frames (like real screenshots) and purely random ones (all distances ~128, many ties).
  const queries = [
    ...[5, 1234, 9999, 19_999].map((row) => flipBits(random, words.subarray(row * 8, row * 8 + 8), 20)),
    ...Array.from({ length: 4 }, () => randomWords(random, 8)),
  ];

  it('returns exactly the top k of a linear scan, with and without early exit', () => {
    expect(index.size).toBe(20_000);
    for (const query of queries) {
      for (const k of [1, 10, 50]) {
        const expected = naiveSearch(words, videoIds, times, query, k);
        expect(index.search(query, { k })).toEqual(expected);
        expect(index.search(query, { k, earlyExit: false })).toEqual(expected);
      }
    }
  });

  it('finds the planted frame first, at its distance', () => {
    const [best] = index.search(queries[1], { k: 5 });
    expect(best).toEqual({ videoId: videoIds[1234], time: times[1234], distance: 20 });
  });

  it('honours maxDistance and excluded videos', () => {
    for (const query of queries) {
      const exclude = new Set([videoIds[1234], 3]);
      const expected = naiveSearch(words, videoIds, times, query, 20, 100, exclude);
      expect(index.search(query, { k: 20, maxDistance: 100, excludeVideos: exclude })).toEqual(expected);
    }
    expect(index.search(queries[4], { k: 10, maxDistance: 60 })).toEqual([]);
    expect(index.search(queries[0], { k: 0 })).toEqual([]);
  });

  it('answers each frame of a clip like a single search', () => {
    const many = index.searchMany(queries, { k: 7, maxDistance: 110 });
    expect(many).toEqual(queries.map((q) => index.search(q, { k: 7, maxDistance: 110 })));
  });
});

describe('frame index maintenance', () => {
  it('removes a video at once and compacts without changing answers', () => {
    const { random, words, videoIds, times } = randomLibrary(11, 5000, 10);
    const index = indexOf(words, videoIds, times, 1000);
    const query = flipBits(random, words.subarray(2600 * 8, 2601 * 8), 10); // frame of video 5
    expect(index.search(query, { k: 1 })[0].videoId).toBe(5);

    expect(index.remove(5)).toBe(500);
    expect(index.size).toBe(4500);
    const gone = new Set([5]);
    const expected = naiveSearch(words, videoIds, times, query, 10, 256, gone);
    expect(index.search(query, { k: 10 })).toEqual(expected);
    expect(expected.some((m) => m.videoId === 5)).toBe(false);

    index.compact();
    expect(index.size).toBe(4500);
    expect(index.search(query, { k: 10 })).toEqual(expected);
    expect(index.remove(5)).toBe(0);
  });

  it('round-trips through a segment, and appends segments in order', () => {
    const { random, words, videoIds, times } = randomLibrary(3, 3000, 6);
    const index = indexOf(words, videoIds, times);
    index.remove(2);
    const segment = index.serialize();
    expect(segment.byteLength).toBe(16 + 2500 * bytesPerRow);
    const copy = FrameIndex.deserialize(segment);
    expect(copy.size).toBe(2500);
    for (let i = 0; i < 5; i++) {
      const query = randomWords(random, 8);
      expect(copy.search(query, { k: 15 })).toEqual(index.search(query, { k: 15 }));
    }

    const more = new FrameIndex();
    more.append(
      randomWords(random, 8 * 10),
      99,
      Float32Array.from({ length: 10 }, (_, i) => i * 2.5),
    );
    const both = new FrameIndex();
    both.reserve(FrameIndex.segmentFrames(segment) + FrameIndex.segmentFrames(more.serialize()));
    both.appendSegment(segment);
    both.appendSegment(more.serialize());
    expect(both.size).toBe(2510);
    const frameOfMore = new Uint32Array(more.serialize(), 16 + 3 * 32, 8);
    expect(both.search(flipBits(random, frameOfMore, 12), { k: 1 })).toEqual([
      { videoId: 99, time: 7.5, distance: 12 },
    ]);
  });

  it('rejects a damaged segment with a named error', () => {
    const index = new FrameIndex();
    index.append(new Uint32Array(16), [1, 2], [0, 1]);
    const segment = index.serialize();
    expect(() => FrameIndex.deserialize(segment.slice(0, segment.byteLength - 4))).toThrow(CorruptSegmentError);
    const wrongVersion = segment.slice(0);
    new DataView(wrongVersion).setUint32(4, 99, true);
    expect(() => FrameIndex.deserialize(wrongVersion)).toThrow(/version 99/);
    expect(() => FrameIndex.deserialize(new ArrayBuffer(8))).toThrow(CorruptSegmentError);
    expect(() => index.append(new Uint32Array(8), [1, 2], [0, 1])).toThrow(RangeError);
  });

  it('keeps memory per indexed frame within 64 bytes', () => {
    const { words, videoIds, times } = randomLibrary(5, 50_000, 50);
    const index = indexOf(words, videoIds, times, 333);
    // Doubling leaves spare capacity while loading; trim() (or reserve() up front) makes it exact.
    index.trim();
    // 40 bytes a row, plus the SIMD scan's WebAssembly memory: its scratch (32 KB) and rounding to 64 KiB pages.
    expect(index.bytesPerFrame).toBeGreaterThanOrEqual(40);
    expect(index.bytesPerFrame * index.size).toBeLessThanOrEqual(40 * index.size + 100 * 1024);
    expect(FrameIndex.deserialize(index.serialize()).bytesPerFrame).toBeLessThanOrEqual(64);
    console.log(`frame index: ${index.bytesPerFrame} bytes per indexed frame`);
  });
});

describe('frame index speed (printed, not asserted)', () => {
  it('measures one query over 100k and 1M frames', () => {
    for (const frames of [100_000, 1_000_000]) {
      const { random, words, videoIds, times } = randomLibrary(frames, frames, 1000);
      const index = new FrameIndex();
      index.reserve(frames);
      index.append(words, videoIds, times);
      const queries = Array.from({ length: 21 }, (_, i) =>
        i % 2 ? randomWords(random, 8) : flipBits(random, words.subarray(i * 800, i * 800 + 8), 16),
      );
      const median = (options: { earlyExit: boolean; maxDistance?: number }) => {
        index.search(queries[0], { k: 10, ...options }); // warm up
        const ms = queries.map((q) => {
          const t0 = performance.now();
          index.search(q, { k: 10, ...options });
          return performance.now() - t0;
        });
        return ms.sort((a, b) => a - b)[ms.length >> 1].toFixed(2);
      };
      console.log(
        JSON.stringify({
          frames,
          median_ms: median({ earlyExit: true }),
          median_ms_no_early_exit: median({ earlyExit: false }),
          median_ms_max64: median({ earlyExit: true, maxDistance: 64 }),
          median_ms_max64_no_early_exit: median({ earlyExit: false, maxDistance: 64 }),
          median_ms_max40: median({ earlyExit: true, maxDistance: 40 }),
          median_ms_max40_no_early_exit: median({ earlyExit: false, maxDistance: 40 }),
          bytes_per_frame: index.bytesPerFrame,
        }),
      );
      expect(index.size).toBe(frames);
    }
  }, 120_000);
});
