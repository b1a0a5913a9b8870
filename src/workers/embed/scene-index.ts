import { BlobStore } from '../../db/blob-store';
import type { EmbedFrame } from '../../lib/embeddings/plan';
import { dot, packVectors, unpackRow } from '../../lib/embeddings/vectors';
import { genericCaptions, judgeText, modelFloor, probeColours, probeFrame } from '../../lib/embeddings/word-search';
import type { RgbaFrame } from '../../lib/media/types';
import { decodeImage } from '../search/decode-image';
import type { EmbedEngine } from './engine';
import { EmbeddingLibrary, type RowHit } from './library';
import type { Blobs } from '../segments/store';
import { sceneFlag } from './codec';

/** The loaded model moved on while a video was being embedded: its vectors would mix two models. */
export class ModelChangedError extends Error {
  override name = 'ModelChangedError';
}

/** What a model's probe measured when it loaded (lib/embeddings/word-search.ts). */
interface Probe {
  floor: number;
  generic: Float32Array[];
}

interface Pending {
  token: number;
  modelId: string;
  plan: EmbedFrame[];
  vectors: (Float32Array | undefined)[];
  times: number[];
}

export interface WordSearchResult {
  modelId: string;
  /** Rows of this model in the library. */
  rows: number;
  /** Frames that match, best first; empty when nothing does. */
  hits: RowHit[];
  /** The best frame's score, shown or not. */
  best: number | null;
  floor: number;
  z: number;
}

/** Nearest frames fetched per query before grouping into scenes. */
const searchK = 120;
/** Frames embedded per call: big enough to keep ONNX Runtime busy, small enough to report progress. */
export const embedBatch = 16;

/**
 * Word search and "more like this" over the stored embeddings, and the embedding of a video's frames into them.
 * Inference runs one call at a time: several jobs embed at once, and one ONNX session runs one thing at a time.
 */
