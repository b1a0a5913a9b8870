import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { FrameIndex } from '../../src/lib/search/frame-index';
import { embeddingCodec, type VideoEmbeddings } from '../../src/workers/embed/codec';
import { fingerprintCodec } from '../../src/workers/search/codec';
import { lengthPrefixed, type SegmentCodec } from '../../src/workers/segments/codec';
import { SegmentLibrary } from '../../src/workers/segments/library';
import { encodeChunk, parseChunks, rollBytes, SegmentStore } from '../../src/workers/segments/store';
import { memoryBlobs } from './memory-blobs';
import { embedsFile, framesFile, sampleEmbeddings, sampleSegment } from './segment-samples';

/** A kind of data that does not exist yet (timed lines of text), to show a new store needs only a codec. */
interface Lines {
  times: number[];
  text: string;
}
const linesCodec = lengthPrefixed<Lines>({
  prefix: 'lines',
  magic: 0x4e4c4646, // 'FFLN'
  encodeBody: (v) => new TextEncoder().encode(JSON.stringify(v)),
  decodeBody(_videoId, body) {
    try {
      return JSON.parse(new TextDecoder().decode(body)) as Lines;
    } catch {
      return null; // not whole: the chunk does not hold together
    }
  },
});

interface Kind<T> {
  codec: SegmentCodec<T>;
  /** A video's value with `rows` rows; `version` makes a re-indexed video's value differ. */
  make(videoId: number, rows: number, version?: number): T;
}
const times = (rows: number, version: number) => Array.from({ length: rows }, (_, i) => i + version / 10);
const fingerprints: Kind<ArrayBuffer> = {
  codec: fingerprintCodec,
  make: (videoId, rows, version = 0) => sampleSegment(videoId, times(rows, version)),
};
const embeddings: Kind<VideoEmbeddings> = {
  codec: embeddingCodec,
  make: (videoId, rows, version = 0) => sampleEmbeddings(videoId, `model-${version}`, times(rows, version)),
};
const lines: Kind<Lines> = {
  codec: linesCodec,
  make: (videoId, rows, version = 0) => ({ times: times(rows, version), text: `video ${videoId} `.repeat(rows) }),
};

/** Values compare by their encoding: the same bytes, the same value. */
const same = <T>(codec: SegmentCodec<T>, videoId: number, a: T | undefined, b: T) =>
  a !== undefined && Buffer.from(encodeChunk(codec, videoId, a)).equals(Buffer.from(encodeChunk(codec, videoId, b)));

