import type { CueTrack } from '../../lib/subtitles/types';
import { lengthPrefixed } from '../segments/codec';

/** A video's cues from every source: subtitle files, tracks inside the video and (later) speech recognition. */
export interface VideoTranscript {
  tracks: StoredTrack[];
}

/** A track and what reading it had to say (lines skipped, image subtitles that carry no text). */
export interface StoredTrack extends CueTrack {
  warnings: string[];
}

/**
 * A video's cues in a segment file (`cues-<library>-<n>`): after the chunk's 'FFTX' and video id, `u32 length ·
 * JSON`. Text dominates a transcript's size whatever the layout, and JSON keeps the chunk readable by a later
 * version that adds fields (word timings, a model id per line).
 */
export const transcriptCodec = lengthPrefixed<VideoTranscript>({
  prefix: 'cues',
  magic: 0x58544646, // 'FFTX' little-endian
  encodeBody: (t) => new TextEncoder().encode(JSON.stringify(t)),
  decodeBody(_videoId, body) {
    try {
      const value = JSON.parse(new TextDecoder().decode(body)) as VideoTranscript;
      return Array.isArray(value?.tracks) ? value : null;
    } catch {
      return null; // a chunk that does not parse ends the file's readable part, like a crash-cut one
    }
  },
});
