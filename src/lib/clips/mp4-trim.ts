// The fast stream copy of an MP4/MOV (issue 14): a new moov describing only the samples of the range, and ONE
// stretch of the source file as the new mdat's payload. The source's interleaving is kept: from the first chosen
// sample's bytes to the last one's end, across picture and sound, is copied as it is; samples in between that the
// clip does not use stay there unreferenced (valid ISO-BMFF, and a few hundred kilobytes at most in an interleaved
// file). So the clip is written as one Blob, never read packet by packet. The worker falls back to mediabunny's
// Conversion whenever this refuses a file (Mp4RefusedError).
import {
  Mp4RefusedError,
  Writer,
  box,
  childrenOf,
  fullBox,
  mdatHeader,
  wholeOf,
  withDuration,
  type Box,
} from './mp4-boxes';
import { writeSampleTables } from './mp4-samples';
import { originOf, primaryOf, readMovie, shownAt, type Mp4Track } from './mp4-tracks';
import type { ClipRange } from './range';

/** The clip: `head` (ftyp, moov, the mdat's header), then the source's bytes `from` to `to` (exclusive). */
export interface Mp4Trim {
  head: Uint8Array;
  from: number;
  to: number;
  /** Where the clip starts in the source (its first picture, seconds on the source's own timeline). */
  start: number;
  /** Seconds the clip plays. */
  duration: number;
}

/** What one track keeps: decode-order samples `first..last`, and where the edit list starts showing them. */
interface Kept {
  track: Mp4Track;
  first: number;
  last: number;
  /** Movie ticks of nothing before this track starts (sound that begins after the picture). */
  empty: number;
  /** Movie ticks this track shows. */
  shown: number;
  /** The first shown tick, in the track's own time counted from the first kept sample's decode time. */
  mediaTime: number;
}

/**
 * Half a millisecond: the in point the page planned is a key frame's time as mediabunny computed it, which can come
 * out a hair away from the same sum here; and a split's next part starts on the key frame at this part's end.
 */
const slack = 5e-4;

/**
 * A clip of a copy wastes at most this much on samples it does not use (the other tracks' bytes between the kept
 * ones): past it, the file is not interleaved closely (sound after all the picture) and mediabunny copies it.
 */
const wasteAllowed = (kept: number) => kept + 16 * 2 ** 20;

/** Decode-order samples of the picture from the key frame at or before `start` to the last one shown before `end`. */
function pictureRun(t: Mp4Track, start: number, end: number): { first: number; last: number } {
  const s = t.samples;
  let first = -1;
  let firstKey = -1;
  for (let i = 0; i < s.count; i++) {
    if (s.sync && !s.sync[i]) continue;
    if (firstKey < 0) firstKey = i;
    const at = shownAt(t, i);
    if (at <= start + slack && (first < 0 || at > shownAt(t, first))) first = i;
  }
  first = first < 0 ? firstKey : first;
  let last = -1;
  for (let i = s.count - 1; i >= first && last < 0; i--) if (shownAt(t, i) < end - slack) last = i;
  if (first < 0 || last < first) throw new Mp4RefusedError('There is no picture between the in and out points.');
  return { first, last };
}

/**
 * The time of the picture's key frame at or before `time` (seconds from the file's first picture), as mediabunny
 * would say it from the same moov: the page plans a copy with it, and this file's reader answers without the worker
 * loading mediabunny's demuxer for it.
 */
export function keyframeAtOrBefore(moov: Uint8Array, time: number): number {
  const movie = readMovie(moov);
  const origin = originOf(movie.tracks);
  const video = primaryOf(movie.tracks, 'video');
  if (!video) throw new Mp4RefusedError('The file has no picture.');
  const { first } = pictureRun(video, time + origin, Infinity);
  return Math.max(0, shownAt(video, first) - origin);
}

/**
 * Sound samples that overlap `start..end`, and one more before: AAC frames overlap, so the decoder needs the one
 * before to make the first heard one whole (the edit list hides it).
 */
function soundRun(t: Mp4Track, start: number, end: number): { first: number; last: number } | null {
  const s = t.samples;
  let first = -1;
  let last = -1;
  for (let i = 0; i < s.count; i++) {
    const at = shownAt(t, i);
    if (at >= end) break;
    if (at + s.durations[i] / t.timescale <= start) continue;
    if (first < 0) first = Math.max(0, i - 1);
    last = i;
  }
  return first < 0 ? null : { first, last };
}

/** The edit list and durations of `track` kept from `first` to `last`, shown from `start` to `end` (seconds). */
function keep(
  track: Mp4Track,
  first: number,
  last: number,
  start: number,
  end: number,
  movieScale: number,
): Kept | null {
  const s = track.samples;
  let trackEnd = 0;
  for (let i = first; i <= last; i++)
    trackEnd = Math.max(trackEnd, shownAt(track, i) + s.durations[i] / track.timescale);
  let mediaTime = Math.round(start * track.timescale + track.editOffset) - s.decodeTimes[first];
  let empty = 0;
  if (mediaTime < 0) {
    empty = Math.round((-mediaTime / track.timescale) * movieScale);
    mediaTime = 0;
  }
  const shown = Math.round((Math.min(end, trackEnd) - start) * movieScale) - empty;
  return shown > 0 ? { track, first, last, empty, shown, mediaTime } : null;
}

function editList(k: Kept): Uint8Array {
  const entries: [number, number][] = k.empty > 0 ? [[k.empty, -1]] : [];
  entries.push([k.shown, k.mediaTime]);
  const wide = entries.some(([d, t]) => d > 0xffffffff || t > 0x7fffffff);
  const w = new Writer().u32(entries.length);
  for (const [duration, time] of entries) {
    if (wide) w.u64(duration).i64(time);
    else w.u32(duration).i32(time);
    w.u32(0x10000); // rate 1.0
  }
  return box('edts', fullBox('elst', wide ? 1 : 0, 0, w.done()));
}

