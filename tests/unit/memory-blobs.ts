import type { Blobs } from '../../src/workers/segments/store';

/** The blob store's contract over a Map: OPFS itself is exercised by the e2e tests in Chromium. */
export function memoryBlobs(): Blobs & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    async append(key, bytes) {
      const before = files.get(key) ?? new Uint8Array(0);
      const out = new Uint8Array(before.byteLength + bytes.byteLength);
      out.set(before);
      out.set(bytes, before.byteLength);
      files.set(key, out);
      return before.byteLength;
    },
    async put(key, bytes) {
      files.set(key, bytes.slice());
    },
    async read(key) {
      return files.get(key)?.slice() ?? null;
    },
    async size(key) {
      return files.get(key)?.byteLength ?? null;
    },
    async delete(key) {
      files.delete(key);
    },
    async list(prefix = '') {
      return [...files]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, b]) => ({ key, size: b.byteLength }))
        .sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
