// Decode tier 1: mediabunny demuxes the File lazily (BlobSource reads only the byte ranges it needs, so multi-GB
// files are fine) and its sinks drive the browser's WebCodecs VideoDecoder. Runs inside a dedicated module worker
// (OffscreenCanvas, no DOM). Whatever this tier cannot read it reports as UnsupportedMediaError so the caller can
// hand the file to the ffmpeg tier; only files no tier could play are BadMediaError.
import {
  ALL_FORMATS,
  BlobSource,
  EncodedPacketSink,
  Input,
  IsobmffInputFormat,
  MatroskaInputFormat,
  UnsupportedInputFormatError,
  VideoSampleSink,
} from 'mediabunny';
import type { InputFormat, InputVideoTrack, VideoSample } from 'mediabunny';
import { lumaWeights, yuvLayout, yuvToRgba, type Plan } from '../../lib/media/yuv-to-rgba';
import { codecName, containerName } from '../../lib/media/codec-names';
import { spreadEvenly } from '../../lib/media/sampling';
import { BadMediaError, UnsupportedMediaError } from '../../lib/media/types';
import type { FrameSource, ProbeResult, RgbaFrame } from '../../lib/media/types';

/** Header and index reads of a local File take milliseconds; this long means a pathological file, not a slow disk. */
const OPEN_TIMEOUT_MS = 30_000;
/** probe() and keyframeTimes() may walk every packet of a Matroska file without Cues: allow for multi-GB files. */
const SCAN_TIMEOUT_MS = 120_000;
/** One frame can need a whole GOP decoded (4K, 10 s GOP); a decoder that says nothing for this long is stuck. */
const FRAME_TIMEOUT_MS = 30_000;
/** fps from the first packets: enough to average out VFR jitter, without walking a whole Matroska file. */
const FPS_PACKETS = 1_000;

/** mediabunny format names of containers that cannot hold video at all. */
const audioOnlyFormats = new Set(['MP3', 'WAVE', 'FLAC', 'ADTS']);

export async function openWebCodecsSource(file: File): Promise<FrameSource> {
  if (file.size === 0) throw new BadMediaError('The file is empty (0 bytes).');
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const opening = (async () => {
      const video = await openVideoTrack(input);
      // MPEG-TS (and cut or live-recorded files) can start at any timestamp: 1.4 s from ffmpeg's TS muxer, hours
      // into a broadcast capture. Times in and out of this source count from the file's start, as ffmpeg's -ss.
      return [video, Math.max(0, await input.getFirstTimestamp())] as const;
    })();
    const [video, origin] = await withTimeout(opening, OPEN_TIMEOUT_MS, 'Reading the file header timed out');
    return new WebCodecsSource(file, input, video, origin);
  } catch (error) {
    input.dispose();
    if (error instanceof BadMediaError || error instanceof UnsupportedMediaError) throw error;
    // A container mediabunny recognised but failed to parse (damaged, truncated, an unusual variant): ffmpeg is
    // more tolerant of damage, so let it try rather than failing the file here.
    throw new UnsupportedMediaError(`Could not read the container: ${messageOf(error)}`, { cause: error });
  }
}

async function openVideoTrack(input: Input): Promise<InputVideoTrack> {
  let format: InputFormat;
  try {
    format = await input.getFormat();
  } catch (error) {
    if (error instanceof UnsupportedInputFormatError) {
      // AVI, FLV, WMV, MPEG-PS, raw streams …: not a container mediabunny reads; ffmpeg may.
      throw new UnsupportedMediaError('The container is not one the native decoder reads (mp4, mov, webm, mkv, ts).');
    }
    throw error;
  }
  const video = await input.getPrimaryVideoTrack();
  if (!video) {
    // MP4/MOV and Matroska list every track, known codec or not; Ogg and MPEG-TS silently drop tracks mediabunny
    // cannot parse (Theora, MPEG-2 video), so "no video" there only means "not for this tier".
    const listsAllTracks = format instanceof IsobmffInputFormat || format instanceof MatroskaInputFormat;
    if (!listsAllTracks && !audioOnlyFormats.has(format.name)) {
      throw new UnsupportedMediaError(`The native decoder sees no video track in this ${format.name} file.`);
    }
    if ((await input.getPrimaryAudioTrack()) !== null)
      throw new BadMediaError('The file has no video track (audio only).');
    // An MP4 cut short before its index (moov, written last by default) parses as a file with no tracks at all.
    if (format instanceof IsobmffInputFormat && (await input.getTracks()).length === 0) {
      throw new BadMediaError('The file has no index of its tracks (moov): it is probably truncated or damaged.');
    }
    throw new BadMediaError('The file has no video track.');
  }
  if (!(await video.canDecode())) {
    const id = await video.getInternalCodecId();
    const name =
      codecName(await video.getCodec(), id) ?? `the video codec (${typeof id === 'string' ? id : 'unknown'})`;
    throw new UnsupportedMediaError(`This browser cannot decode ${name} natively.`);
  }
  return video;
}