describe.each([
  ['fingerprints', fingerprints],
  ['embeddings', embeddings],
  ['a new kind of data', lines],
] as [string, Kind<unknown>][])('segment files of %s', (_name, { codec, make }) => {
  const key = (library: number, n: number) => `${codec.prefix}-${library}-${n}`;
  const size = (videoId: number, value: unknown) => encodeChunk(codec, videoId, value).byteLength;

  it('reads back what was written after reopening, the newest chunk of a re-indexed video winning', async () => {
    const blobs = memoryBlobs();
    const store = new SegmentStore(blobs, codec);
    const [a, b, a2, c] = [make(10, 3), make(11, 1), make(10, 2, 1), make(20, 4)];
    await store.append(1, 10, a);
    await store.append(1, 11, b);
    await store.append(1, 10, a2);
    await store.append(2, 20, c);

    const loaded = await new SegmentStore(blobs, codec).load();
    expect(loaded.latest.map((ch) => [ch.libraryId, ch.videoId])).toEqual([
      [1, 10],
      [1, 11],
      [2, 20],
    ]);
    const byVideo = new Map(loaded.latest.map((ch) => [ch.videoId, ch.value]));
    expect(same(codec, 10, byVideo.get(10), a2)).toBe(true);
    expect(same(codec, 11, byVideo.get(11), b)).toBe(true);
    expect(same(codec, 20, byVideo.get(20), c)).toBe(true);
    expect(loaded.files.get(key(1, 0))).toMatchObject({ dead: size(10, a), tail: 0 });
    expect(loaded.files.get(key(2, 0))).toMatchObject({ dead: 0 });
  });

  it('ignores a chunk cut short by a crash, starts a new file after it, and compacts the cut away', async () => {
    const blobs = memoryBlobs();
    const first = new SegmentLibrary(new SegmentStore(blobs, codec));
    await first.commit(1, 10, make(10, 3));
    const cut = encodeChunk(codec, 11, make(11, 5));
    await blobs.append(key(1, 0), cut.subarray(0, cut.byteLength - 5)); // the tab died mid-append

    const second = new SegmentLibrary(new SegmentStore(blobs, codec));
    await second.ready();
    expect([second.get(10)?.videoId, second.get(11)]).toEqual([10, undefined]);
    expect(second.files().get(key(1, 0))).toMatchObject({ tail: cut.byteLength - 5 });
    // A chunk written after the cut one could never be read: the next chunk starts a new file.
    await second.commit(1, 12, make(12, 2));
    expect([...blobs.files.keys()].sort()).toEqual([key(1, 0), key(1, 1)]);

    const third = new SegmentLibrary(new SegmentStore(blobs, codec));
    await third.ready();
    expect([...third.chunks()].map((ch) => ch.videoId)).toEqual([10, 12]);
    expect(await third.compact([10, 12])).toEqual({ rewritten: 1, droppedVideos: 0 });
    expect(blobs.files.get(key(1, 0))!.byteLength).toBe(size(10, make(10, 3)));
    const fourth = new SegmentLibrary(new SegmentStore(blobs, codec));
    await fourth.ready();
    expect([...fourth.files().values()].every((f) => f.dead === 0)).toBe(true);
  });

  it('repair drops a chunk cut short from its file once, and names the video whose newest data it was', async () => {
    const blobs = memoryBlobs();
    const first = new SegmentLibrary(new SegmentStore(blobs, codec));
    await first.commit(1, 10, make(10, 3));
    await first.commit(1, 11, make(11, 2));
    const newer = encodeChunk(codec, 10, make(10, 4, 1));
    await blobs.append(key(1, 0), newer.subarray(0, newer.byteLength - 3)); // damaged on disk

    const second = new SegmentLibrary(new SegmentStore(blobs, codec));
    expect(await second.repair()).toEqual([10]);
    // Video 10 keeps its older chunk, 11 is untouched, and the file reads cleanly from now on.
    expect([...second.chunks()].map((ch) => ch.videoId)).toEqual([10, 11]);
    expect(blobs.files.get(key(1, 0))!.byteLength).toBe(size(10, make(10, 3)) + size(11, make(11, 2)));
    expect(await new SegmentLibrary(new SegmentStore(blobs, codec)).repair()).toEqual([]);
  });

  it(`rolls over to a new file once one holds ${rollBytes / 1024 / 1024} MiB`, async () => {
    const blobs = memoryBlobs();
    const store = new SegmentStore(blobs, codec);
    // Rows enough for about 5 MiB a chunk.
    const perRow = size(1, make(1, 1001)) - size(1, make(1, 1));
    const rows = Math.ceil((5 * 1024 * 1024) / (perRow / 1000));
    const chunks = [await store.append(1, 1, make(1, rows)), await store.append(1, 2, make(2, rows))];
    chunks.push(await store.append(1, 3, make(3, 1)));
    chunks.push(await store.append(2, 4, make(4, 1)));
    expect(chunks.map((ch) => ch.key)).toEqual([key(1, 0), key(1, 0), key(1, 1), key(2, 0)]);
    expect(blobs.files.get(key(1, 0))!.byteLength).toBeGreaterThan(rollBytes);
    const loaded = await store.load();
    expect(loaded.latest.map((ch) => ch.videoId)).toEqual([1, 2, 3, 4]);
  });

  it('compacts by rewriting a mostly dead file whole, and deleting one with nothing alive', async () => {
    const blobs = memoryBlobs();
    const library = new SegmentLibrary(new SegmentStore(blobs, codec));
    await library.commit(1, 10, make(10, 4));
    await library.commit(1, 11, make(11, 4));
    await library.commit(1, 10, make(10, 2, 1)); // re-indexed
    await library.commit(2, 20, make(20, 4));
    const put = vi.spyOn(blobs, 'put');
    const append = vi.spyOn(blobs, 'append');

    // Video 11 and library 2's only video left the catalog.
    expect(await library.compact([10])).toEqual({ rewritten: 2, droppedVideos: 2 });
    expect(put).toHaveBeenCalledTimes(1); // the blob store swaps a rewritten file in whole
    expect(append).not.toHaveBeenCalled();
    expect(blobs.files.get(key(1, 0))!.byteLength).toBe(size(10, make(10, 2, 1)));
    expect(blobs.files.has(key(2, 0))).toBe(false);
    const again = await new SegmentStore(blobs, codec).load();
    expect(again.latest.map((ch) => ch.videoId)).toEqual([10]);
    expect(same(codec, 10, again.latest[0].value, make(10, 2, 1))).toBe(true);

    // Little dead weight: left as it is.
    await library.commit(1, 12, make(12, 40));
    await library.commit(1, 13, make(13, 1));
    expect(await library.compact([10, 12])).toEqual({ rewritten: 0, droppedVideos: 1 });
  });

  it('drops one library: its files go, its videos are forgotten, other kinds and libraries stay', async () => {
    const blobs = memoryBlobs();
    await blobs.put('other-1-0', new Uint8Array([1, 2, 3]));
    const dropped = vi.fn();
    const library = new SegmentLibrary(new SegmentStore(blobs, codec), { dropped });
    await library.commit(1, 10, make(10, 2));
    await library.commit(2, 20, make(20, 2));
    await library.dropLibrary(1);
    expect([...blobs.files.keys()].sort()).toEqual([key(2, 0), 'other-1-0']);
    expect([library.get(10), library.get(20)?.videoId]).toEqual([undefined, 20]);
    expect(dropped).toHaveBeenCalledWith([expect.objectContaining({ videoId: 10 })]);
  });

  it('reloads when another tab wrote, and only then', async () => {
    const blobs = memoryBlobs();
    const loaded = vi.fn();
    const stored = vi.fn();
    const tab = new SegmentLibrary(new SegmentStore(blobs, codec), { loaded, stored });
    const other = new SegmentLibrary(new SegmentStore(blobs, codec));
    await tab.ready();
    await tab.ready();
    expect(loaded).toHaveBeenCalledTimes(1);

    await tab.commit(1, 10, make(10, 2)); // its own write: kept in step without reading
    await tab.ready();
    expect([loaded.mock.calls.length, stored.mock.calls.length]).toEqual([1, 1]);

    await other.commit(1, 11, make(11, 2));
    await tab.ready();
    expect(loaded).toHaveBeenCalledTimes(2);
    expect(loaded.mock.lastCall![0].map((ch: { videoId: number }) => ch.videoId)).toEqual([10, 11]);
    expect(tab.get(11)?.videoId).toBe(11);
  });

  it('with a change log, storing lists no files once loaded (posters share the folder), and sees other tabs', async () => {
    const blobs = memoryBlobs();
    for (let n = 0; n < 500; n++) await blobs.put(`poster-${n}`, new Uint8Array(4));
    const open = () => new SegmentLibrary(new SegmentStore(blobs, codec), {}, { changeLog: true });
    const tab = open();
    const list = vi.spyOn(blobs, 'list');
    await tab.commit(1, 10, make(10, 2));
    expect(list).toHaveBeenCalledTimes(1); // the first load
    expect((await list.mock.results[0].value).length).toBe(0); // this kind's files only
    await tab.commit(1, 11, make(11, 2));
    await tab.commit(1, 12, make(12, 2));
    expect(list).toHaveBeenCalledTimes(1);

    // Another tab appends to the same file, starts another library, compacts: each is seen on the next call.
    const other = open();
    await other.commit(1, 13, make(13, 2));
    await tab.ready();
    expect(tab.get(13)?.videoId).toBe(13);
    await other.commit(2, 20, make(20, 2));
    await tab.ready();
    expect(tab.get(20)?.libraryId).toBe(2);
    await other.compact([10, 11, 12, 13]);
    await tab.ready();
    expect(tab.get(20)).toBeUndefined();
    expect(tab.get(12)?.videoId).toBe(12);
  });
});

