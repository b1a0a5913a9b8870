// The fast stream copy of an MP4/MOV into the same container (issue 14): a new moov for the range and one stretch of
// the source as its mdat (src/lib/clips/mp4-trim.ts), written as ONE Blob. The browser copies a File slice into the
// clip's file natively; reading packets one by one and writing mediabunny's chunks took 16 times native ffmpeg.
import { Mp4RefusedError, readHead } from '../../lib/clips/mp4-boxes';
import { keyframeAtOrBefore, planMp4Trim } from '../../lib/clips/mp4-trim';
import type { CopyContainer } from '../../lib/clips/naming';
import type { ClipRange } from '../../lib/clips/range';
import type { TrimResult, TrimTarget } from './trim';

const readerOf = (file: File) => async (at: number, length: number) =>
  new Uint8Array(await file.slice(at, at + length).arrayBuffer());

/** `plan` of the file's head, or null when the fast copy does not take this file (the caller uses mediabunny). */
async function fromHead<T>(file: File, plan: (ftyp: Uint8Array | null, moov: Uint8Array) => T): Promise<T | null> {
  try {
    const { ftyp, moov } = await readHead(file.size, readerOf(file));
    return plan(ftyp, moov);
  } catch (err) {
    // Mp4RefusedError is the reader saying no; anything else is a file malformed in a way it did not foresee (a
    // DataView read past a box): either way mediabunny, which reads many more files, gets its turn.
    if (!(err instanceof Mp4RefusedError)) console.warn('The fast MP4 copy could not read this file', err);
    return null;
  }
}

/**
 * The key frame at or before `time` (seconds from the file's first picture) read from an MP4/MOV's moov, or null for
 * a file the fast copy does not take. A few kilobytes read: mediabunny's demuxer took about 0.3 s to load and answer.
 */
export const fastKeyframeAtOrBefore = (file: File, time: number): Promise<number | null> =>
  fromHead(file, (_ftyp, moov) => keyframeAtOrBefore(moov, time));

/**
 * Copies `range` of an MP4/MOV `file` into the same container, or returns null without writing anything when the
 * file is not one the fast copy takes (fragmented, not ISO-BMFF, an edit list it does not follow…).
 */
export async function fastTrimCopy(
  file: File,
  range: ClipRange,
  container: CopyContainer,
  target: TrimTarget,
  onProgress: (fraction: number) => void,
): Promise<TrimResult | null> {
  if (container !== 'mp4' && container !== 'mov') return null;
  const plan = await fromHead(file, (ftyp, moov) => planMp4Trim(ftyp, moov, range, file.size));
  if (!plan) return null;
  const type = container === 'mp4' ? 'video/mp4' : 'video/quicktime';
  const clip = new Blob([plan.head as Uint8Array<ArrayBuffer>, file.slice(plan.from, plan.to)], { type });
  if (target.kind === 'memory') {
    onProgress(1);
    return { bytes: new Uint8Array(await clip.arrayBuffer()), notes: [] };
  }
  // One write of the whole Blob: it crosses to the page as a handle, and the page's file writer copies it natively.
  const writer = target.stream.getWriter();
  await writer.write({ type: 'write', data: clip, position: 0 });
  await writer.close();
  onProgress(1);
  return { bytes: null, notes: [] };
}
