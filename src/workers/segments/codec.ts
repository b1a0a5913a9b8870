/**
 * How one kind of per-video data (fingerprints, embeddings, and later transcripts and on-screen text) is laid out
 * in a chunk of a segment file. The store (./store.ts) writes every chunk as
 *
 *   u32 magic · i32 video id · the codec's bytes
 *
 * and asks the codec how far its bytes run, so each kind keeps the layout its files already have on disk.
 */
export interface SegmentCodec<T> {
  /** Files are named `<prefix>-<library id>-<n>`. */
  prefix: string;
  /** The little-endian u32 that opens every chunk of this kind ('FFCK', 'FFEM' …). */
  magic: number;
  /** The chunk's bytes after its magic and video id. */
  encode(videoId: number, value: T): Uint8Array;
  /**
   * Reads a chunk from `rest`, which runs from just after the video id to the end of the file: the value and how
   * many bytes of `rest` it took, or null when the chunk is cut short or does not hold together. The value must not
   * keep a view of `rest` (it is the whole file).
   */
  decode(videoId: number, rest: Uint8Array): { value: T; bytes: number } | null;
}

/**
 * A codec whose bytes are `u32 body length · body`: what a new kind of data should use, so that a chunk's end is
 * known without understanding its body.
 */
export function lengthPrefixed<T>(codec: {
  prefix: string;
  magic: number;
  encodeBody(value: T): Uint8Array;
  /** The value in `body` (exactly the chunk's body), or null when it does not hold together. */
  decodeBody(videoId: number, body: Uint8Array): T | null;
}): SegmentCodec<T> {
  return {
    prefix: codec.prefix,
    magic: codec.magic,
    encode(_videoId, value) {
      const body = codec.encodeBody(value);
      const out = new Uint8Array(4 + body.byteLength);
      new DataView(out.buffer).setUint32(0, body.byteLength, true);
      out.set(body, 4);
      return out;
    },
    decode(videoId, rest) {
      if (rest.byteLength < 4) return null;
      const end = 4 + new DataView(rest.buffer, rest.byteOffset, 4).getUint32(0, true);
      if (end > rest.byteLength) return null;
      const value = codec.decodeBody(videoId, rest.subarray(4, end));
      return value === null ? null : { value, bytes: end };
    },
  };
}
