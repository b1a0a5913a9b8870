// "Extract audio" (issue 14): the sound of a video as a file of its own, copied as it is into the container that
// fits its codec, as M4A (AAC) or as Opus (in Ogg). Copying never re-encodes; M4A of a sound that is not AAC, and
// Opus of one that is not Opus, need an encoder: the browser's (WebCodecs) when it has one, else ffmpeg.wasm's.
import { stemOf } from './naming';

/** "as it is": the sound's own codec in a fitting container; "m4a": AAC in MP4; "opus": Opus in Ogg. */
export type AudioMode = 'original' | 'm4a' | 'opus';

/** Containers the tools worker writes sound into. */
export type AudioContainer = 'm4a' | 'mp3' | 'ogg' | 'flac' | 'wav' | 'adts';

/** Codecs the tools encode sound into. */
export type AudioEncoding = 'aac' | 'opus';

export interface AudioPlan {
  container: AudioContainer;
  extension: string;
  mime: string;
  /** The codec to encode into, or null to copy the sound as it is. */
  encode: AudioEncoding | null;
}

const byCodec: Record<string, Omit<AudioPlan, 'encode'>> = {
  aac: { container: 'm4a', extension: 'm4a', mime: 'audio/mp4' },
  mp3: { container: 'mp3', extension: 'mp3', mime: 'audio/mpeg' },
  opus: { container: 'ogg', extension: 'opus', mime: 'audio/ogg' },
  vorbis: { container: 'ogg', extension: 'ogg', mime: 'audio/ogg' },
  flac: { container: 'flac', extension: 'flac', mime: 'audio/flac' },
};

/** The codec each encoding mode asks for. */
const encodingOf = { m4a: 'aac', opus: 'opus' } as const;

/**
 * Where the sound goes, from its codec as mediabunny names it ('aac', 'opus', 'pcm-s16' …). PCM of any kind is
 * copied into WAV. A sound already in the codec a mode asks for is copied, never re-encoded. Null: the sound cannot
 * be copied as it is (an AC-3 track, say); M4A or Opus then encode it.
 */
export function audioPlan(codec: string, mode: AudioMode): AudioPlan | null {
  if (mode !== 'original') {
    const wanted = encodingOf[mode];
    return { ...byCodec[wanted], encode: codec === wanted ? null : wanted };
  }
  if (codec.startsWith('pcm-')) return { container: 'wav', extension: 'wav', mime: 'audio/wav', encode: null };
  const own = byCodec[codec];
  return own ? { ...own, encode: null } : null;
}

/** "" / " as M4A" / " as Opus": what a job's title adds after "Sound of beach.mp4". */
export const audioModeSuffix = (mode: AudioMode) => ({ original: '', m4a: ' as M4A', opus: ' as Opus' })[mode];

/** "as it is" / "as M4A" / "as Opus": how a batch's heading names the mode. */
export const audioModeName = (mode: AudioMode) => audioModeSuffix(mode).trim() || 'as it is';

/** "beach.mp4" → "beach audio.m4a". */
export function audioFileName(parentName: string, extension: string): string {
  return `${stemOf(parentName)} audio.${extension}`;
}

/** What the user is told when a video has no sound to extract. */
export const noAudioMessage = (name: string) => `“${name}” has no sound track: there is no audio to extract.`;

/**
 * The ffmpeg.wasm command that encodes the first sound track of `input` as `encode` when the browser has no encoder
 * for it: the native AAC encoder into MP4 (its index at the front, so an <audio> plays it before it has all of it),
 * or libopus into Ogg. libopus takes 48, 24, 16, 12 or 8 kHz: ffmpeg resamples anything else to the nearest.
 * libopus runs at complexity 4, not its default 10: above 4 it overflows the 64 KiB stack @ffmpeg/core 0.12.10 is
 * built with and stereo sound dies with "memory access out of bounds" (checked here on stereo noise, a sine and AC-3;
 * ffmpeg.wasm issues 591 and 867, fixed by PR 824 in an unreleased core). Mono survives any level; 4 costs a little
 * efficiency, not bandwidth, unlike the 24 kHz workaround of issue 867.
 */
export function audioEncodeArgs(input: string, output: string, encode: AudioEncoding): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'info', '-stats_period', '1'],
    ...['-i', input, '-map', '0:a:0', '-vn', '-sn', '-dn'],
    ...(encode === 'aac'
      ? ['-c:a', 'aac', '-b:a', '160k', '-movflags', '+faststart', '-f', 'mp4']
      : ['-c:a', 'libopus', '-compression_level', '4', '-b:a', '128k', '-f', 'ogg']),
    output,
  ];
}

/**
 * How long ffmpeg.wasm may take to encode `seconds` of sound before the run is taken for stuck: it encodes at tens
 * of times real time, so a second of work per second of sound, and at least two minutes (loading included).
 */
export const audioEncodeTimeoutMs = (seconds: number) => Math.max(120_000, Math.ceil(seconds * 1000));
