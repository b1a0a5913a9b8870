import { topK, unpackRow, type PackedVectors, type ScoreStats } from '../../lib/embeddings/vectors';
import type { FrameHit } from '../../lib/embeddings/word-search';
import { sceneFlag, type Chunk, type EmbeddingStore, type VideoEmbeddings } from './store';

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
  #chunks = new Map<number, Chunk>();
  #files = new Map<string, { libraryId: number; size: number; dead: number }>();
  #packed: Packed | null = null;
  #loaded: Promise<void> | undefined;
  /** The segment files as last read (name:size), to notice another tab's writes. */
  #signature = '';

  constructor(private store: EmbeddingStore) {}

  async #currentSignature(): Promise<string> {
    return (await this.store.keys()).map((k) => `${k.key}:${k.size}`).join(',');
  }

  async #load(): Promise<void> {
    const signature = await this.#currentSignature();
    const { latest, files } = await this.store.load();
    this.#chunks = new Map(latest.map((c) => [c.videoId, c]));
    this.#files = files;
    this.#packed = null;
    this.#signature = signature;
  }

  /** Loads the segments once; later calls reload only when the files changed (another tab embedded). */
  async ready(): Promise<void> {
    if (this.#loaded) {
      await this.#loaded;
      if ((await this.#currentSignature()) === this.#signature) return;
    }
    this.#loaded = this.#load();
    this.#loaded.catch(() => (this.#loaded = undefined));
    await this.#loaded;
  }

  /** The video's newest embeddings, whatever model made them. */
  video(videoId: number): VideoEmbeddings | undefined {
    return this.#chunks.get(videoId);
  }

  counts(modelId: string): { videos: number; rows: number } {
    let videos = 0;
    let rows = 0;
    for (const c of this.#chunks.values())
      if (c.modelId === modelId) {
        videos++;
        rows += c.times.length;
      }
    return { videos, rows };
  }

  async commit(libraryId: number, e: VideoEmbeddings): Promise<void> {
    await this.ready();
    const chunk = await this.store.append(libraryId, e);
    this.#forget(e.videoId);
    this.#chunks.set(e.videoId, chunk);
    this.#packed = null;
    this.#signature = await this.#currentSignature();
  }

  #forget(videoId: number): void {
    const before = this.#chunks.get(videoId);
    if (!before) return;
    this.#chunks.delete(videoId);
    const stats = this.#files.get(before.key);
    if (stats) stats.dead += before.bytes;
  }

  /** Drops videos not in `liveVideoIds` and rewrites files that are mostly dead weight. */
  async compact(liveVideoIds: readonly number[]): Promise<{ rewritten: number; droppedVideos: number }> {
    await this.ready();
    const live = new Set(liveVideoIds);
    let droppedVideos = 0;
    for (const id of [...this.#chunks.keys()])
      if (!live.has(id)) {
        this.#forget(id);
        droppedVideos++;
      }
    let rewritten = 0;
    for (const [key, stats] of this.#files) {
      if (stats.dead === 0 || stats.dead < stats.size / 4) continue;
      const keep = [...this.#chunks.values()].filter((c) => c.key === key);
      await this.store.rewrite(key, keep);
      this.#files.set(key, { ...stats, size: keep.reduce((n, c) => n + c.bytes, 0), dead: 0 });
      rewritten++;
    }
    this.#packed = null;
    this.#signature = await this.#currentSignature();
    return { rewritten, droppedVideos };
  }

  async dropLibrary(libraryId: number): Promise<void> {
    await this.ready();
    for (const [id, c] of [...this.#chunks]) if (c.libraryId === libraryId) this.#chunks.delete(id);
    for (const [key, stats] of [...this.#files]) if (stats.libraryId === libraryId) this.#files.delete(key);
    await this.store.dropLibrary(libraryId);
    this.#packed = null;
    this.#signature = await this.#currentSignature();
  }

  /** The rows of `modelId`, packed (cached until the next change). */
  packed(modelId: string, dim: number): Packed {
    if (this.#packed?.modelId === modelId) return this.#packed;
    const chunks = [...this.#chunks.values()].filter((c) => c.modelId === modelId && c.dim === dim);
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
    const c = this.#chunks.get(videoId);
    if (!c || c.modelId !== modelId || c.times.length === 0) return null;
    let best = 0;
    for (let r = 1; r < c.times.length; r++) if (Math.abs(c.times[r] - time) < Math.abs(c.times[best] - time)) best = r;
    const one = { dim: c.dim, count: c.times.length, codes: c.codes, scales: c.scales };
    return { vector: unpackRow(one, best), time: c.times[best] };
  }
}