class WebCodecsSource implements FrameSource {
  readonly tier = 'webcodecs' as const;
  readonly #file: File;
  readonly #input: Input;
  readonly #video: InputVideoTrack;
  /** Packet index lookups only (metadataOnly): key packet times, and whether a decoded frame is a key frame. */
  readonly #packets: EncodedPacketSink;
  readonly #samples: VideoSampleSink;
  /** Timestamp (s) in the file that this source calls 0. */
  readonly #origin: number;
  #probe: Promise<ProbeResult> | null = null;
  #canvas: OffscreenCanvas | null = null;
  #context: OffscreenCanvasRenderingContext2D | null = null;

  constructor(file: File, input: Input, video: InputVideoTrack, origin: number) {
    this.#file = file;
    this.#origin = origin;
    this.#input = input;
    this.#video = video;
    this.#packets = new EncodedPacketSink(video);
    this.#samples = new VideoSampleSink(video);
  }

  probe(): Promise<ProbeResult> {
    this.#probe ??= withTimeout(this.#readProbe(), SCAN_TIMEOUT_MS, 'Reading the file metadata timed out');
    return this.#probe;
  }

  async #readProbe(): Promise<ProbeResult> {
    const input = this.#input;
    const video = this.#video;
    const audio = await input.getPrimaryAudioTrack();
    const [format, duration, stats, tags] = await Promise.all([
      input.getFormat(),
      input.computeDuration().then((end) => end - this.#origin),
      video.computePacketStats(FPS_PACKETS),
      input.getMetadataTags(),
    ]);
    // mediabunny reads dates from metadata tags (©day, com.apple.quicktime.creationdate, Matroska DATE); ffprobe's
    // creation_time for MP4/MOV is the movie header's, which is what most cameras and encoders fill in.
    const tagged = tags.date?.getTime();
    const date = Number.isFinite(tagged)
      ? tagged
      : format instanceof IsobmffInputFormat
        ? await movieCreationTime(this.#file)
        : null;
    return {
      duration,
      width: await video.getDisplayWidth(),
      height: await video.getDisplayHeight(),
      fps: stats.averagePacketRate > 0 ? round(stats.averagePacketRate, 3) : null,
      videoCodec: codecName(await video.getCodec(), await video.getInternalCodecId()),
      audioCodec: audio ? codecName(await audio.getCodec(), await audio.getInternalCodecId()) : null,
      container: containerName(format.name),
      bitrate: duration > 0 ? Math.round((this.#file.size * 8) / duration) : null,
      rotation: await video.getRotation(),
      hasAudio: audio !== null,
      createdAt: date ?? null,
    };
  }

  keyframeTimes(maxCount: number, until: number): Promise<number[]> {
    return withTimeout(this.#readKeyframeTimes(maxCount, until), SCAN_TIMEOUT_MS, 'Listing key frames timed out');
  }

  async #readKeyframeTimes(maxCount: number, until: number): Promise<number[]> {
    // metadataOnly: the container's sync-sample flags are trusted and no packet data is read, which keeps this an
    // index walk (MP4 stss, Matroska cues/block headers) rather than a read of the whole file.
    const options = { metadataOnly: true };
    const times: number[] = [];
    let packet = await this.#packets.getFirstKeyPacket(options);
    // The whole index is walked, then thinned evenly, so a long video's key frames cover all of it (like tier 2).
    while (packet && packet.timestamp - this.#origin <= until) {
      // Frames that end before zero are never presented (edit-list priming).
      if (packet.timestamp + packet.duration > 0) times.push(packet.timestamp - this.#origin);
      packet = await this.#packets.getNextKeyPacket(packet, options);
    }
    // Decode order; with B-frame pyramids a key packet's presentation time can still precede an earlier one.
    return spreadEvenly(
      times.sort((a, b) => a - b),
      maxCount,
    );
  }

  async *framesAt(times: readonly number[], maxSide: number): AsyncGenerator<RgbaFrame> {
    if (times.length === 0) return;
    const plan = await this.#plan(maxSide);
    // mediabunny gives null for a time before the first key frame; the frame shown there is the first one.
    const firstKey = await this.#packets.getFirstKeyPacket({ metadataOnly: true });
    if (!firstKey) throw new BadMediaError('The video track has no key frame.');
    // samplesAtTimestamps decodes each packet at most once and, for times that fall on key frames, only those.
    const fileTimes = times.map((t) => Math.max(t + this.#origin, firstKey.timestamp));
    const samples = this.#samples.samplesAtTimestamps(fileTimes);
    // One buffer for every frame's raw planes (3 MB for 1080p I420), per call so concurrent calls never share it.
    const scratch = { buffer: new ArrayBuffer(0) };
    try {
      for (const asked of times) {
        const sample = await nextSample(samples, asked);
        const timestamp = sample.timestamp;
        // The packet's duration: in a VFR file, how long this frame stays on screen (seconds, in a still stretch).
        const shownUntil = sample.duration > 0 ? timestamp + sample.duration - this.#origin : undefined;
        let data: Uint8ClampedArray;
        try {
          data = (await this.#fromYuv(sample, plan, scratch)) ?? this.#fromCanvas(sample, plan);
        } finally {
          sample.close(); // decoders lend out a small pool of frames: keep one and decoding stalls
        }
        const keyframe = await this.#isKey(timestamp);
        yield { time: timestamp - this.#origin, width: plan.width, height: plan.height, data, keyframe, shownUntil };
      }
    } finally {
      await samples.return();
    }
  }

  async #plan(maxSide: number): Promise<Plan> {
    const [width, height] = [await this.#video.getDisplayWidth(), await this.#video.getDisplayHeight()];
    // The long side is maxSide, small videos upscaled, as ffmpeg's scale=…:force_original_aspect_ratio=decrease
    // does: both tiers give the same sizes.
    const scale = Math.max(1, Math.round(maxSide)) / Math.max(width, height);
    const color = await this.#video.getColorSpace();
    return {
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
      rotation: await this.#video.getRotation(),
      flip: await this.#video.getFlip(),
      // The track's colour space is what the container and bitstream say (mediabunny reads colr, VUI, VP9
      // headers). VideoFrame.colorSpace is useless here: Chromium fills in bt709 for untagged streams, while
      // ffmpeg assumes BT.601 for them, and the two tiers should agree.
      matrix: lumaWeights[String(color.matrix)] ?? lumaWeights.smpte170m!,
      fullRange: color.fullRange ?? undefined,
      toneMapped: String(color.transfer) === 'pq' || String(color.transfer) === 'hlg',
    };
  }

  /**
   * Fast path: copy the decoded planes out as they are (~1.5 ms for 1080p) and box-average them down in JS (a few
   * ms). Chromium's own conversions (drawImage, createImageBitmap, copyTo RGBA) turn the whole frame into RGB first
   * and cost 18-36 ms per 1080p frame in software. Null for layouts it does not know and for HDR, which needs the
   * browser's tone mapping.
   */
  async #fromYuv(sample: VideoSample, plan: Plan, scratch: { buffer: ArrayBuffer }): Promise<Uint8ClampedArray | null> {
    const layout = yuvLayout(sample.format);
    if (!layout || plan.toneMapped) return null;
    const size = sample.allocationSize();
    if (scratch.buffer.byteLength < size) scratch.buffer = new ArrayBuffer(size);
    const planes = await sample.copyTo(new Uint8Array(scratch.buffer, 0, size));
    const { width, height } = sample.visibleRect;
    return yuvToRgba(scratch.buffer, planes, layout, width, height, plan, sample.colorSpace.fullRange === true);
  }

  #fromCanvas(sample: VideoSample, plan: Plan): Uint8ClampedArray {
    if (this.#canvas?.width !== plan.width || this.#canvas.height !== plan.height) {
      this.#canvas = new OffscreenCanvas(plan.width, plan.height);
      this.#context = this.#canvas.getContext('2d', { alpha: false, willReadFrequently: true });
    }
    if (!this.#context) throw new Error('No 2D canvas context in this worker.');
    this.#context.imageSmoothingQuality = 'high';
    sample.drawWithFit(this.#context, { fit: 'fill' }); // applies the track's rotation and flip
    return this.#context.getImageData(0, 0, plan.width, plan.height).data;
  }

  async #isKey(timestamp: number): Promise<boolean> {
    const key = await this.#packets.getKeyPacket(timestamp, { metadataOnly: true });
    return key !== null && Math.abs(key.timestamp - timestamp) < 1e-6;
  }

  async close(): Promise<void> {
    // Disposing the input cancels pending reads and closes every decoder its sinks opened.
    this.#input.dispose();
  }
}

/** The next decoded frame, or an Error that says which time failed and why; never a hang. */
async function nextSample(samples: AsyncGenerator<VideoSample | null>, asked: number): Promise<VideoSample> {
  let step: IteratorResult<VideoSample | null>;
  try {
    step = await withTimeout(samples.next(), FRAME_TIMEOUT_MS, 'the decoder stopped answering');
  } catch (error) {
    // VideoDecoder errors arrive as EncodingError "Decoding error." / "Error during flush.": name the frame.
    throw new Error(`Could not decode the frame at ${asked} s: ${messageOf(error)} The file may be damaged.`, {
      cause: error,
    });
  }
  if (step.done || !step.value) {
    // Packets whose bytes lie past the end of the file decode to nothing.
    throw new Error(`No frame could be decoded at ${asked} s: the file is probably truncated or damaged.`);
  }
  return step.value;
}

/** Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01. */
const QUICKTIME_EPOCH_OFFSET = 2_082_844_800;

/** creation_time of the ISOBMFF movie header (moov/mvhd) in ms since 1970, or null when zero or absent. */
async function movieCreationTime(file: File): Promise<number | null> {
  const read = async (at: number, length: number) => new DataView(await file.slice(at, at + length).arrayBuffer());
  // Walks box headers only: top level until moov, then moov's children until mvhd (nearly always the first).
  let [at, end, inMoov] = [0, file.size, false];
  for (let boxes = 0; boxes < 64 && at + 8 <= end; boxes++) {
    const head = await read(at, 16);
    const type = String.fromCharCode(head.getUint8(4), head.getUint8(5), head.getUint8(6), head.getUint8(7));
    let [size, header] = [head.getUint32(0), 8];
    if (size === 1 && head.byteLength >= 16) [size, header] = [Number(head.getBigUint64(8)), 16];
    else if (size === 0) size = end - at; // box runs to the end of the file
    if (size < header) return null;
    if (!inMoov && type === 'moov') [at, end, inMoov] = [at + header, at + size, true];
    else if (inMoov && type === 'mvhd') {
      const box = await read(at + header, 12);
      const seconds = box.getUint8(0) === 1 ? Number(box.getBigUint64(4)) : box.getUint32(4);
      if (seconds === 0) return null; // unset: most muxers write 0 when they know no date
      // Like ffmpeg: some muxers write Unix seconds here; only values past 1970 carry the 1904 offset.
      return (seconds >= QUICKTIME_EPOCH_OFFSET ? seconds - QUICKTIME_EPOCH_OFFSET : seconds) * 1000;
    } else at += size;
  }
  return null;
}

/** Rejects with `message` if `promise` has not settled within `ms`; the work itself is abandoned, not stopped. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s).`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