describe('segment files written before the one store (tests/fixtures/segments)', () => {
  const fixture = (name: string) =>
    new Uint8Array(readFileSync(new URL(`../fixtures/segments/${name}`, import.meta.url)));

  it('reads fingerprints back, the last chunk of a video winning and the crash-cut one ignored', async () => {
    const bytes = fixture('frames-1-0');
    const { chunks, valid } = parseChunks(fingerprintCodec, 'frames-1-0', 1, bytes);
    const whole = framesFile.filter((c) => !c.cutBy);
    expect(chunks.map((c) => c.videoId)).toEqual(whole.map((c) => c.videoId));
    chunks.forEach((c, i) => {
      const { videoId, times } = whole[i];
      expect(FrameIndex.deserialize(c.value).framesOf(videoId).times).toEqual(times);
      expect(new Uint8Array(c.value)).toEqual(new Uint8Array(sampleSegment(videoId, times)));
    });
    // Today's encoder writes the very same bytes.
    const encoded = whole.map((c) => encodeChunk(fingerprintCodec, c.videoId, sampleSegment(c.videoId, c.times)));
    expect(Buffer.concat(encoded)).toEqual(Buffer.from(bytes.subarray(0, valid)));

    const blobs = memoryBlobs();
    await blobs.put('frames-1-0', bytes);
    const { latest } = await new SegmentStore(blobs, fingerprintCodec).load();
    expect(latest.map((c) => [c.videoId, FrameIndex.deserialize(c.value).framesOf(c.videoId).times])).toEqual([
      [10, [9]],
      [11, [3]],
    ]);
  });

  it('reads embeddings back with every field, and writes them byte for byte as before', async () => {
    const bytes = fixture('embeds-1-0');
    const { chunks, valid } = parseChunks(embeddingCodec, 'embeds-1-0', 1, bytes);
    const whole = embedsFile.filter((c) => !c.cutBy);
    expect(chunks.map((c) => c.value)).toEqual(whole.map((c) => sampleEmbeddings(c.videoId, c.modelId, c.times)));
    const encoded = whole.map((c) =>
      encodeChunk(embeddingCodec, c.videoId, sampleEmbeddings(c.videoId, c.modelId, c.times)),
    );
    expect(Buffer.concat(encoded)).toEqual(Buffer.from(bytes.subarray(0, valid)));
    expect(valid).toBeLessThan(bytes.byteLength);

    const blobs = memoryBlobs();
    await blobs.put('embeds-1-0', bytes);
    const { latest } = await new SegmentStore(blobs, embeddingCodec).load();
    expect(latest.map((c) => [c.videoId, c.value.modelId, [...c.value.times]])).toEqual([
      [1, 'm2', [4]],
      [2, 'other:q8:fedcba9876543210', [1]],
    ]);
  });

  it('refuses embeddings whose rows disagree in count', () => {
    const e = sampleEmbeddings(1, 'm', [1, 2, 3]);
    expect(() => encodeChunk(embeddingCodec, 1, { ...e, flags: new Uint8Array(2) })).toThrow(RangeError);
  });
});
