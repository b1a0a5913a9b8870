// Extract audio (issue 14): the sound track copied packet for packet into a container that fits its codec, or
// encoded as AAC (M4A) or Opus (Ogg): over WebCodecs when the browser has the encoder, else on ffmpeg.wasm (its
// native AAC encoder and libopus). Headless Chromium on Linux has no AAC encoder; WebKitGTK has no Opus encoder.
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
} from 'mediabunny';
import type { OutputFormat } from 'mediabunny';
import { audioEncodeArgs, audioEncodeTimeoutMs, type AudioContainer, type AudioPlan } from '../../lib/clips/audio';
import { AbortError } from '../../lib/errors';
import { runFfmpegTool } from './ffmpeg-engine';
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

/** Why WebCodecs cannot make the sound where ffmpeg.wasm can: no encoder here, or no decoder for the source. */
const ffmpegCanDo = new Set(['no_encodable_target_codec', 'undecodable_source_codec']);

const codecName = { aac: 'AAC', opus: 'Opus' } as const;

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

/**
 * Writes the whole sound of `file` as `plan` says into `target`. A note says when ffmpeg.wasm encoded it, and why.
 */
export async function extractAudio(
  file: File,
  plan: AudioPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const made = await convert(file, plan, target, onProgress);
  if ('bytes' in made) return made;
  const encode = plan.encode!;
  const output = `/audio/output.${plan.extension}`;
  const result = await runFfmpegTool(
    file,
    {
      output,
      args: (input) => audioEncodeArgs(input, output, encode),
      duration: made.seconds,
      timeoutMs: audioEncodeTimeoutMs(made.seconds),
      what: `encode the sound of “${file.name}” as ${codecName[encode]}`,
      failed: `ffmpeg.wasm could not encode the sound of “${file.name}” as ${codecName[encode]}: it could not decode it.`,
    },
    target,
    onProgress,
  );
  const why =
    made.why === 'undecodable_source_codec' ? 'cannot decode this sound' : `has no ${codecName[encode]} encoder`;
  return { ...result, notes: [`The sound was encoded as ${codecName[encode]} with ffmpeg.wasm: this browser ${why}.`] };
}

/**
 * The sound copied or encoded over WebCodecs by mediabunny; or, when the browser cannot encode it (or decode it),
 * how long it lasts and why, for ffmpeg.wasm to do it instead.
 */
async function convert(
  file: File,
  plan: AudioPlan,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult | { seconds: number; why: string }> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const memory = target.kind === 'memory' ? new BufferTarget() : null;
  try {
    const track = await input.getPrimaryAudioTrack();
    if (!track) throw new NoAudioError('This video has no sound track.');
    // The stream is only taken (getWriter) when the conversion starts: one not started leaves it to ffmpeg.wasm.
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
      if (plan.encode && ffmpegCanDo.has(why))
        return { seconds: (await track.computeDuration()) - Math.max(0, await track.getFirstTimestamp()), why };
      throw new CannotCopyError(
        plan.encode
          ? `The sound cannot be encoded as ${codecName[plan.encode]} (${why.replaceAll('_', ' ')}).`
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
