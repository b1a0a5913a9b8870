/** What the blob store offers, in OPFS or in IndexedDB (and over a Map in unit tests). */
export interface Blobs {
  append(key: string, bytes: Uint8Array): Promise<number>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  read(key: string, start?: number, end?: number): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /** The blob's size in bytes; null when there is no such blob. */
  size(key: string): Promise<number | null>;
  /** Blobs whose key starts with `prefix` (all by default): a segment store lists its own files, not every poster. */
  list(prefix?: string): Promise<{ key: string; size: number }[]>;
}
