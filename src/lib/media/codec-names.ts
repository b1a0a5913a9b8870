// Codec and container names as ffprobe spells them, so the catalog holds one vocabulary whichever decode tier
// probed a file (tier 1 reads mediabunny's names, tier 2 reads ffprobe's). Pure: the tier-1 worker passes in the
// strings mediabunny reports, this module never imports mediabunny.

/** mediabunny's `VideoCodec` / `AudioCodec` values that differ from ffprobe's `codec_name`. */
const fromMediabunny: Record<string, string> = {
  avc: 'h264',
  'pcm-s16': 'pcm_s16le',
  'pcm-s16be': 'pcm_s16be',
  'pcm-s24': 'pcm_s24le',
  'pcm-s24be': 'pcm_s24be',
  'pcm-s32': 'pcm_s32le',
  'pcm-s32be': 'pcm_s32be',
  'pcm-f32': 'pcm_f32le',
  'pcm-f32be': 'pcm_f32be',
  'pcm-f64': 'pcm_f64le',
  'pcm-f64be': 'pcm_f64be',
  'pcm-u8': 'pcm_u8',
  'pcm-s8': 'pcm_s8',
  ulaw: 'pcm_mulaw',
  alaw: 'pcm_alaw',
};

// mediabunny reports `codec: null` for codecs it cannot decode (MPEG-4 Part 2 in MP4, Theora in MKV …) but still
// exposes the container's own codec id; these tables name the common ones the way ffmpeg's demuxers do
// (libavformat isom.c, matroska.c, mpegts.c), so a file that falls through to the ffmpeg tier, or fails, is
// described by what it really holds.

/** ISOBMFF sample entry types (the `stsd` child box name, compared lower-case), grouped by the codec they hold. */
const isobmffFourccs = invert({
  h264: 'avc1 avc3 dva1 dvav',
  hevc: 'hvc1 hev1 dvh1 dvhe',
  vp8: 'vp08',
  vp9: 'vp09',
  av1: 'av01',
  mpeg4: 'mp4v',
  h263: 's263 h263',
  mpeg1video: 'mp1v m1v1',
  mpeg2video: 'mp2v m2v1',
  mjpeg: 'jpeg mjpa mjpb',
  jpeg2000: 'mjp2',
  prores: 'apch apcn apcs apco ap4h ap4x',
  dnxhd: 'avdn avdh',
  dvvideo: 'dvc_ dvcp dvpp dv5n dv5p',
  svq1: 'svq1',
  svq3: 'svq3',
  cinepak: 'cvid',
  qtrle: 'rle_',
  png: 'png_',
  ffv1: 'ffv1',
  rawvideo: 'raw_ 2vuy',
  aac: 'mp4a',
  mp3: '.mp3',
  ac3: 'ac-3',
  eac3: 'ec-3',
  opus: 'opus',
  flac: 'flac',
  alac: 'alac',
  amr_nb: 'samr',
  amr_wb: 'sawb',
  pcm_s16le: 'sowt',
  pcm_s16be: 'twos',
  pcm_mulaw: 'ulaw',
  pcm_alaw: 'alaw',
  adpcm_ima_qt: 'ima4',
  qdm2: 'qdm2',
  dts: 'dtsc',
  truehd: 'mlpa',
});

/** Matroska / WebM `CodecID` prefixes (A_AAC/MPEG4/LC starts with A_AAC). Checked in order, first match wins. */
const matroskaIds: [string, string][] = [
  ['V_MPEG4/ISO/AVC', 'h264'],
  ['V_MPEGH/ISO/HEVC', 'hevc'],
  ['V_MPEG4/ISO/', 'mpeg4'],
  ['V_MPEG4/MS/V3', 'msmpeg4v3'],
  ['V_MPEG1', 'mpeg1video'],
  ['V_MPEG2', 'mpeg2video'],
  ['V_VP8', 'vp8'],
  ['V_VP9', 'vp9'],
  ['V_AV1', 'av1'],
  ['V_THEORA', 'theora'],
  ['V_MJPEG', 'mjpeg'],
  ['V_PRORES', 'prores'],
  ['V_FFV1', 'ffv1'],
  ['V_DIRAC', 'dirac'],
  ['V_REAL/RV10', 'rv10'],
  ['V_REAL/RV20', 'rv20'],
  ['V_REAL/RV30', 'rv30'],
  ['V_REAL/RV40', 'rv40'],
  ['V_UNCOMPRESSED', 'rawvideo'],
  ['A_AAC', 'aac'],
  ['A_OPUS', 'opus'],
  ['A_VORBIS', 'vorbis'],
  ['A_FLAC', 'flac'],
  ['A_MPEG/L3', 'mp3'],
  ['A_MPEG/L2', 'mp2'],
  ['A_MPEG/L1', 'mp1'],
  ['A_EAC3', 'eac3'],
  ['A_AC3', 'ac3'],
  ['A_DTS', 'dts'],
  ['A_TRUEHD', 'truehd'],
  ['A_ALAC', 'alac'],
  ['A_PCM/INT/LIT', 'pcm_s16le'],
  ['A_PCM/INT/BIG', 'pcm_s16be'],
  ['A_PCM/FLOAT/IEEE', 'pcm_f32le'],
  ['A_WAVPACK4', 'wavpack'],
  ['A_TTA1', 'tta'],
];