/** A copy of `parent` with each child replaced by what `swap` gives (null drops it, undefined keeps it). */
function rebuild(bytes: Uint8Array, parent: Box, swap: (b: Box) => Uint8Array | Uint8Array[] | null | undefined) {
  const parts: Uint8Array[] = [];
  for (const child of childrenOf(bytes, parent)) {
    const out = swap(child);
    if (out === undefined) parts.push(wholeOf(bytes, child));
    else if (out) parts.push(...(Array.isArray(out) ? out : [out]));
  }
  return box(parent.type, ...parts);
}

/**
 * A trak for `k`: its header's duration changed, a new edit list, the sample tables of the kept samples (the stsd
 * as the source has it: codec settings, colour, pixel aspect); the rest (rotation matrix, language, name) as it is.
 * Track references are dropped: the tracks they name may not be in the clip. So is every other sample table (sample
 * groups, sdtp, subs): they number samples of the whole track, and players do without them.
 */
function trackOf(bytes: Uint8Array, k: Kept, shift: number, wide: boolean): Uint8Array {
  const s = k.track.samples;
  let mediaDuration = 0;
  for (let i = k.first; i <= k.last; i++) mediaDuration += s.durations[i];
  return rebuild(bytes, k.track.trak, (b) => {
    if (b.type === 'tkhd') return [withDuration(bytes, b, k.empty + k.shown), editList(k)];
    if (b.type === 'edts' || b.type === 'tref') return null;
    if (b.type !== 'mdia') return undefined;
    return rebuild(bytes, b, (m) => {
      if (m.type === 'mdhd') return withDuration(bytes, m, mediaDuration);
      if (m.type !== 'minf') return undefined;
      return rebuild(bytes, m, (i) => {
        if (i.type !== 'stbl') return undefined;
        const stsd = childrenOf(bytes, i).find((t) => t.type === 'stsd')!;
        return box('stbl', wholeOf(bytes, stsd), ...writeSampleTables(s, k.first, k.last, shift, wide));
      });
    });
  });
}

/**
 * Plans the copy of `range` (seconds from the file's first picture, its start a key frame) of an MP4/MOV whose
 * ftyp and moov are given, `fileSize` bytes long. Throws Mp4RefusedError for anything it does not copy faithfully.
 */
export function planMp4Trim(ftyp: Uint8Array | null, moov: Uint8Array, range: ClipRange, fileSize: number): Mp4Trim {
  const movie = readMovie(moov);
  const origin = originOf(movie.tracks);
  const video = primaryOf(movie.tracks, 'video');
  if (!video) throw new Mp4RefusedError('The file has no picture.');
  const audio = primaryOf(movie.tracks, 'audio');
  const picture = pictureRun(video, range.start + origin, range.end + origin);
  const start = shownAt(video, picture.first);
  let end = range.end + origin;
  let lastShown = start;
  for (let i = picture.first; i <= picture.last; i++) {
    const at = shownAt(video, i);
    if (at < end - slack) lastShown = Math.max(lastShown, at + video.samples.durations[i] / video.timescale);
  }
  end = Math.min(end, lastShown);

  const kept: Kept[] = [];
  const pictureKept = keep(video, picture.first, picture.last, start, end, movie.timescale);
  if (!pictureKept) throw new Mp4RefusedError('There is no picture between the in and out points.');
  kept.push(pictureKept);
  const sound = audio && soundRun(audio, start, end);
  const soundKept = sound && keep(audio, sound.first, sound.last, start, end, movie.timescale);
  if (soundKept) kept.push(soundKept);

  let from = Infinity;
  let to = 0;
  let used = 0;
  for (const k of kept) {
    const s = k.track.samples;
    for (let i = k.first; i <= k.last; i++) {
      from = Math.min(from, s.offsets[i]);
      to = Math.max(to, s.offsets[i] + s.sizes[i]);
      used += s.sizes[i];
    }
  }
  if (to > fileSize) throw new Mp4RefusedError('Samples lie past the end of the file.');
  if (to - from > wasteAllowed(used)) throw new Mp4RefusedError('The picture and sound are not interleaved closely.');

  const movieOf = (shift: number, wide: boolean) => {
    const duration = Math.max(...kept.map((k) => k.empty + k.shown));
    return rebuild(moov, movie.moov, (b) => {
      if (b.type === 'mvhd') return withDuration(moov, b, duration);
      if (b.type === 'iods') return null; // names tracks and profiles of the whole file
      if (b.type !== 'trak') return undefined;
      const k = kept.find((x) => x.track.trak.start === b.start);
      return k ? trackOf(moov, k, shift, wide) : null;
    });
  };
  const typ = ftyp ?? new Uint8Array(0);
  const header = mdatHeader(to - from);
  // Offsets past 4 GiB need co64; the moov's size does not depend on the offsets' values, so it is built twice.
  const wide = typ.byteLength + moov.byteLength * 2 + header.byteLength + to > 0xffffffff;
  const sized = movieOf(0, wide);
  const payloadAt = typ.byteLength + sized.byteLength + header.byteLength;
  const newMoov = movieOf(payloadAt - from, wide);
  const head = new Uint8Array(payloadAt);
  head.set(typ, 0);
  head.set(newMoov, typ.byteLength);
  head.set(header, typ.byteLength + newMoov.byteLength);
  return { head, from, to, start, duration: pictureKept.shown / movie.timescale };
}
