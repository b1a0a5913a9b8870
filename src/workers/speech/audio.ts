// A video's sound track as 16 kHz mono, in blocks, for speech recognition. Tier 1: mediabunny demuxes the File
// lazily and WebCodecs' AudioDecoders decode it a stretch per lane (AAC, Opus, MP3, Vorbis, FLAC; PCM through
// mediabunny's own decoder), our resampler brings it to 16 kHz.
// Tier 2, for containers mediabunny does not read (AVI, …) and codecs the browser does not decode: ffmpeg.wasm
// with the File mounted read-only (WORKERFS), ten minutes of output at a time so its memory stays small.
import { FFFSType } from '@ffmpeg/ffmpeg';
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input, type InputAudioTrack } from 'mediabunny';
import { Resampler, SPEECH_RATE, mixInterleavedToMono } from '../../lib/speech/resample';
import { UnsupportedMediaError } from '../../lib/media/types';
import { lastErrorLine } from '../../lib/media/ffprobe-parse';
import { checkin, checkout } from '../media/ffmpeg-engine';
import { decodeInLanes, laneConfig, type MonoBlock } from './decode-lanes';

/** The file has no sound track: there is nothing to transcribe (not a failure). */
export class NoAudioError extends Error {
  override name = 'NoAudioError';
  constructor() {
    super('No audio');
  }
}

/** Seconds of 16 kHz output per ffmpeg.wasm run. */
const FFMPEG_SLICE_S = 600;

/** Where a block of audio came from, for the benchmark and the tests. */
export type AudioTier = 'webcodecs' | 'ffmpeg';

/** Where decoding's time goes (the benchmark): milliseconds copying and mixing to mono, and resampling. */
export interface AudioTimes {
  mixMs: number;
  resampleMs: number;
}

export interface DecodeOptions {
  /** Hears which tier decodes the sound. */
  tierSeen?: (tier: AudioTier) => void;
  /** Adds up where the time went (the benchmark). */
  times?: AudioTimes;
  /** One decoder, packet after packet, with no lanes (the tests compare the two). */
  oneDecoder?: boolean;
}

/**
 * Yields the file's primary sound track as 16 kHz mono blocks, in order, from its start. Throws NoAudioError when
 * there is no sound track, UnsupportedMediaError when neither tier decodes it.
 */
export async function* speechAudio(file: File, options: DecodeOptions = {}): AsyncGenerator<Float32Array> {
  const { tierSeen } = options;
  const track = await nativeTrack(file);
  if (track === 'none') throw new NoAudioError();
  if (track) {
    tierSeen?.('webcodecs');
    let produced = false;
    try {
      for await (const block of decodeNative(track.track, track.origin, options)) {
        produced = true;
        yield block;
      }
      return;
    } catch (err) {
      // Halfway is too late to switch: the caller would get the start twice.
      if (produced) throw err;
      console.warn(`The browser could not decode the sound of ${file.name}, trying ffmpeg.wasm:`, err);
    }
  }
  tierSeen?.('ffmpeg');
  yield* decodeWithFfmpeg(file);
}

/**
 * The sound track mediabunny can hand to the browser's decoder and the file's first timestamp (video times count
 * from it), 'none' when the file has no sound track, null when tier 2 must look.
 */
async function nativeTrack(file: File): Promise<{ track: InputAudioTrack; origin: number } | 'none' | null> {
  try {
    const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
    const track = await input.getPrimaryAudioTrack();
    if (!track) return (await input.getPrimaryVideoTrack()) ? 'none' : null;
    return (await track.canDecode()) ? { track, origin: await input.getFirstTimestamp() } : null;
  } catch {
    return null; // a container mediabunny does not read: ffmpeg.wasm will say what it is
  }
}

