import type { VideoScreenText } from '../../lib/screen-text/types';
import { lengthPrefixed } from '../segments/codec';

/**
 * A video's text on screen in a segment file (`screen-<library>-<n>`): after the chunk's 'FFSC' and video id,
 * `u32 length · JSON`, like the transcripts' lines: text and a few boxes per span, readable by a later version
 * that adds fields.
 */
export const screenTextCodec = lengthPrefixed<VideoScreenText>({
  prefix: 'screen',
  magic: 0x43534646, // 'FFSC' little-endian
  encodeBody: (t) => new TextEncoder().encode(JSON.stringify(t)),
  decodeBody(_videoId, body) {
    try {
      const value = JSON.parse(new TextDecoder().decode(body)) as VideoScreenText;
      return Array.isArray(value?.spans) ? value : null;
    } catch {
      return null; // a chunk that does not parse ends the file's readable part, like a crash-cut one
    }
  },
});
