import type { Blobs as BlobStore } from '../../db/blob-store';
import type { SegmentCodec } from './codec';

/**
 * Per-video data on disk, one kind per codec: append-only segment files per library in the blob store
 * (`<prefix>-<library>-<n>`), each a run of chunks, one chunk per stored video:
 *   u32 magic · i32 video id · the codec's bytes.
 * Storing a video again appends a newer chunk; read in order, the last chunk of a video wins, so nothing is ever
 * rewritten in place. `rewrite` replaces a file without its superseded chunks and those of videos no longer in the
 * catalog. A chunk cut short by a crash mid-append ends the file's readable part, and is compacted away.
 */

/** What the store needs of the blob store (a Map in unit tests). */
export type Blobs = Pick<BlobStore, 'append' | 'put' | 'read' | 'delete' | 'list' | 'size'>;

export interface Chunk<T> {
  /** The file it is in. */
  key: string;
  libraryId: number;
  videoId: number;
  /** Bytes it takes in its file. */
  bytes: number;
  value: T;
}

export interface FileStats {
  libraryId: number;
  size: number;
  /** Bytes that no longer count: superseded chunks, chunks of removed videos, a crash-cut tail. */
  dead: number;
  /** Bytes past the last chunk that reads cleanly (a chunk cut short by a crash): nothing may follow them. */
  tail: number;
  /** The video whose chunk the tail is, when its id is still readable. */
  cut?: number;
}

export interface SegmentFile {
  key: string;
  libraryId: number;
  n: number;
  size: number;
}

/** The magic and the video id before every chunk's own bytes. */
const prefixBytes = 8;
/** A segment file takes new chunks until it is this big; then the next one starts. */
export const rollBytes = 8 * 1024 * 1024;

export function encodeChunk<T>(codec: SegmentCodec<T>, videoId: number, value: T): Uint8Array {
  const body = codec.encode(videoId, value);
  const out = new Uint8Array(prefixBytes + body.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, codec.magic, true);
  view.setInt32(4, videoId, true);
  out.set(body, prefixBytes);
  return out;
}

/** The chunks of one segment file in order, and the byte length that parsed cleanly. */
export function parseChunks<T>(
  codec: SegmentCodec<T>,
  key: string,
  libraryId: number,
  bytes: Uint8Array,
): { chunks: Chunk<T>[]; valid: number; cut?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk<T>[] = [];
  let at = 0;
  while (at + prefixBytes <= bytes.byteLength && view.getUint32(at, true) === codec.magic) {
    const videoId = view.getInt32(at + 4, true);
    const decoded = codec.decode(videoId, bytes.subarray(at + prefixBytes));
    if (!decoded) break;
    const size = prefixBytes + decoded.bytes;
    chunks.push({ key, libraryId, videoId, bytes: size, value: decoded.value });
    at += size;
  }
  const cut = at + prefixBytes <= bytes.byteLength ? view.getInt32(at + 4, true) : undefined;
  return { chunks, valid: at, cut };
}

export interface LoadedSegments<T> {
  /** The newest chunk of every video, in file order. */
  latest: Chunk<T>[];
  files: Map<string, FileStats>;
}

export class SegmentStore<T> {
  readonly #pattern: RegExp;

  constructor(
    private blobs: Blobs,
    readonly codec: SegmentCodec<T>,
  ) {
    this.#pattern = new RegExp(`^${codec.prefix}-(\\d+)-(\\d+)$`);
  }

  fileKey(libraryId: number, n: number): string {
    return `${this.codec.prefix}-${libraryId}-${n}`;
  }

  /** A key's library and number, when it is one of this kind's files. */
  parseKey(key: string): { libraryId: number; n: number } | null {
    const m = this.#pattern.exec(key);
    return m ? { libraryId: Number(m[1]), n: Number(m[2]) } : null;
  }

  /** How many changes other than appends to a newest file were made, by any tab (see SegmentLibrary). */
  async changeCount(): Promise<number> {
    return (await this.blobs.size(`${this.codec.prefix}-changes`)) ?? 0;
  }

  /** Adds one to the change count; returns the count before. */
  noteChange(): Promise<number> {
    return this.blobs.append(`${this.codec.prefix}-changes`, Uint8Array.of(1));
  }

  /** A file's size, null when it is not there. */
  size(key: string): Promise<number | null> {
    return this.blobs.size(key);
  }

  /** This kind's segment files, by library then number. */
  async files(): Promise<SegmentFile[]> {
    const out = [];
    for (const { key, size } of await this.blobs.list(`${this.codec.prefix}-`)) {
      const m = this.#pattern.exec(key);
      if (m) out.push({ key, size, libraryId: Number(m[1]), n: Number(m[2]) });
    }
    return out.sort((a, b) => a.libraryId - b.libraryId || a.n - b.n);
  }

  /** Reads every segment file: the newest chunk of each video, and how much of each file is dead. */
  async load(files?: readonly SegmentFile[]): Promise<LoadedSegments<T>> {
    const latest = new Map<number, Chunk<T>>();
    const stats = new Map<string, FileStats>();
    for (const { key, libraryId } of files ?? (await this.files())) {
      const bytes = await this.blobs.read(key);
      if (!bytes) continue;
      const { chunks, valid, cut } = parseChunks(this.codec, key, libraryId, bytes);
      const tail = bytes.byteLength - valid;
      stats.set(key, { libraryId, size: bytes.byteLength, dead: tail, tail, ...(tail > 0 && { cut }) });
      for (const chunk of chunks) {
        const before = latest.get(chunk.videoId);
        if (before) stats.get(before.key)!.dead += before.bytes;
        latest.set(chunk.videoId, chunk);
      }
    }
    return { latest: [...latest.values()], files: stats };
  }

  /**
   * Appends a video's chunk to its library's newest file, or starts the next file when that one is full or in
   * `closed` (files ending in a crash-cut chunk, after which a chunk could not be read). `listing` is the files as
   * just listed, when the caller has them (a listing is a round trip per file).
   */
  async append(
    libraryId: number,
    videoId: number,
    value: T,
    closed: ReadonlySet<string> = new Set(),
    listing?: readonly SegmentFile[],
  ): Promise<Chunk<T>> {
    const mine = (listing ?? (await this.files())).filter((f) => f.libraryId === libraryId);
    const last = mine.at(-1);
    const open = last && last.size < rollBytes && !closed.has(last.key);
    const key = open ? last.key : this.fileKey(libraryId, last ? last.n + 1 : 0);
    const bytes = encodeChunk(this.codec, videoId, value);
    await this.blobs.append(key, bytes);
    return { key, libraryId, videoId, bytes: bytes.byteLength, value };
  }

  /**
   * Rewrites one file with only `keep` (each the newest chunk of a video still in the catalog); the blob store
   * swaps the file in whole, so a crash leaves either the old or the new file. Returns the new size.
   */
  async rewrite(key: string, keep: readonly Chunk<T>[]): Promise<number> {
    if (keep.length === 0) {
      await this.blobs.delete(key);
      return 0;
    }
    const parts = keep.map((c) => encodeChunk(this.codec, c.videoId, c.value));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    await this.blobs.put(key, out);
    return out.byteLength;
  }

  /** Deletes a library's segment files. */
  async dropLibrary(libraryId: number): Promise<void> {
    for (const f of await this.files()) if (f.libraryId === libraryId) await this.blobs.delete(f.key);
  }
}
