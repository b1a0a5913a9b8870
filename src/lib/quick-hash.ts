/** Bytes read from each end of a file to recognise it after a move or rename. */
export const quickHashSpan = 64 * 1024;

/**
 * SHA-256 of the file's size, first 64 KiB and last 64 KiB, hex. Reads at most 128 KiB however large the
 * file is, so it is cheap enough to run for every video.
 */
export async function quickHash(file: Blob): Promise<string> {
  const head = await file.slice(0, quickHashSpan).arrayBuffer();
  const tail =
    file.size > quickHashSpan
      ? await file.slice(Math.max(quickHashSpan, file.size - quickHashSpan)).arrayBuffer()
      : new ArrayBuffer(0);
  const sizeBytes = new TextEncoder().encode(`${file.size}:`);
  const all = new Uint8Array(sizeBytes.byteLength + head.byteLength + tail.byteLength);
  all.set(sizeBytes, 0);
  all.set(new Uint8Array(head), sizeBytes.byteLength);
  all.set(new Uint8Array(tail), sizeBytes.byteLength + head.byteLength);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
