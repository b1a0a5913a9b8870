// Cut out ranges and keep the rest (issue 14: cut out, remove still parts): every packet outside the removed ranges
// copied as it is, each moved earlier by the lengths removed before it. Each range starts and ends on key frames (planned by
// src/lib/clips/cut-out.ts), so every kept group of pictures is whole and decodes as before.
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacketSink,
  EncodedVideoPacketSource,
  Input,
  Output,
  StreamTarget,
} from 'mediabunny';
import type { EncodedPacket, InputAudioTrack, InputVideoTrack } from 'mediabunny';
import type { CopyContainer } from '../../lib/clips/naming';
import type { ClipRange } from '../../lib/clips/range';
import { CannotCopyError, copyFormats, type TrimResult, type TrimTarget } from './trim';

/** Copies one track's packets outside every `removed` range (in order) into `add`; `origin` is the file's first timestamp. */
async function copyTrack(
  track: InputVideoTrack | InputAudioTrack,
  removed: readonly ClipRange[],
  origin: number,
  add: (packet: EncodedPacket, first: boolean) => Promise<void>,
  onTime: (t: number) => void,
): Promise<void> {
  let first = true;
  // A video packet belongs to the group of pictures of the key frame before it in decode order: groups are kept or
  // dropped whole. A sound packet is its own group.
  let groupStart = 0;
  for await (const packet of new EncodedPacketSink(track).packets()) {
    const t = packet.timestamp - origin;
    if (packet.type === 'key' || track.type === 'audio') groupStart = t;
    if (removed.some((r) => groupStart >= r.start - 1e-3 && groupStart < r.end - 1e-3)) continue;
    // Moved earlier by every range removed before its group.
    let shift = 0;
    for (const r of removed) if (groupStart >= r.end - 1e-3) shift += r.end - r.start;
    await add(packet.clone({ timestamp: Math.max(0, t - shift) }), first);
    first = false;
    onTime(t);
  }
}

export async function cutOutCopy(
  file: File,
  removed: readonly ClipRange[],
  container: CopyContainer,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const memory = target.kind === 'memory' ? new BufferTarget() : null;
  try {
    const video = await input.getPrimaryVideoTrack();
    if (!video?.codec) throw new CannotCopyError('This file has no picture to cut.');
    const audio = await input.getPrimaryAudioTrack();
    const origin = Math.max(0, await input.getFirstTimestamp());
    const duration = await input.computeDuration();
    const sink =
      target.kind === 'stream' ? new StreamTarget(target.stream, { chunked: true, chunkSize: 4 * 2 ** 20 }) : memory!;
    const output = new Output({ format: copyFormats[container](), target: sink });
    const videoOut = new EncodedVideoPacketSource(video.codec);
    output.addVideoTrack(videoOut, { rotation: video.rotation });
    const format = output.format;
    const keepAudio = audio?.codec && format.getSupportedAudioCodecs().includes(audio.codec) ? audio : null;
    const audioOut = keepAudio ? new EncodedAudioPacketSource(keepAudio.codec!) : null;
    if (audioOut) output.addAudioTrack(audioOut);
    await output.start();
    const videoConfig = await video.getDecoderConfig();
    const audioConfig = keepAudio ? await keepAudio.getDecoderConfig() : null;
    let reported = -1;
    const onTime = (t: number) => {
      const percent = Math.floor((t / duration) * 100);
      if (percent > reported) onProgress(Math.min(1, (reported = percent) / 100));
    };
    // Both tracks at once: the muxer interleaves what it is given, and holds little of either in memory.
    await Promise.all([
      copyTrack(
        video,
        removed,
        origin,
        (p, first) => videoOut.add(p, first ? { decoderConfig: videoConfig! } : undefined),
        onTime,
      ),
      keepAudio && audioOut
        ? copyTrack(
            keepAudio,
            removed,
            origin,
            (p, first) => audioOut.add(p, first ? { decoderConfig: audioConfig! } : undefined),
            () => {},
          )
        : Promise.resolve(),
    ]);
    await output.finalize();
    const notes =
      audio && !keepAudio ? [`The sound cannot be copied into ${container.toUpperCase()} and was left out.`] : [];
    return { bytes: memory?.buffer ? new Uint8Array(memory.buffer) : null, notes };
  } finally {
    input.dispose();
  }
}