/** MPEG-TS PMT stream_type values (ISO/IEC 13818-1 table 2-34 plus the ATSC/Blu-ray ones ffmpeg knows). */
const mpegTsStreamTypes: Record<number, string> = {
  0x01: 'mpeg2video', // ffmpeg reports MPEG-1 video streams in TS as mpeg2video too
  0x02: 'mpeg2video',
  0x03: 'mp3',
  0x04: 'mp3',
  0x0f: 'aac',
  0x10: 'mpeg4',
  0x11: 'aac_latm',
  0x1b: 'h264',
  0x24: 'hevc',
  0x42: 'cavs',
  0x80: 'pcm_bluray',
  0x81: 'ac3',
  0x82: 'dts',
  0x83: 'truehd',
  0x87: 'eac3',
  0xd1: 'dirac',
  0xea: 'vc1',
};

/** mediabunny `InputFormat.name` → ffprobe-style short name. */
const containerNames: Record<string, string> = {
  MP4: 'mp4',
  'QuickTime File Format': 'mov',
  Matroska: 'matroska',
  WebM: 'webm',
  Ogg: 'ogg',
  'MPEG Transport Stream': 'mpegts',
  MP3: 'mp3',
  WAVE: 'wav',
  FLAC: 'flac',
  ADTS: 'aac',
  'HTTP Live Streaming (HLS)': 'hls',
};

/**
 * ffprobe's `codec_name` for a track: from mediabunny's codec when it knows it, else from the container's own codec
 * id (`InputTrack.getInternalCodecId()`: an ISOBMFF fourcc, a Matroska CodecID, an MPEG-TS stream type); null when
 * neither says anything we recognise.
 */
export function codecName(codec: string | null | undefined, internalCodecId?: unknown): string | null {
  if (codec) return fromMediabunny[codec] ?? codec;
  if (typeof internalCodecId === 'number') return mpegTsStreamTypes[internalCodecId] ?? null;
  if (typeof internalCodecId !== 'string' || internalCodecId === '') return null;
  const id = internalCodecId;
  // Matroska ids are upper-case with an A_/V_ prefix; ISOBMFF fourccs are exactly four characters.
  if (/^[AVS]_/.test(id)) {
    return matroskaIds.find(([prefix]) => id.startsWith(prefix))?.[1] ?? null;
  }
  // Spaces in fourccs ('raw ', 'dvc ') are written '_' in the table above.
  if (id.length === 4) return isobmffFourccs[id.toLowerCase().replaceAll(' ', '_')] ?? null;
  return null;
}

/**
 * ffprobe-style container short name from mediabunny's `InputFormat.name`. ffprobe itself says
 * "mov,mp4,m4a,3gp,3g2,mj2" and "matroska,webm"; the catalog keeps the specific one, as mediabunny tells MP4 from
 * QuickTime (by brand) and WebM from Matroska (by DocType).
 */
export function containerName(formatName: string | null | undefined): string | null {
  if (!formatName) return null;
  return containerNames[formatName] ?? formatName.toLowerCase();
}

/** `{ name: 'id1 id2' }` → `{ id1: name, id2: name }`. */
function invert(groups: Record<string, string>): Record<string, string> {
  const byId: Record<string, string> = {};
  for (const [name, ids] of Object.entries(groups)) for (const id of ids.split(' ')) byId[id] = name;
  return byId;
}
