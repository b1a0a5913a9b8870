// The picture and sound tracks of an MP4/MOV moov, read for the fast stream copy (mp4-trim.ts): their timescales,
// edit lists and sample tables, and which ones are the file's "primary" picture and sound as mediabunny picks them
// (the page plans a clip's key frame with mediabunny, so both must mean the same track and the same times).
import { Mp4RefusedError, childrenOf, find, flagsOf, payloadOf, timescaleOf, u64At, view, type Box } from './mp4-boxes';
import { presentationTicks, readSamples, type Samples } from './mp4-samples';

export interface Mp4Track {
  trak: Box;
  kind: 'video' | 'audio';
  id: number;
  enabled: boolean;
  timescale: number;
  /**
   * What to take from a presentation tick to get the time shown (in track ticks): the edit list's media time less
   * its empty edits. Only the first media edit counts, as in mediabunny; a file with more is refused.
   */
  editOffset: number;
  samples: Samples;
}

export interface Mp4Movie {
  moov: Box;
  timescale: number;
  tracks: Mp4Track[];
}

const refuse = (why: string): never => {
  throw new Mp4RefusedError(why);
};

/** The edit list's first media edit and the empty edits before it, in movie ticks; refused when it is not simple. */
function readEdits(bytes: Uint8Array, elst: Box | undefined): { empty: number; mediaTime: number } {
  if (!elst) return { empty: 0, mediaTime: 0 };
  const p = payloadOf(bytes, elst);
  const d = view(p);
  const wide = p[0] === 1;
  const width = wide ? 20 : 12;
  const n = d.getUint32(4);
  if (8 + n * width > p.byteLength) refuse('The edit list runs past its box.');
  let empty = 0;
  let found: number | null = null;
  for (let e = 0; e < n; e++) {
    const at = 8 + e * width;
    const segment = wide ? u64At(d, at) : d.getUint32(at);
    const mediaTime = wide ? d.getInt32(at + 8) * 2 ** 32 + d.getUint32(at + 12) : d.getInt32(at + 4);
    const rate = d.getInt32(at + (wide ? 16 : 8));
    if (mediaTime === -1) {
      if (found !== null) refuse('The edit list has a gap after the picture starts.');
      empty += segment;
      continue;
    }
    if (found !== null) refuse('The edit list has more than one edit.');
    if (rate !== 0x10000) refuse('The edit list plays at another speed.');
    found = mediaTime;
  }
  return { empty, mediaTime: found ?? refuse('The edit list shows nothing.') };
}

/** The media data of a track must be in this file (dref "self-contained"), or the copy would lose it. */
function checkSelfContained(bytes: Uint8Array, minf: Box) {
  const dref = find(bytes, minf, 'dinf', 'dref');
  if (!dref) return;
  for (const entry of childrenOf(bytes, dref, 8))
    if (!(flagsOf(bytes, entry) & 1)) refuse('A track keeps its media in another file.');
}

/** The sample description's type (the first stsd entry's four letters). */
function sampleEntryOf(bytes: Uint8Array, stsd: Box): string {
  const entries = childrenOf(bytes, stsd, 8);
  return entries[0]?.type ?? refuse('A track has no sample description.');
}

/** Reads the moov's picture and sound tracks; other tracks (subtitles, timecode, metadata) are left out of a cut. */
export function readMovie(bytes: Uint8Array): Mp4Movie {
  const moov: Box = { type: 'moov', start: 0, size: bytes.byteLength, header: 8 };
  const boxes = childrenOf(bytes, moov);
  if (boxes.some((b) => b.type === 'mvex')) refuse('The file is fragmented.');
  const mvhd = boxes.find((b) => b.type === 'mvhd') ?? refuse('The file has no movie header.');
  const timescale = timescaleOf(bytes, mvhd);
  const tracks: Mp4Track[] = [];
  for (const trak of boxes.filter((b) => b.type === 'trak')) {
    const hdlr = find(bytes, trak, 'mdia', 'hdlr');
    const handler = hdlr ? String.fromCharCode(...payloadOf(bytes, hdlr).subarray(8, 12)) : '';
    if (handler !== 'vide' && handler !== 'soun') continue;
    const tkhd = find(bytes, trak, 'tkhd') ?? refuse('A track has no header.');
    const mdhd = find(bytes, trak, 'mdia', 'mdhd') ?? refuse('A track has no media header.');
    const minf = find(bytes, trak, 'mdia', 'minf') ?? refuse('A track has no media information.');
    const stbl = find(bytes, minf, 'stbl') ?? refuse('A track has no sample table.');
    const stsd = find(bytes, stbl, 'stsd') ?? refuse('A track has no sample description.');
    checkSelfContained(bytes, minf);
    const entry = sampleEntryOf(bytes, stsd);
    // Encrypted samples come with auxiliary information found by file offset (saio), which a copy would break.
    if (entry === 'encv' || entry === 'enca' || find(bytes, stbl, 'saio')) refuse('The track is encrypted.');
    const trackScale = timescaleOf(bytes, mdhd);
    const edits = readEdits(bytes, find(bytes, trak, 'edts', 'elst'));
    const tkhdVersion = bytes[tkhd.start + tkhd.header];
    const id = view(bytes).getUint32(tkhd.start + tkhd.header + 4 + (tkhdVersion === 1 ? 16 : 8));
    tracks.push({
      trak,
      kind: handler === 'vide' ? 'video' : 'audio',
      id,
      enabled: (flagsOf(bytes, tkhd) & 1) === 1,
      timescale: trackScale,
      editOffset: edits.mediaTime - Math.round((edits.empty / timescale) * trackScale),
      samples: readSamples(bytes, stbl),
    });
  }
  return { moov, timescale, tracks };
}

/** When sample `i` of `t` is shown, in seconds on mediabunny's timeline (edit list applied). */
export const shownAt = (t: Mp4Track, i: number) => (presentationTicks(t.samples, i) - t.editOffset) / t.timescale;

/** The file's first time (the earliest first sample of any track, never below 0): tools count from it. */
export function originOf(tracks: Mp4Track[]): number {
  const firsts = tracks.filter((t) => t.samples.count > 0).map((t) => shownAt(t, 0));
  return firsts.length ? Math.max(0, Math.min(...firsts)) : 0;
}

/** Bytes per second of a track's samples: how mediabunny ranks tracks of one kind. */
function bitrateOf(t: Mp4Track): number {
  const s = t.samples;
  const seconds = (s.decodeTimes[s.count - 1] + s.durations[s.count - 1]) / t.timescale;
  return s.sizes.reduce((n, v) => n + v, 0) / Math.max(seconds, 1e-9);
}

/**
 * The primary track of a kind, ranked as mediabunny ranks them: enabled ("default") first, a picture with frames
 * other than key frames before one of key frames only, then the highest bitrate.
 */
export function primaryOf(tracks: Mp4Track[], kind: 'video' | 'audio'): Mp4Track | null {
  const ofKind = tracks.filter((t) => t.kind === kind && t.samples.count > 0);
  const onlyKeys = (t: Mp4Track) => (t.samples.sync ? t.samples.sync.every((v) => v === 1) : true);
  const rank = (t: Mp4Track): number[] => [t.enabled ? 0 : 1, kind === 'video' && onlyKeys(t) ? 1 : 0, -bitrateOf(t)];
  ofKind.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
  return ofKind[0] ?? null;
}
