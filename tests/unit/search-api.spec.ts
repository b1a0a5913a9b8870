import { describe, expect, it } from 'vitest';
import type { RgbaFrame } from '../../src/lib/media/types';
import { fingerprint } from '../../src/lib/search/fingerprint';
import { FrameIndex, wordsPerFingerprint } from '../../src/lib/search/frame-index';
import { defaultSearchSettings } from '../../src/lib/search/settings';
import { searchApi } from '../../src/workers/search/api';
import { findDuplicates } from '../../src/workers/search/duplicates';
import { seededRandom } from '../shared/random';
import { memoryBlobs } from './memory-blobs';

/** A decoded frame of blocks in seeded greys: every seed a different picture, plenty of detail to fingerprint. */
function frame(seed: number, time: number, width = 64, height = 48): RgbaFrame {
  const random = seededRandom(seed);
  const blocks = Array.from({ length: 8 * 6 }, () => random() * 255);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = blocks[Math.floor((y * 6) / height) * 8 + Math.floor((x * 8) / width)];
      data.set([v, v * 0.8, 255 - v, 255], (y * width + x) * 4);
    }
  return { time, width, height, data, keyframe: false };
}
const black = (time: number): RgbaFrame => ({
  time,
  width: 64,
  height: 48,
  data: new Uint8ClampedArray(64 * 48 * 4),
  keyframe: false,
});

/** A search worker's API over `blobs`, as the worker builds it over OPFS (a second one is another tab, or a reload). */
const worker = (blobs = memoryBlobs()) =>
  Object.assign(
    searchApi(async () => blobs),
    { blobs },
  );

/** Fingerprints and stores a video's frames (seeds at one second apart) as its key frames (replacing any). */
async function index(api: ReturnType<typeof worker>, videoId: number, libraryId: number, seeds: number[]) {
  api.addFrames(
    videoId,
    'keyframes',
    seeds.map((s, i) => frame(s, i)),
  );
  return api.commit(videoId, libraryId, 'keyframes');
}

/** Where a frame's picture is stored (the nearest frame, when it is the same picture), or null. */
async function find(api: ReturnType<typeof worker>, seed: number) {
  const { matches } = await api.searchFingerprints([fingerprint(frame(seed, 0))!], defaultSearchSettings);
  const best = matches[0][0];
  // Two different block pictures are still 80-odd bits apart; a re-encode of one picture stays within 20.
  return best && best.distance <= 20 ? { videoId: best.videoId, time: best.time, distance: best.distance } : null;
}

describe('the search worker', () => {
  it("stores each pass a stage handed on, the dense samples joining the key frames, and finds a frame's moment", async () => {
    const api = worker();
    api.begin(1, 'keyframes');
    api.addFrames(1, 'keyframes', [frame(101, 0), frame(102, 5)]);
    expect(await api.commit(1, 7, 'keyframes')).toEqual({ frames: 2, rejected: 0 });
    // Searchable after pass 1 already.
    expect(await find(api, 102)).toEqual({ videoId: 1, time: 5, distance: 0 });

    api.begin(1, 'interval');
    api.addFrames(1, 'interval', [frame(103, 2.5), frame(102, 5), black(7)]); // 5 s again counts once; black has none
    expect(await api.commit(1, 7, 'interval')).toEqual({ frames: 3, rejected: 1 });
    expect(await find(api, 103)).toEqual({ videoId: 1, time: 2.5, distance: 0 });
    expect(await find(api, 101)).toEqual({ videoId: 1, time: 0, distance: 0 });
    expect(await find(api, 999)).toBeNull();
    // The next visit reads them from the segment files.
    const next = worker(api.blobs);
    expect(await next.open()).toEqual({ frames: 3, videos: 1 });
    expect(await find(next, 102)).toEqual({ videoId: 1, time: 5, distance: 0 });
  });

  it('after a reload the dense pass joins the key frames stored before it, with no second decode', async () => {
    const first = worker();
    await index(first, 1, 7, [101, 102]);
    const reloaded = worker(first.blobs);
    reloaded.begin(1, 'interval');
    reloaded.addFrames(1, 'interval', [frame(103, 0.5)]);
    expect(await reloaded.commit(1, 7, 'interval')).toEqual({ frames: 3, rejected: 0 });
    expect([await find(reloaded, 101), await find(reloaded, 103)]).toEqual([
      { videoId: 1, time: 0, distance: 0 },
      { videoId: 1, time: 0.5, distance: 0 },
    ]);
  });

  it('a re-indexed video replaces its frames; compaction forgets removed videos and shrinks the file', async () => {
    const api = worker();
    await index(api, 1, 7, [11, 12, 13]);
    await index(api, 2, 7, [21, 22, 23, 24]);
    await index(api, 1, 7, [14, 15]);
    expect(await find(api, 12)).toBeNull();
    expect(await find(api, 15)).toEqual({ videoId: 1, time: 1, distance: 0 });
    expect(await api.stats()).toMatchObject({ frames: 6, videos: 2 });

    const before = api.blobs.files.get('frames-7-0')!.byteLength;
    expect(await api.compact([1])).toEqual({ rewritten: 1, droppedVideos: 1 }); // video 2 left the catalog
    expect(api.blobs.files.get('frames-7-0')!.byteLength).toBeLessThan(before / 2);
    expect(await find(api, 22)).toBeNull();
    expect(await api.stats()).toMatchObject({ frames: 2, videos: 1 });
    const next = worker(api.blobs);
    expect([await find(next, 22), await find(next, 14)]).toEqual([null, { videoId: 1, time: 0, distance: 0 }]);
  });

  it('removing a library deletes its fingerprints and no other', async () => {
    const api = worker();
    await index(api, 1, 7, [11, 12]);
    await index(api, 2, 8, [21, 22]);
    await api.dropLibrary(7);
    expect([...api.blobs.files.keys()]).toEqual(['frames-8-0']);
    expect([await find(api, 11), await find(api, 21)]).toEqual([null, { videoId: 2, time: 0, distance: 0 }]);
    expect(await worker(api.blobs).open()).toEqual({ frames: 2, videos: 1 });
  });

  it('finds what another tab indexed', async () => {
    const tab = worker();
    const other = worker(tab.blobs);
    expect(await tab.open()).toEqual({ frames: 0, videos: 0 });
    await index(other, 5, 7, [51, 52]);
    expect(await find(tab, 52)).toEqual({ videoId: 5, time: 1, distance: 0 });
  });
});

describe('duplicates', () => {
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
