// Smart cut (issue 14): the head of a clip, from the in point to the next key frame, decoded and re-encoded with the
// browser's WebCodecs encoder in the source's own codec and size; the rest copied packet by packet; the sound copied
// from the first picture on. Planned by src/lib/clips/smart-cut.ts. H.264 needs more than matching settings: see
// src/lib/clips/avc.ts for why every key frame carries its parameter sets in band.
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedPacketSink,
  EncodedVideoPacketSource,
  Input,
  Output,
  StreamTarget,
  VideoSampleSink,
} from 'mediabunny';
import type { InputAudioTrack, InputVideoTrack } from 'mediabunny';
import { annexBUnits, lengthPrefixed, readAvcConfig, withParameterSets, type AvcConfig } from '../../lib/clips/avc';
import type { CopyContainer } from '../../lib/clips/naming';
import type { ClipRange } from '../../lib/clips/range';
import { encodedPart, type CutPlan } from '../../lib/clips/smart-cut';
import { CannotCopyError, copyFormats, type TrimResult, type TrimTarget } from './trim';

const bytesOf = (d: AllowSharedBufferSource): Uint8Array =>
  d instanceof Uint8Array
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

/** What the head is encoded with and what the track says about itself, or why this browser cannot do it. */
interface Setup {
  encoder: VideoEncoderConfig;
  track: VideoDecoderConfig;
  avc: AvcConfig | null;
}

async function setUp(video: InputVideoTrack): Promise<Setup | string> {
  const codec = video.codec;
  const config = await video.getDecoderConfig();
  if (!codec || !config) return 'this browser cannot read this file’s picture.';
  const name = codec.toUpperCase().replace('AVC', 'H.264').replace('HEVC', 'H.265');
  if (!(await VideoDecoder.isConfigSupported(config)).supported) return `this browser has no ${name} decoder.`;
  let avc: AvcConfig | null = null;
  if (codec === 'avc') {
    avc = config.description ? readAvcConfig(bytesOf(config.description)) : null;
    if (!avc) return 'this H.264 file keeps its settings in a way the re-encoder does not follow.';
  }
  const width = video.codedWidth;
  const height = video.codedHeight;
  const stats = await video.computePacketStats(50);
  const fps = stats.averagePacketRate > 0 ? stats.averagePacketRate : 30;
  const encoder: VideoEncoderConfig = {
    codec: config.codec,
    width,
    height,
    framerate: fps,
    // Well above what the source spends on these frames: the head is short, and should not look worse than the rest.
    bitrate: Math.max(2e6, Math.round(width * height * fps * 0.2)),
    latencyMode: 'quality',
    ...(codec === 'avc' ? { avc: { format: 'annexb' as const } } : {}),
  };
  if (!(await VideoEncoder.isConfigSupported(encoder).catch(() => ({ supported: false }))).supported)
    return `this browser has no ${name} encoder for ${config.codec} at ${width}×${height}.`;
  // The track keeps the source's own configuration, so the copied tail decodes with it; `avc3` says that parameter
  // sets also come in band (ISO 14496-15 5.4.2), which the encoded head's do.
  const track = { ...config, codec: codec === 'avc' ? config.codec.replace(/^avc1/, 'avc3') : config.codec };
  return { encoder, track, avc };
}

/** Null when a smart cut of this file can be made here, else why not in words ("this browser has no … encoder."). */
export async function smartCutSupport(file: File): Promise<string | null> {
  if (typeof VideoEncoder === 'undefined') return 'this browser has no video encoder.';
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const video = await input.getPrimaryVideoTrack();
    if (!video) throw new CannotCopyError('This file has no picture to cut.');
    const setup = await setUp(video);
    return typeof setup === 'string' ? setup : null;
  } finally {
    input.dispose();
  }
}

/** The sound, copied packet by packet between the clip's first picture and its end, added as the picture catches up. */
class SoundFeed {
  #packets: AsyncGenerator<EncodedPacket> | null = null;
  #next: EncodedPacket | null = null;
  #first = true;
  constructor(
    private readonly track: InputAudioTrack,
    private readonly source: EncodedAudioPacketSource,
    private readonly zero: number,
    private readonly end: number,
  ) {}