export function sceneIndex(
  current: () => Promise<EmbedEngine>,
  openBlobs: () => Promise<Blobs> = () => BlobStore.open('embeddings'),
) {
  let library: Promise<EmbeddingLibrary> | undefined;
  const probes = new WeakMap<EmbedEngine, Promise<Probe>>();
  const pending = new Map<number, Pending>();
  let tokens = 0;
  let chain: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  }

  async function open(): Promise<EmbeddingLibrary> {
    library ??= openBlobs().then((b) => new EmbeddingLibrary(b));
    library.catch(() => (library = undefined));
    const l = await library;
    await l.ready();
    return l;
  }

  async function probeOf(engine: EmbedEngine): Promise<Probe> {
    let probe = probes.get(engine);
    if (!probe) {
      probe = serial(async () => {
        const colours = Object.values(probeColours);
        const frames = await engine.embedImages(colours.map((rgb, i) => probeFrame(rgb, 64, 48, i + 1)));
        const words: Float32Array[] = [];
        for (const word of Object.keys(probeColours)) words.push(await engine.embedText(word));
        const generic: Float32Array[] = [];
        for (const caption of genericCaptions) generic.push(await engine.embedText(caption));
        return { floor: modelFloor(words.map((w) => frames.map((f) => dot(w, f)))), generic };
      });
      probes.set(engine, probe);
    }
    return probe;
  }

  return {
    /** Whether the video's newest embeddings are this model's. */
    async hasEmbeddings(videoId: number, modelId: string): Promise<boolean> {
      return (await open()).video(videoId)?.modelId === modelId;
    },

    /** The video's stored frames: the model, and each frame's time and whether it is a scene's frame. */
    async videoEmbeddings(videoId: number): Promise<{ modelId: string; times: number[]; scene: boolean[] } | null> {
      const v = (await open()).video(videoId);
      if (!v) return null;
      return { modelId: v.modelId, times: [...v.times], scene: [...v.flags].map((f) => (f & sceneFlag) !== 0) };
    },

    /** The video's stored vectors if `modelId` made them (else null), unpacked from int8. */
    async videoVectors(videoId: number, modelId: string): Promise<Float32Array[] | null> {
      const v = (await open()).video(videoId);
      if (v?.modelId !== modelId) return null;
      const packed = { dim: v.dim, count: v.times.length, codes: v.codes, scales: v.scales };
      return Array.from({ length: packed.count }, (_, row) => unpackRow(packed, row));
    },

    /** Text vectors of the loaded model, one per text, in order (one inference at a time, like every other). */
    async embedTexts(texts: readonly string[]): Promise<{ modelId: string; vectors: Float32Array[] }> {
      const engine = await current();
      const vectors: Float32Array[] = [];
      for (const text of texts) vectors.push(await serial(() => engine.embedText(text)));
      return { modelId: engine.modelId, vectors };
    },

    async counts(modelId: string) {
      return (await open()).counts(modelId);
    },

    /** Starts embedding a video's planned frames with the model `modelId`; returns the token of this run. */
    begin(videoId: number, modelId: string, plan: EmbedFrame[]): number {
      const token = ++tokens;
      pending.set(videoId, { token, modelId, plan, vectors: [], times: [] });
      return token;
    },

    /** Frames `done - frames.length` … `done - 1` of the plan, decoded; embeds them. */
    async addFrames(videoId: number, token: number, frames: RgbaFrame[], done: number): Promise<void> {
      const p = pending.get(videoId);
      if (p?.token !== token) throw new ModelChangedError('This video is being embedded by a newer run.');
      const engine = await current();
      if (engine.modelId !== p.modelId) throw new ModelChangedError('The model changed while this video was embedded.');
      for (let at = 0; at < frames.length; at += embedBatch) {
        const batch = frames.slice(at, at + embedBatch);
        const vectors = await serial(() => engine.embedImages(batch));
        vectors.forEach((v, j) => {
          const row = done - frames.length + at + j;
          p.vectors[row] = v;
          p.times[row] = batch[j].time;
        });
      }
    },

    /** Stores the video's embeddings as one chunk (all or nothing); returns how many frames it holds. */
    async commit(videoId: number, libraryId: number, token: number): Promise<number> {
      const p = pending.get(videoId);
      if (p?.token !== token) throw new ModelChangedError('This video is being embedded by a newer run.');
      pending.delete(videoId);
      const engine = await current();
      if (engine.modelId !== p.modelId) throw new ModelChangedError('The model changed while this video was embedded.');
      const rows = p.plan.map((f, i) => ({ f, v: p.vectors[i], time: p.times[i] })).filter((r) => r.v);
      const packed = packVectors(
        rows.map((r) => r.v!),
        engine.dim,
      );
      await (
        await open()
      ).commit(libraryId, {
        videoId,
        modelId: p.modelId,
        dim: engine.dim,
        times: Float32Array.from(rows, (r) => r.time),
        flags: Uint8Array.from(rows, (r) => (r.f.scene ? sceneFlag : 0)),
        codes: packed.codes,
        scales: packed.scales,
      });
      return rows.length;
    },

    /**
     * Frames matching `text`: ranked by cosine, kept when the best frame clears the model's floor (or the z bar)
     * and each frame shown is described better by the words than by any generic caption.
     */
    async searchText(text: string, videoIds?: number[]): Promise<WordSearchResult> {
      const engine = await current();
      const probe = await probeOf(engine);
      const query = await serial(() => engine.embedText(text));
      const { hits, stats, packed } = (await open()).search(query, engine.modelId, searchK, videoIds);
      const base = { modelId: engine.modelId, rows: stats.count, floor: probe.floor };
      if (hits.length === 0) return { ...base, hits: [], best: null, z: 0 };
      const verdict = judgeText(hits[0].score, stats, probe.floor);
      const shown = verdict.good
        ? hits.filter((h) => {
            if (h.score < verdict.cut) return false;
            const row = unpackRow(packed, h.row);
            return probe.generic.every((g) => dot(g, row) <= h.score);
          })
        : [];
      return { ...base, hits: shown, best: hits[0].score, z: verdict.z };
    },

    /** Frames nearest an image (a dropped screenshot): what it shows, not where it was copied from. */
    async searchImage(image: Blob, videoIds?: number[]): Promise<RowHit[]> {
      const engine = await current();
      const frame = await decodeImage(image);
      const [query] = await serial(() => engine.embedImages([frame]));
      return (await open()).search(query, engine.modelId, searchK, videoIds).hits;
    },

    /** "More like this": frames nearest the video's embedded frame closest to `time`. */
    async similarTo(videoId: number, time: number, videoIds?: number[]): Promise<RowHit[]> {
      const engine = await current();
      const l = await open();
      const source = l.vectorNear(videoId, time, engine.modelId);
      return source ? l.search(source.vector, engine.modelId, searchK, videoIds).hits : [];
    },

    async compact(liveVideoIds: number[]) {
      return (await open()).compact(liveVideoIds);
    },

    /** The size of the stored embeddings (Settings → Maintenance). */
    async stored() {
      return (await open()).stored();
    },

    async dropLibrary(libraryId: number): Promise<void> {
      await (await open()).dropLibrary(libraryId);
    },
  };
}
