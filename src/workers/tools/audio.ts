// Extract audio (issue 14): the sound track copied packet for packet into a container that fits its codec, or
// into M4A (AAC: copied when it already is, encoded over WebCodecs when the browser has an AAC encoder).
import {
  ALL_FORMATS,
  AdtsOutputFormat,
  BlobSource,
  BufferTarget,
  Conversion,
  ConversionCanceledError,
  FlacOutputFormat,
  Input,
  Mp3OutputFormat,
  Mp4OutputFormat,
  OggOutputFormat,
  Output,
  StreamTarget,
  WavOutputFormat,
  canEncodeAudio,
} from 'mediabunny';
import type { OutputFormat } from 'mediabunny';
import type { AudioContainer, AudioPlan } from '../../lib/clips/audio';
import { AbortError } from '../../lib/errors';
import { CannotCopyError, type TrimResult, type TrimTarget } from './trim';

/** The video has no sound track (a named error, so the page tells it apart from a failure). */
export class NoAudioError extends Error {
  override name = 'NoAudioError';
}

const formats: Record<AudioContainer, () => OutputFormat> = {
  m4a: () => new Mp4OutputFormat({ fastStart: false }),
  mp3: () => new Mp3OutputFormat(),
  ogg: () => new OggOutputFormat(),
  flac: () => new FlacOutputFormat(),
  wav: () => new WavOutputFormat(),
  adts: () => new AdtsOutputFormat(),
};

/** The codec of the file's sound as mediabunny names it ('aac', 'opus', 'pcm-s16' …), or null for no sound. */
export async function audioCodecOf(file: File): Promise<string | null> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack();
    return track ? (track.codec ?? 'unknown') : null;
  } finally {
    input.dispose();
  }
}

/** Whether this browser can encode AAC (headless Chromium on Linux cannot: it has no platform AAC encoder). */
export const canEncodeAac = () => canEncodeAudio('aac');

/** Writes the whole sound of `file` as `plan` says into `target`. */
export async function extractAudio(
  file: File,
  plan: AudioPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const memory = target.kind === 'memory' ? new BufferTarget() : null;
  try {
    if (!(await input.getPrimaryAudioTrack())) throw new NoAudioError('This video has no sound track.');
    const sink =
      target.kind === 'stream' ? new StreamTarget(target.stream, { chunked: true, chunkSize: 4 * 2 ** 20 }) : memory!;
    const output = new Output({ format: formats[plan.container](), target: sink });
    const conversion = await Conversion.init({
      input,
      output,
      tracks: 'primary',
      video: { discard: true },
      audio: plan.encode ? { codec: plan.encode, forceTranscode: true } : {},
      copy: plan.encode ? false : { mode: 'forced' },
      showWarnings: false,
    });
    if (!conversion.isValid || !conversion.utilizedTracks.some((t) => t.type === 'audio')) {
      const why = conversion.discardedTracks.find((d) => d.track.type === 'audio')?.reason ?? 'unknown';
      throw new CannotCopyError(
        plan.encode
          ? `This browser cannot encode the sound as ${plan.encode.toUpperCase()} (${why.replaceAll('_', ' ')}): save it as it is instead.`
          : `The sound cannot be copied into .${plan.extension} as it is (${why.replaceAll('_', ' ')}).`,
      );
    }
    let reported = -1;
    conversion.onProgress = (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent === reported) return;
      reported = percent;
      onProgress(fraction);
    };
    await conversion.execute();
    return { bytes: memory?.buffer ? new Uint8Array(memory.buffer) : null, notes: [] };
  } catch (err) {
    if (err instanceof ConversionCanceledError) throw new AbortError();
    throw err;
  } finally {
    input.dispose();
  }
}