  async #open(): Promise<void> {
    const sink = new EncodedPacketSink(this.track);
    let start = await sink.getPacket(this.zero);
    // The packet under the first picture begins before it; the next one begins within a packet (~21 ms) after it.
    if (start && start.timestamp < this.zero - 1e-4) start = await sink.getNextPacket(start);
    start ??= await sink.getFirstPacket();
    this.#packets = start ? sink.packets(start) : null;
    await this.#pull();
  }

  async #pull(): Promise<void> {
    const r = await this.#packets?.next();
    this.#next = r && !r.done && r.value.timestamp < this.end ? r.value : null;
  }

  /** Adds every sound packet that starts at or before `time` (seconds into the file). */
  async until(time: number): Promise<void> {
    if (!this.#packets) await this.#open();
    while (this.#next && this.#next.timestamp <= time) {
      const meta = this.#first ? { decoderConfig: (await this.track.getDecoderConfig()) ?? undefined } : undefined;
      await this.source.add(this.#next.clone({ timestamp: this.#next.timestamp - this.zero }), meta);
      this.#first = false;
      await this.#pull();
    }
  }
}

/**
 * Cuts `plan` (a smart cut or a whole-range re-encode) of `file` into `container`. The clip starts with the picture
 * shown at the in point; `range` in the result is where it starts and ends in the source (seconds from its start).
 */
export async function smartCut(
  file: File,
  plan: CutPlan,
  container: CopyContainer,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult & { range: ClipRange }> {
  const head = encodedPart(plan);
  if (!head) throw new Error('A cut that starts on a key frame is a copy, not a smart cut.');
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const memory = target.kind === 'memory' ? new BufferTarget() : null;
  let opened: VideoEncoder | null = null;
  try {
    const video = await input.getPrimaryVideoTrack();
    if (!video) throw new CannotCopyError('This file has no picture to cut.');
    const setup = await setUp(video);
    if (typeof setup === 'string') throw new CannotCopyError(`A smart cut cannot be made: ${setup}`);
    const origin = Math.max(0, await input.getFirstTimestamp());
    const end = plan.range.end + origin;

    const sink =
      target.kind === 'stream' ? new StreamTarget(target.stream, { chunked: true, chunkSize: 4 * 2 ** 20 }) : memory!;
    const output = new Output({ format: copyFormats[container](), target: sink });
    const pictures = new EncodedVideoPacketSource(video.codec!);
    output.addVideoTrack(pictures, { rotation: video.rotation });
    const notes: string[] = [];
    const audio = await input.getPrimaryAudioTrack();
    let sound: EncodedAudioPacketSource | null = null;
    if (audio?.codec && output.format.getSupportedAudioCodecs().includes(audio.codec)) {
      sound = new EncodedAudioPacketSource(audio.codec);
      output.addAudioTrack(sound);
    } else if (audio)
      notes.push(`The sound cannot be copied into ${container.toUpperCase()} without re-encoding and was left out.`);
    await output.start();

    let reported = -1;
    const progress = (t: number) => {
      const percent = Math.floor(
        Math.min(1, Math.max(0, (t - origin - plan.range.start) / (plan.range.end - plan.range.start))) * 100,
      );
      if (percent === reported) return;
      reported = percent;
      onProgress(percent / 100);
    };

    let feed: SoundFeed | null = null;
    let zero = 0;
    let firstPicture = true;
    const addPicture = async (packet: EncodedPacket, at: number) => {
      await feed?.until(at);
      await pictures.add(packet, firstPicture ? { decoderConfig: setup.track } : undefined);
      firstPicture = false;
      progress(at);
    };

    // The head: decoded from the key frame before the in point, encoded from the picture shown at the in point.
    const encoded: EncodedVideoChunk[] = [];
    let failure: unknown = null;
    const encoder = new VideoEncoder({
      output: (chunk) => encoded.push(chunk),
      error: (err) => (failure = err),
    });
    opened = encoder;
    encoder.configure(setup.encoder);
    const drain = async () => {
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
      for (const chunk of encoded.splice(0)) {
        const data = new Uint8Array(chunk.byteLength);
        chunk.copyTo(data);
        const bytes = setup.avc ? lengthPrefixed(annexBUnits(data), setup.avc.lengthSize) : data;
        const at = zero + chunk.timestamp / 1e6;
        await addPicture(new EncodedPacket(bytes, chunk.type, chunk.timestamp / 1e6, (chunk.duration ?? 0) / 1e6), at);
      }
    };
    let first = true;
    // Half a millisecond of slack either way (Matroska's own resolution): the in point plus the file's first timestamp
    // can come out a hair before the picture it names, which would start the clip one picture early.
    const slack = 5e-4;
    const samples = new VideoSampleSink(video).samples(head.start + origin + slack, head.end + origin - slack);
    for await (const sample of samples) {
      try {
        if (first) {
          zero = sample.timestamp;
          if (sound && audio) feed = new SoundFeed(audio, sound, zero, end);
        }
        const frame = sample.toVideoFrame();
        const shifted = new VideoFrame(frame, {
          timestamp: Math.round((sample.timestamp - zero) * 1e6),
          duration: Math.round(sample.duration * 1e6),
        });
        frame.close();
        encoder.encode(shifted, { keyFrame: first });
        shifted.close();
        first = false;
      } finally {
        sample.close();
      }
      // Frames waiting for the encoder hold decoded pictures (8 MB each at 4K): keep only a few.
      while (encoder.encodeQueueSize > 4)
        await new Promise((done) => encoder.addEventListener('dequeue', done, { once: true }));
      await drain();
    }
    if (first) throw new CannotCopyError('There is no picture between the in and out points.');
    await encoder.flush();
    await drain();
    encoder.close();

    // The tail: every packet from the key frame on, as it is; H.264 key frames get the source's parameter sets back.
    if (plan.kind === 'smart') {
      const packets = new EncodedPacketSink(video);
      const key = await packets.getKeyPacket(plan.keyframe + origin + 1e-3, { verifyKeyPackets: true });
      if (!key) throw new CannotCopyError('The key frame after the in point could not be read.');
      // Pictures shown after the out point are left out, unless a kept one that follows in decode order refers to
      // them (a B-frame's forward reference): those stay, a frame or two longer rather than a broken last picture.
      const later: EncodedPacket[] = [];
      for await (const packet of packets.packets(key)) {
        if (packet.timestamp >= end - 1e-4) {
          if (packet.type === 'key' || packet.timestamp > end + 1) break;
          later.push(packet);
          continue;
        }
        for (const p of [...later.splice(0), packet]) {
          const data = setup.avc && p.type === 'key' ? withParameterSets(p.data, setup.avc) : p.data;
          await addPicture(p.clone({ data, timestamp: p.timestamp - zero }), p.timestamp);
        }
      }
    }
    await feed?.until(end);
    await output.finalize();
    const range = { start: zero - origin, end: plan.range.end };
    return { bytes: memory?.buffer ? new Uint8Array(memory.buffer) : null, notes, range };
  } finally {
    // A failed cut gives the encoder back at once: the worker may run the next job.
    if (opened && opened.state !== 'closed') opened.close();
    input.dispose();
  }
}
