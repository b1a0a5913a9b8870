import type { BlobStore } from '../../db/blob-store';

/**
 * The embeddings on disk, laid out like the fingerprints (workers/search/store.ts): append-only segment files per
 * library in the blob store (`embeds-<library>-<n>`), each a run of chunks, one chunk per embedded video:
 *
 *   u32 magic 'FFEM' · i32 video id · u32 body length · body
 *   body: u16 model id length · model id (UTF-8) · pad to 4 · u32 dim · u32 rows
 *         · f32 times[rows] · f32 scales[rows] · u8 flags[rows] · pad to 4 · i8 codes[rows × dim] · pad to 4
 *
 * Every chunk names the model that made its vectors, so vectors of two models never meet in one search. Embedding a
 * video again (another model, another interval) appends a newer chunk; read in order, the last chunk of a video
 * wins. A chunk cut short by a crash mid-append is ignored, and compacted away.
 */

const chunkMagic = 0x4d454646; // 'FFEM' little-endian
const prefixBytes = 12;
/** A segment file takes new chunks until it is this big; then the next one starts. */
const rollBytes = 8 * 1024 * 1024;

/** Row flag: the frame is a scene's representative frame (else an interval sample). */
export const sceneFlag = 1;

/** The vectors of one video, as one model made them. */
export interface VideoEmbeddings {
  videoId: number;
  modelId: string;
  dim: number;
  /** Seconds, ascending. */
  times: Float32Array;
  flags: Uint8Array;
  /** `rows × dim` int8 codes; row r's vector is `codes[r·dim …] × scales[r]`. */
  codes: Int8Array;
  scales: Float32Array;
}

export interface Chunk extends VideoEmbeddings {
  key: string;
  libraryId: number;
  /** Bytes the chunk takes in its file. */
  bytes: number;
}

/** What the store needs of the blob store (a Map in unit tests). */
export type Blobs = Pick<BlobStore, 'append' | 'put' | 'read' | 'delete' | 'list'>;

const keyPattern = /^embeds-(\d+)-(\d+)$/;
export const segmentKey = (libraryId: number, n: number) => `embeds-${libraryId}-${n}`;
const pad4 = (n: number) => (n + 3) & ~3;

export function encodeChunk(e: VideoEmbeddings): Uint8Array {
  const rows = e.times.length;
  if (e.flags.length !== rows || e.scales.length !== rows || e.codes.length !== rows * e.dim)
    throw new RangeError('The embeddings of a video disagree in their row count.');
  const id = new TextEncoder().encode(e.modelId);
  const codesAt = pad4(pad4(2 + id.byteLength) + 8 + rows * 8 + rows);
  const body = pad4(codesAt + rows * e.dim);
  const out = new Uint8Array(prefixBytes + body);
  const view = new DataView(out.buffer);
  view.setUint32(0, chunkMagic, true);
  view.setInt32(4, e.videoId, true);
  view.setUint32(8, body, true);
  let at = prefixBytes;
  view.setUint16(at, id.byteLength, true);
  out.set(id, at + 2);
  at = prefixBytes + pad4(2 + id.byteLength);
  view.setUint32(at, e.dim, true);
  view.setUint32(at + 4, rows, true);
  at += 8;
  new Float32Array(out.buffer, at, rows).set(e.times);
  new Float32Array(out.buffer, at + rows * 4, rows).set(e.scales);
  out.set(e.flags, at + rows * 8);
  new Int8Array(out.buffer, prefixBytes + codesAt, rows * e.dim).set(e.codes);
  return out;
}

