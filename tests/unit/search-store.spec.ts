import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/db/blob-store';
import { FrameIndex, wordsPerFingerprint } from '../../src/lib/search/frame-index';
import { defaultSearchSettings } from '../../src/lib/search/settings';
import { findDuplicates } from '../../src/workers/search/duplicates';
import { encodeChunk, parseChunks, SegmentStore } from '../../src/workers/search/store';
import { seededRandom } from '../shared/random';

const randomFingerprint = (random: () => number) =>
  Uint32Array.from({ length: wordsPerFingerprint }, () => (random() * 4294967296) >>> 0);
const flipBits = (random: () => number, f: Uint32Array, bits: number) => {
  const out = f.slice();
  const flipped = new Set<number>();
  while (flipped.size < bits) flipped.add(Math.floor(random() * 256));
  for (const bit of flipped) out[bit >> 5] ^= 1 << (bit & 31);
  return out;
};
const pack = (list: Uint32Array[]) => {
  const out = new Uint32Array(list.length * wordsPerFingerprint);
  list.forEach((f, i) => out.set(f, i * wordsPerFingerprint));
  return out;
};

function segmentOf(videoId: number, frames: Uint32Array[], times: number[]): ArrayBuffer {
  const index = new FrameIndex();
  index.append(pack(frames), videoId, times);
  return index.serialize();
}

/** The blob store's contract over a Map: OPFS itself is exercised by the e2e tests in Chromium. */
function memoryBlobs(): BlobStore & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const store = {
    files,
    async append(key: string, bytes: Uint8Array) {
      const before = files.get(key) ?? new Uint8Array(0);
      const out = new Uint8Array(before.byteLength + bytes.byteLength);
      out.set(before);
      out.set(bytes, before.byteLength);
      files.set(key, out);
      return before.byteLength;
    },
    async put(key: string, bytes: Uint8Array) {
      files.set(key, bytes.slice());
    },
    async read(key: string) {
      return files.get(key)?.slice() ?? null;
    },
    async delete(key: string) {
      files.delete(key);
    },
    async list() {
      return [...files].map(([key, b]) => ({ key, size: b.byteLength })).sort((a, b) => a.key.localeCompare(b.key));
    },
  };
  return store as unknown as BlobStore & { files: Map<string, Uint8Array> };
}

describe('fingerprint segment files', () => {
  const random = seededRandom(7);
  const a = [randomFingerprint(random), randomFingerprint(random)];
  const b = [randomFingerprint(random)];

  it('reads back the chunks written, in order, and stops cleanly at a chunk cut short by a crash', () => {
    const one = encodeChunk(1, segmentOf(1, a, [0, 1]));
    const two = encodeChunk(2, segmentOf(2, b, [5]));
    const file = new Uint8Array(one.byteLength + two.byteLength - 7);
    file.set(one);
    file.set(two.subarray(0, two.byteLength - 7), one.byteLength);
    const { chunks, valid } = parseChunks('frames-1-0', 1, file);
    expect(chunks.map((c) => c.videoId)).toEqual([1]);
    expect(valid).toBe(one.byteLength);
    expect(FrameIndex.deserialize(chunks[0].segment).framesOf(1).times).toEqual([0, 1]);
  });

  it('keeps only the newest chunk of a re-indexed video, drops removed videos on compaction, and survives reopening', async () => {
    const blobs = memoryBlobs();
    const store = new SegmentStore(blobs);
    await store.append(1, 10, segmentOf(10, a, [0, 1]));
    await store.append(1, 11, segmentOf(11, b, [3]));
    await store.append(1, 10, segmentOf(10, b, [9])); // re-indexed: one frame now
    await store.append(2, 20, segmentOf(20, a, [4, 5]));

    const loaded = await store.load();
    const byVideo = new Map(loaded.latest.map((c) => [c.videoId, FrameIndex.deserialize(c.segment)]));
    expect([...byVideo.keys()].sort()).toEqual([10, 11, 20]);
    expect(byVideo.get(10)!.framesOf(10).times).toEqual([9]);
    expect(loaded.files.get('frames-1-0')!.dead).toBeGreaterThan(0);

    // Video 11 left the catalog: rewrite library 1's file with what is alive.
    await store.rewrite(
      'frames-1-0',
      loaded.latest.filter((c) => c.key === 'frames-1-0' && c.videoId !== 11),
    );
    const again = await new SegmentStore(blobs).load();
    expect(again.latest.map((c) => c.videoId).sort()).toEqual([10, 20]);
    expect([...again.files.values()].every((f) => f.dead === 0)).toBe(true);

    await store.dropLibrary(2);
    expect([...blobs.files.keys()]).toEqual(['frames-1-0']);
  });
});

describe('duplicates', () => {
  /** A video drifting slowly, one frame a second, like real footage. */
  function footage(random: () => number, seconds: number) {
    const frames = [randomFingerprint(random)];
    for (let i = 1; i < seconds; i++) frames.push(flipBits(random, frames[i - 1], 30));
    return frames;
  }

  it('groups a trimmed re-encode with its original and not videos sharing one identical frame', () => {
    const random = seededRandom(3);
    const original = footage(random, 30);
    const unrelated = footage(random, 30);
    const card = randomFingerprint(random);
    const index = new FrameIndex();
    const times = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
    index.append(pack(original), 1, times(30));
    // A copy trimmed by 5 s and re-encoded: every frame a little off, sampled on its own clock.
    index.append(
      pack(original.slice(5, 25).map((f) => flipBits(random, f, 20))),
      2,
      times(20).map((t) => t + 0.4),
    );
    index.append(pack(unrelated), 3, times(30));
    // Two more videos that share one title card and nothing else.
    index.append(pack([card, ...footage(random, 10)]), 4, times(11));
    index.append(pack([card, ...footage(random, 10)]), 5, times(11));

    const groups = findDuplicates(index, defaultSearchSettings, new Set());
    expect(groups).toHaveLength(1);
    expect(groups[0].videos.map((v) => v.videoId).sort()).toEqual([1, 2]);
    expect(groups[0].sharedSeconds).toBeGreaterThan(15);
    expect(groups[0].sharedSeconds).toBeLessThanOrEqual(21);
  });
});
