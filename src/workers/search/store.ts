import type { BlobStore } from '../../db/blob-store';
import { CorruptSegmentError, FrameIndex } from '../../lib/search/frame-index';

/**
 * The fingerprints on disk: append-only segment files per library in the blob store
 * (`frames-<library>-<n>`), each a run of chunks, one chunk per indexed video:
 *   u32 magic 'FFCK' · i32 video id · a FrameIndex segment (16-byte header, then its rows).
 * Re-indexing a video appends a newer chunk; when files are read in order the last chunk of a video wins, so
 * nothing is ever rewritten in place. `compact` rewrites a file without the superseded chunks and the chunks
 * of videos no longer in the catalog. A chunk cut short by a crash mid-append is ignored, and compacted away.
 */

const chunkMagic = 0x4b434646; // 'FFCK' little-endian
const prefixBytes = 8;
const segmentHeaderBytes = 16;
const bytesPerFrame = 40;
/** A segment file takes new chunks until it is this big; then the next one starts. */
const rollBytes = 8 * 1024 * 1024;

export interface Chunk {
  key: string;
  libraryId: number;
  videoId: number;
  /** The FrameIndex segment of the chunk (its own buffer). */
  segment: ArrayBuffer;
}

const keyPattern = /^frames-(\d+)-(\d+)$/;
export const segmentKey = (libraryId: number, n: number) => `frames-${libraryId}-${n}`;

function parseKey(key: string): { libraryId: number; n: number } | null {
  const m = keyPattern.exec(key);
  return m ? { libraryId: Number(m[1]), n: Number(m[2]) } : null;
}

/** The chunks of one segment file in order, and the byte length that parsed cleanly. */
export function parseChunks(key: string, libraryId: number, bytes: Uint8Array): { chunks: Chunk[]; valid: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let at = 0;
  while (at + prefixBytes + segmentHeaderBytes <= bytes.byteLength) {
    if (view.getUint32(at, true) !== chunkMagic) break;
    const videoId = view.getInt32(at + 4, true);
    const frames = view.getUint32(at + prefixBytes + 8, true);
    const end = at + prefixBytes + segmentHeaderBytes + frames * bytesPerFrame;
    if (end > bytes.byteLength) break;
    const segment = bytes.slice(at + prefixBytes, end).buffer;
    try {
      FrameIndex.segmentFrames(segment);
    } catch (err) {
      if (err instanceof CorruptSegmentError) break;
      throw err;
    }
    chunks.push({ key, libraryId, videoId, segment });
    at = end;
  }
  return { chunks, valid: at };
}

export function encodeChunk(videoId: number, segment: ArrayBuffer): Uint8Array {
  const out = new Uint8Array(prefixBytes + segment.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, chunkMagic, true);
  view.setInt32(4, videoId, true);
  out.set(new Uint8Array(segment), prefixBytes);
  return out;
}

export interface LoadedSegments {
  /** The newest chunk of every video, in file order. */
  latest: Chunk[];
  /** Per file: its size and how many of its bytes are dead (superseded, or past the last clean chunk). */
  files: Map<string, { libraryId: number; size: number; dead: number }>;
}

export class SegmentStore {
  constructor(private blobs: BlobStore) {}

  async keys(): Promise<{ key: string; libraryId: number; n: number; size: number }[]> {
    const out = [];
    for (const { key, size } of await this.blobs.list()) {
      const parsed = parseKey(key);
      if (parsed) out.push({ key, size, ...parsed });
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
        if (before) files.get(before.key)!.dead += prefixBytes + before.segment.byteLength;
        latest.set(chunk.videoId, chunk);
      }
    }
    return { latest: [...latest.values()], files };
  }

  /** Appends a video's chunk to its library's newest segment file (starting a new file when that one is full). */
  async append(libraryId: number, videoId: number, segment: ArrayBuffer): Promise<string> {
    const mine = (await this.keys()).filter((k) => k.libraryId === libraryId);
    const last = mine[mine.length - 1];
    const key = last && last.size < rollBytes ? last.key : segmentKey(libraryId, last ? last.n + 1 : 0);
    await this.blobs.append(key, encodeChunk(videoId, segment));
    return key;
  }

  /**
   * Rewrites one file keeping only the chunks in `keep` (each the newest of a video still in the catalog);
   * the blob store replaces the file atomically, so a crash leaves either the old or the new file.
   */
  async rewrite(key: string, keep: readonly Chunk[]): Promise<void> {
    if (keep.length === 0) return this.blobs.delete(key);
    const parts = keep.map((c) => encodeChunk(c.videoId, c.segment));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    await this.blobs.put(key, out);
  }

  /** Deletes a library's segment files. */
  async dropLibrary(libraryId: number): Promise<void> {
    for (const k of await this.keys()) if (k.libraryId === libraryId) await this.blobs.delete(k.key);
  }
}