/** Reads one chunk's body, or null when it does not hold together. */
function decodeBody(videoId: number, body: Uint8Array): VideoEmbeddings | null {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.byteLength < 2) return null;
  const idLength = view.getUint16(0, true);
  let at = pad4(2 + idLength);
  if (at + 8 > body.byteLength) return null;
  const modelId = new TextDecoder().decode(body.subarray(2, 2 + idLength));
  const dim = view.getUint32(at, true);
  const rows = view.getUint32(at + 4, true);
  at += 8;
  const codesAt = pad4(at + rows * 9);
  if (dim === 0 || pad4(codesAt + rows * dim) !== body.byteLength) return null;
  const copy = body.slice(); // its own aligned buffer
  return {
    videoId,
    modelId,
    dim,
    times: new Float32Array(copy.buffer, at, rows),
    scales: new Float32Array(copy.buffer, at + rows * 4, rows),
    flags: new Uint8Array(copy.buffer, at + rows * 8, rows),
    codes: new Int8Array(copy.buffer, codesAt, rows * dim),
  };
}

/** The chunks of one segment file in order, and the byte length that parsed cleanly. */
export function parseChunks(key: string, libraryId: number, bytes: Uint8Array): { chunks: Chunk[]; valid: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let at = 0;
  while (at + prefixBytes <= bytes.byteLength) {
    if (view.getUint32(at, true) !== chunkMagic) break;
    const videoId = view.getInt32(at + 4, true);
    const end = at + prefixBytes + view.getUint32(at + 8, true);
    if (end > bytes.byteLength) break;
    const decoded = decodeBody(videoId, bytes.subarray(at + prefixBytes, end));
    if (!decoded) break;
    chunks.push({ ...decoded, key, libraryId, bytes: end - at });
    at = end;
  }
  return { chunks, valid: at };
}

export interface LoadedSegments {
  /** The newest chunk of every video, in file order. */
  latest: Chunk[];
  /** Per file: its size and how many of its bytes are dead (superseded, or past the last clean chunk). */
  files: Map<string, { libraryId: number; size: number; dead: number }>;
}

export class EmbeddingStore {
  constructor(private blobs: Blobs) {}

  async keys(): Promise<{ key: string; libraryId: number; n: number; size: number }[]> {
    const out = [];
    for (const { key, size } of await this.blobs.list()) {
      const m = keyPattern.exec(key);
      if (m) out.push({ key, size, libraryId: Number(m[1]), n: Number(m[2]) });
    }
    return out.sort((a, b) => a.libraryId - b.libraryId || a.n - b.n);
  }

  /** Reads every segment file: the newest chunk of each video, and how much of each file is dead. */
  async load(): Promise<LoadedSegments> {
    const latest = new Map<number, Chunk>();
    const files = new Map<string, { libraryId: number; size: number; dead: number }>();
    for (const { key, libraryId, size } of await this.keys()) {
      const bytes = await this.blobs.read(key);
      if (!bytes) continue;
      const { chunks, valid } = parseChunks(key, libraryId, bytes);
      files.set(key, { libraryId, size, dead: bytes.byteLength - valid });
      for (const chunk of chunks) {
        const before = latest.get(chunk.videoId);
        if (before) files.get(before.key)!.dead += before.bytes;
        latest.set(chunk.videoId, chunk);
      }
    }
    return { latest: [...latest.values()], files };
  }

  /** Appends a video's chunk to its library's newest segment file (starting a new file when that one is full). */
  async append(libraryId: number, e: VideoEmbeddings): Promise<Chunk> {
    const mine = (await this.keys()).filter((k) => k.libraryId === libraryId);
    const last = mine[mine.length - 1];
    const key = last && last.size < rollBytes ? last.key : segmentKey(libraryId, last ? last.n + 1 : 0);
    const bytes = encodeChunk(e);
    await this.blobs.append(key, bytes);
    return { ...e, key, libraryId, bytes: bytes.byteLength };
  }

  /** Rewrites one file with only `keep` (the blob store swaps the file in whole, so a crash keeps the old one). */
  async rewrite(key: string, keep: readonly Chunk[]): Promise<void> {
    if (keep.length === 0) return this.blobs.delete(key);
    const parts = keep.map(encodeChunk);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    await this.blobs.put(key, out);
  }

  async dropLibrary(libraryId: number): Promise<void> {
    for (const k of await this.keys()) if (k.libraryId === libraryId) await this.blobs.delete(k.key);
  }
}