async function* decodeNative(
  track: InputAudioTrack,
  origin: number,
  { times, oneDecoder }: DecodeOptions,
): AsyncGenerator<Float32Array> {
  const config = oneDecoder ? null : await laneConfig(track);
  const blocks = config ? decodeInLanes(track, config, undefined, times) : monoSamples(track, times);
  let resampler: Resampler | null = null;
  for await (const block of blocks) {
    if (!resampler) {
      resampler = new Resampler(block.sampleRate, SPEECH_RATE);
      // A track that starts late (an edit list, a stream that began before the recording): keep times true.
      const lead = Math.max(0, Math.min(60, block.timestamp - origin));
      if (lead > 0.001) yield resampler.push(new Float32Array(Math.round(lead * block.sampleRate)));
    }
    const t0 = times ? performance.now() : 0;
    const out = resampler.push(block.samples);
    if (times) times.resampleMs += performance.now() - t0;
    yield out;
  }
  if (resampler) yield resampler.flush();
}

/** One decoded piece at a time through mediabunny (PCM and whatever the browser's AudioDecoder does not take). */
async function* monoSamples(track: InputAudioTrack, times?: AudioTimes): AsyncGenerator<MonoBlock> {
  let all = new Float32Array(0);
  for await (const sample of new AudioSampleSink(track).samples()) {
    try {
      const t0 = times ? performance.now() : 0;
      const n = sample.numberOfFrames;
      const channels = sample.numberOfChannels;
      if (all.length < n * channels) all = new Float32Array(n * channels);
      sample.copyTo(all, { planeIndex: 0, format: 'f32' });
      const mono = mixInterleavedToMono(all, n, channels);
      if (times) times.mixMs += performance.now() - t0;
      yield { samples: mono, timestamp: sample.timestamp, sampleRate: sample.sampleRate };
    } finally {
      sample.close();
    }
  }
}

let runs = 0;

async function* decodeWithFfmpeg(file: File): AsyncGenerator<Float32Array> {
  const engine = await checkout();
  const dir = `/speech-${++runs}`;
  const ext = file.name.match(/\.[a-z0-9]{1,8}$/i)?.[0].toLowerCase() ?? '';
  const input = `${dir}/input${ext}`;
  const output = `${dir}-out.f32`;
  let mounted = false;
  try {
    await engine.exclusive(async () => {
      await engine.ffmpeg.createDir(dir);
      await engine.ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: `input${ext}`, data: file }] }, dir);
      mounted = true;
    });
    for (let from = 0; ; from += FFMPEG_SLICE_S) {
      const bytes = await engine.exclusive(async () => {
        const args = ['-ss', String(from), '-t', String(FFMPEG_SLICE_S), '-i', input, '-map', '0:a:0', '-vn'];
        args.push('-ac', '1', '-ar', String(SPEECH_RATE), '-f', 'f32le', '-y', output);
        const log = await engine.run('exec', args, FFMPEG_SLICE_S * 1000, `decode the sound of “${file.name}”`);
        const data = await engine.ffmpeg.readFile(output).catch(() => null);
        await engine.ffmpeg.deleteFile(output).catch(() => undefined);
        if (data instanceof Uint8Array && data.byteLength >= 4) return data;
        const text = log.join('\n');
        if (from > 0) return null; // past the end
        if (/matches no streams|does not contain any stream|Stream map '0:a:0'/i.test(text)) throw new NoAudioError();
        const codec = text.match(/Audio: ([\w-]+)/)?.[1];
        throw new UnsupportedMediaError(
          `The sound track${codec ? ` (${codec})` : ''} cannot be decoded here, so it cannot be transcribed: ${lastErrorLine(log) || 'no audio came out'}.`,
        );
      });
      if (!bytes) return;
      yield new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2).slice();
      if (bytes.byteLength / 4 < FFMPEG_SLICE_S * SPEECH_RATE - SPEECH_RATE) return;
    }
  } finally {
    if (mounted) await engine.ffmpeg.unmount(dir).catch(() => undefined);
    await engine.ffmpeg.deleteDir(dir).catch(() => undefined);
    checkin(engine);
  }
}
