// "Extract audio" (issue 14): the sound of a video as a file of its own, copied as it is into the container that
// fits its codec, or as M4A (AAC). Copying never re-encodes; M4A of a sound that is not AAC needs an AAC encoder.
import { stemOf } from './naming';

/** "as it is": the sound's own codec in a fitting container; "m4a": AAC in MP4. */
export type AudioMode = 'original' | 'm4a';

/** Containers the tools worker writes sound into. */
export type AudioContainer = 'm4a' | 'mp3' | 'ogg' | 'flac' | 'wav' | 'adts';

export interface AudioPlan {
  container: AudioContainer;
  extension: string;
  mime: string;
  /** The codec to encode into, or null to copy the sound as it is. */
  encode: 'aac' | null;
}

const byCodec: Record<string, Omit<AudioPlan, 'encode'>> = {
  aac: { container: 'm4a', extension: 'm4a', mime: 'audio/mp4' },
  mp3: { container: 'mp3', extension: 'mp3', mime: 'audio/mpeg' },
  opus: { container: 'ogg', extension: 'opus', mime: 'audio/ogg' },
  vorbis: { container: 'ogg', extension: 'ogg', mime: 'audio/ogg' },
  flac: { container: 'flac', extension: 'flac', mime: 'audio/flac' },
};

const m4a = { container: 'm4a', extension: 'm4a', mime: 'audio/mp4' } as const;

/**
 * Where the sound goes, from its codec as mediabunny names it ('aac', 'opus', 'pcm-s16' …). PCM of any kind is
 * copied into WAV. Null: the sound cannot be copied as it is (an AC-3 track, say); M4A then needs an encoder.
 */
export function audioPlan(codec: string, mode: AudioMode): AudioPlan | null {
  if (mode === 'm4a') return { ...m4a, encode: codec === 'aac' ? null : 'aac' };
  if (codec.startsWith('pcm-')) return { container: 'wav', extension: 'wav', mime: 'audio/wav', encode: null };
  const own = byCodec[codec];
  return own ? { ...own, encode: null } : null;
}

/** "beach.mp4" → "beach audio.m4a". */
export function audioFileName(parentName: string, extension: string): string {
  return `${stemOf(parentName)} audio.${extension}`;
}

/** What the user is told when a video has no sound to extract. */
export const noAudioMessage = (name: string) => `“${name}” has no sound track: there is no audio to extract.`;
