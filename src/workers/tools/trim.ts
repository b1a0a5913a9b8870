// Trim by stream copy (issue 14): mediabunny's Conversion over the File, with every packet copied as it is — no
// decoding, no encoding — so a minute of 1080p takes about as long as reading it. A copy can only start on a key
// frame: the page plans the range from `keyframeAtOrBefore` (src/lib/clips/range.ts), this file does the cut.
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  Conversion,
  ConversionCanceledError,
  EncodedPacketSink,
  Input,
  MkvOutputFormat,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
  StreamTarget,
  WebMOutputFormat,
} from 'mediabunny';
import type { OutputFormat, StreamTargetChunk } from 'mediabunny';
import type { CopyContainer } from '../../lib/clips/naming';
import type { ClipRange } from '../../lib/clips/range';
import { AbortError } from '../../lib/errors';

export class CannotCopyError extends Error {
  override name = 'CannotCopyError';
}

/**
 * A write into a clip's file: mediabunny's chunks, or a whole Blob (the fast MP4 copy: a File slice the page's file
 * writer copies natively, never through this worker's memory).
 */
export type FileChunk = StreamTargetChunk | { type: 'write'; data: Blob; position: number };

/**
 * Where the cut goes: a stream the page made over a file of the library folder (it holds the file's writable, so it
 * can throw the writes away when the job is cancelled and this worker terminated), or memory for a download.
 */
export type TrimTarget = { kind: 'stream'; stream: WritableStream<FileChunk> } | { kind: 'memory' };

export interface TrimResult {
  /** The MP4/WebM/… bytes when the target was memory. */
  bytes: Uint8Array | null;
  /** Sound or other tracks that could not be copied into the output container, in words. */
  notes: string[];
}

/** Times in and out of the tools count from the file's first picture, as the player and the catalog do. */
async function originOf(input: Input): Promise<number> {
  return Math.max(0, await input.getFirstTimestamp());
}

/** The time of the key frame at or before `time` (seconds from the file's start); the first key frame if none. */
export async function keyframeAtOrBefore(file: File, time: number): Promise<number> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new CannotCopyError('This file has no picture to cut.');
    const origin = await originOf(input);
    // getKeyPacket asks the index (MP4 stss, Matroska Cues) and reads no media data.
    const packets = new EncodedPacketSink(track);
    const packet =
      (await packets.getKeyPacket(time + origin, { verifyKeyPackets: true })) ?? (await packets.getFirstPacket());
    return packet ? Math.max(0, packet.timestamp - origin) : 0;
  } finally {
    input.dispose();
  }
}

/** Every key frame time of the file's picture (seconds from its start), for planning a split; reads the index only. */
export async function keyframeTimes(file: File): Promise<number[]> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new CannotCopyError('This file has no picture to cut.');
    const origin = await originOf(input);
    const packets = new EncodedPacketSink(track);
    const times: number[] = [];
    for (
      let p = await packets.getFirstPacket({ metadataOnly: true });
      p;
      p = await packets.getNextKeyPacket(p, { metadataOnly: true })
    )
      if (p.type === 'key') times.push(Math.max(0, p.timestamp - origin));
    return times;
  } finally {
    input.dispose();
  }
}

export const copyFormats: Record<CopyContainer, () => OutputFormat> = {
  mp4: () => new Mp4OutputFormat({ fastStart: false }),
  mov: () => new MovOutputFormat({ fastStart: false }),
  webm: () => new WebMOutputFormat(),
  mkv: () => new MkvOutputFormat(),
};

/**
 * Copies `range` of `file` (its start a key frame) into `container` packet by packet: what the fast MP4 copy
 * (mp4-copy.ts) does not take. A stream target is closed when the copy is finished, which commits the file; what a
 * cancelled or failed cut wrote, the page deletes.
 */
export async function trimCopy(
  file: File,
  range: ClipRange,
  container: CopyContainer,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const memory = target.kind === 'memory' ? new BufferTarget() : null;
  try {
    const origin = await originOf(input);
    const sink =
      target.kind === 'stream' ? new StreamTarget(target.stream, { chunked: true, chunkSize: 4 * 2 ** 20 }) : memory!;
    const output = new Output({ format: copyFormats[container](), target: sink });
    const conversion = await Conversion.init({
      input,
      output,
      tracks: 'primary',
      trim: { start: range.start + origin, end: range.end + origin },
      copy: { mode: 'forced' },
      showWarnings: false,
    });
    const notes = conversion.discardedTracks
      .filter((d) => d.track.type === 'audio')
      .map(() => `The sound cannot be copied into ${container.toUpperCase()} without re-encoding and was left out.`);
    if (!conversion.isValid || !conversion.utilizedTracks.some((t) => t.type === 'video')) {
      const video = conversion.discardedTracks.find((d) => d.track.type === 'video');
      throw new CannotCopyError(
        video
          ? `The picture of this file cannot be copied into ${container.toUpperCase()} without re-encoding (${video.reason.replaceAll('_', ' ')}).`
          : 'This file has nothing that can be copied into a clip.',
      );
    }
    // mediabunny reports every packet; the page hears of each whole percent, not thousands of messages a second.
    let reported = -1;
    conversion.onProgress = (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent === reported) return;
      reported = percent;
      onProgress(fraction);
    };
    await conversion.execute();
    return { bytes: memory?.buffer ? new Uint8Array(memory.buffer) : null, notes };
  } catch (err) {
    if (err instanceof ConversionCanceledError) throw new AbortError();
    throw err;
  } finally {
    input.dispose();
  }
}
