import { topK, unpackRow, type PackedVectors, type ScoreStats } from '../../lib/embeddings/vectors';
import type { FrameHit } from '../../lib/embeddings/word-search';
import { SegmentLibrary, type StoredBytes } from '../segments/library';
import { SegmentStore, type Blobs } from '../segments/store';
import { embeddingCodec, sceneFlag, type VideoEmbeddings } from './codec';

/** One row of a search: where the frame is, its score, and its index in the packed matrix. */
export interface RowHit extends FrameHit {
  row: number;
  scene: boolean;
}

interface Packed extends PackedVectors {
  modelId: string;
  rowVideo: Int32Array;
  rowTime: Float32Array;
  rowFlags: Uint8Array;
}

/**
 * Every video's newest embeddings, loaded from the segment files, and the rows of one model packed into one
 * int8 matrix for search (rebuilt after a change, on the next search).
 */
export class EmbeddingLibrary {
  #packed: Packed | null = null;
  #segments: SegmentLibrary<VideoEmbeddings>;

  constructor(blobs: Blobs) {
    const stale = () => (this.#packed = null);
    this.#segments = new SegmentLibrary(new SegmentStore(blobs, embeddingCodec), {
      loaded: stale,
      stored: stale,
      dropped: stale,
    });
  }

  /** Loads the segments once; later calls reload only when the files changed (another tab embedded). */
  ready(): Promise<void> {
    return this.#segments.ready();
  }

  /** The video's newest embeddings, whatever model made them. */
  video(videoId: number): VideoEmbeddings | undefined {
    return this.#segments.get(videoId)?.value;
  }

  counts(modelId: string): { videos: number; rows: number } {
    let videos = 0;
    let rows = 0;
    for (const { value } of this.#segments.chunks())
      if (value.modelId === modelId) {
        videos++;
        rows += value.times.length;
      }
    return { videos, rows };
  }

  async commit(libraryId: number, e: VideoEmbeddings): Promise<void> {
    await this.#segments.commit(libraryId, e.videoId, e);
  }

  /** Drops videos not in `liveVideoIds` and rewrites files that are mostly dead weight. */
  compact(liveVideoIds: readonly number[]): Promise<{ rewritten: number; droppedVideos: number }> {
    return this.#segments.compact(liveVideoIds);
  }

  dropLibrary(libraryId: number): Promise<void> {
    return this.#segments.dropLibrary(libraryId);
  }

  stored(): Promise<StoredBytes> {
    return this.#segments.stored();
  }

  /** The rows of `modelId`, packed (cached until the next change). */
  packed(modelId: string, dim: number): Packed {
    if (this.#packed?.modelId === modelId) return this.#packed;
    const chunks = [...this.#segments.chunks()]
      .map((c) => c.value)
      .filter((c) => c.modelId === modelId && c.dim === dim);
    const count = chunks.reduce((n, c) => n + c.times.length, 0);
    const p: Packed = {
      modelId,
      dim,
      count,
      codes: new Int8Array(count * dim),
      scales: new Float32Array(count),
      rowVideo: new Int32Array(count),
      rowTime: new Float32Array(count),
      rowFlags: new Uint8Array(count),
    };
    let row = 0;
    for (const c of chunks) {
      p.codes.set(c.codes, row * dim);
      p.scales.set(c.scales, row);
      p.rowVideo.fill(c.videoId, row, row + c.times.length);
      p.rowTime.set(c.times, row);
      p.rowFlags.set(c.flags, row);
      row += c.times.length;
    }
    this.#packed = p;
    return p;
  }

  /** The `k` rows nearest `query` (best first), limited to `videoIds` when given, and the scores' statistics. */
  search(
    query: Float32Array,
    modelId: string,
    k: number,
    videoIds?: readonly number[],
  ): { hits: RowHit[]; stats: ScoreStats; packed: Packed } {
    const packed = this.packed(modelId, query.length);
    const allowed = videoIds ? new Set(videoIds) : null;
    // Over-fetch when filtering: the statistics stay those of the whole library, the hits those of the view.
    const { hits, stats } = topK(query, packed, allowed ? Math.min(packed.count, k * 8) : k);
    const out: RowHit[] = [];
    for (const h of hits) {
      const videoId = packed.rowVideo[h.index];
      if (allowed && !allowed.has(videoId)) continue;
      out.push({
        row: h.index,
        videoId,
        time: packed.rowTime[h.index],
        score: h.score,
        scene: (packed.rowFlags[h.index] & sceneFlag) !== 0,
      });
      if (out.length >= k) break;
    }
    return { hits: out, stats, packed };
  }

  /** The vector of the video's row nearest `time`, if the video has rows of `modelId`. */
  vectorNear(videoId: number, time: number, modelId: string): { vector: Float32Array; time: number } | null {
    const c = this.video(videoId);
    if (!c || c.modelId !== modelId || c.times.length === 0) return null;
    let best = 0;
    for (let r = 1; r < c.times.length; r++) if (Math.abs(c.times[r] - time) < Math.abs(c.times[best] - time)) best = r;
    const one = { dim: c.dim, count: c.times.length, codes: c.codes, scales: c.scales };
    return { vector: unpackRow(one, best), time: c.times[best] };
  }
}
