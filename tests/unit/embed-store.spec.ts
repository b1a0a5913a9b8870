import { describe, expect, it } from 'vitest';
import { normalize, packVectors } from '../../src/lib/embeddings/vectors';
import { EmbeddingLibrary } from '../../src/workers/embed/library';
import {
  EmbeddingStore,
  encodeChunk,
  parseChunks,
  sceneFlag,
  type VideoEmbeddings,
} from '../../src/workers/embed/store';
import { memoryBlobs } from './embed-helpers';
import { seededRandom } from '../shared/random';

const dim = 8;
const uniform = seededRandom(3);
const random = () => uniform() - 0.5;
const unit = () => normalize(Float32Array.from({ length: dim }, random));

function embeddings(videoId: number, modelId: string, vectors: Float32Array[], times: number[]): VideoEmbeddings {
  const packed = packVectors(vectors, dim);
  return {
    videoId,
    modelId,
    dim,
    times: Float32Array.from(times),
    flags: Uint8Array.from(times, (_, i) => (i === 0 ? sceneFlag : 0)),
    codes: packed.codes,
    scales: packed.scales,
  };
}

describe('embedding segment files', () => {
  const a = embeddings(1, 'tiny-clip:q8:0123456789abcdef', [unit(), unit(), unit()], [0.5, 2.5, 7.5]);
  const b = embeddings(2, 'other:q8:fedcba9876543210', [unit()], [1]);

  it('reads back every field of the chunks written, and stops cleanly at a chunk cut short by a crash', () => {
    const one = encodeChunk(a);
    const two = encodeChunk(b);
    expect(one.byteLength % 4).toBe(0);
    const file = new Uint8Array([...one, ...two]);
    const { chunks, valid } = parseChunks('embeds-1-0', 1, file);
    expect(valid).toBe(file.byteLength);
    expect(chunks.map((c) => [c.videoId, c.modelId, c.dim, [...c.times], [...c.flags]])).toEqual([
      [1, a.modelId, dim, [0.5, 2.5, 7.5], [sceneFlag, 0, 0]],
      [2, b.modelId, dim, [1], [sceneFlag]],
    ]);
    expect([...chunks[0].codes]).toEqual([...a.codes]);
    expect([...chunks[0].scales]).toEqual([...a.scales]);

    const cut = file.slice(0, one.byteLength + two.byteLength - 5);
    const parsed = parseChunks('embeds-1-0', 1, cut);
    expect(parsed.chunks.map((c) => c.videoId)).toEqual([1]);
    expect(parsed.valid).toBe(one.byteLength);
  });

  it('refuses rows that disagree in count', () => {
    expect(() => encodeChunk({ ...a, flags: new Uint8Array(2) })).toThrow(RangeError);
  });

  it('keeps the newest chunk of a video, searches one model at a time, and compacts what is dead', async () => {
    const blobs = memoryBlobs();
    const library = new EmbeddingLibrary(new EmbeddingStore(blobs));
    const [red, green, blue] = [unit(), unit(), unit()];
    await library.commit(1, embeddings(1, 'm1', [red, green], [1, 3]));
    await library.commit(1, embeddings(2, 'm1', [blue], [2]));
    expect(library.counts('m1')).toEqual({ videos: 2, rows: 3 });

    const { hits, stats } = library.search(blue, 'm1', 2);
    expect(hits[0]).toMatchObject({ videoId: 2, time: 2, scene: true });
    expect(hits[0].score).toBeCloseTo(1, 2);
    expect(stats.count).toBe(3);
    expect(library.search(blue, 'm1', 5, [1]).hits.map((h) => h.videoId)).toEqual([1, 1]);

    // Video 1 embedded again by another model: the newest chunk wins, and m1's search no longer sees it.
    await library.commit(1, embeddings(1, 'm2', [green], [4]));
    expect(library.counts('m1')).toEqual({ videos: 1, rows: 1 });
    expect(library.video(1)?.modelId).toBe('m2');
    expect(library.vectorNear(1, 4.2, 'm2')?.time).toBe(4);
    expect(library.vectorNear(1, 4.2, 'm1')).toBeNull();

    // A fresh load (the next visit) sees the same, and compaction drops the dead chunk and video 2.
    const again = new EmbeddingLibrary(new EmbeddingStore(blobs));
    await again.ready();
    expect(again.video(1)?.modelId).toBe('m2');
    const sizeBefore = blobs.files.get('embeds-1-0')!.byteLength;
    expect(await again.compact([1])).toEqual({ rewritten: 1, droppedVideos: 1 });
    expect(blobs.files.get('embeds-1-0')!.byteLength).toBeLessThan(sizeBefore);
    const third = new EmbeddingLibrary(new EmbeddingStore(blobs));
    await third.ready();
    expect([third.video(1)?.modelId, third.video(2)]).toEqual(['m2', undefined]);

    await third.dropLibrary(1);
    expect(blobs.files.size).toBe(0);
  });
});
