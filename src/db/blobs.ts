/** What the blob store offers, in OPFS or in IndexedDB (and over a Map in unit tests). */
export interface Blobs {
  append(key: string, bytes: Uint8Array): Promise<number>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  read(key: string, start?: number, end?: number): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  list(): Promise<{ key: string; size: number }[]>;
}
