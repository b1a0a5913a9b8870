import { describe, expect, it } from 'vitest';
import { normalize, packVectors } from '../../src/lib/embeddings/vectors';
import { EmbeddingLibrary } from '../../src/workers/embed/library';
import { sceneFlag, type VideoEmbeddings } from '../../src/workers/embed/codec';
import { memoryBlobs } from './memory-blobs';
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

// The files' layout, byte for byte, is tested with the other kinds in segment-store.spec.ts.
describe('the embeddings library', () => {
  it('keeps the newest chunk of a video, searches one model at a time, and compacts what is dead', async () => {
    const blobs = memoryBlobs();
    const library = new EmbeddingLibrary(blobs);
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
    const again = new EmbeddingLibrary(blobs);
    await again.ready();
    expect(again.video(1)?.modelId).toBe('m2');
    const sizeBefore = blobs.files.get('embeds-1-0')!.byteLength;
    expect(await again.compact([1])).toEqual({ rewritten: 1, droppedVideos: 1 });
    expect(blobs.files.get('embeds-1-0')!.byteLength).toBeLessThan(sizeBefore);
    const third = new EmbeddingLibrary(blobs);
    await third.ready();
    expect([third.video(1)?.modelId, third.video(2)]).toEqual(['m2', undefined]);

    await third.dropLibrary(1);
    expect(blobs.files.size).toBe(0);
  });
});
