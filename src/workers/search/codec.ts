import { bytesPerRow, CorruptSegmentError, FrameIndex, segmentHeaderBytes } from '../../lib/search/frame-index';
import type { SegmentCodec } from '../segments/codec';

/**
 * A video's fingerprints in a segment file (`frames-<library>-<n>`): after the chunk's 'FFCK' and video id, its
 * FrameIndex segment as `FrameIndex.serialize` writes it (a 16-byte header, then its rows), whose frame count
 * says where the chunk ends.
 */
export const fingerprintCodec: SegmentCodec<ArrayBuffer> = {
  prefix: 'frames',
  magic: 0x4b434646, // 'FFCK' little-endian
  encode: (_videoId, segment) => new Uint8Array(segment),
  decode(_videoId, rest) {
    if (rest.byteLength < segmentHeaderBytes) return null;
    const frames = new DataView(rest.buffer, rest.byteOffset, segmentHeaderBytes).getUint32(8, true);
    const end = segmentHeaderBytes + frames * bytesPerRow;
    if (end > rest.byteLength) return null;
    const segment = rest.slice(0, end).buffer;
    try {
      FrameIndex.segmentFrames(segment);
    } catch (err) {
      if (err instanceof CorruptSegmentError) return null;
      throw err;
    }
    return { value: segment, bytes: end };
  },
};
