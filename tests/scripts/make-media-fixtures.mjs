#!/usr/bin/env node
// Generates the media-pipeline fixtures (one small clip per codec/container the two decode tiers must handle,
// plus edge cases and broken inputs) and the ffprobe truth the tests compare against.
//
//   node tests/scripts/make-media-fixtures.mjs      (npm run fixtures:media)
//
// Output: tests/fixtures/media/** and tests/fixtures/media.json. Independent of make-fixtures.mjs and of
// tests/fixtures/library/ (never touches them).
//
// Needs Debian 12's ffmpeg + ffprobe 5.1 (`sudo apt-get install -y ffmpeg`) with libx264, libx265,
// libvpx-vp9, libaom-av1, libtheora, libvorbis, libopus, libmp3lame and prores_ks. Every picture comes from a
// seeded lavfi generator, every encoder runs single-threaded with bit-exact flags and no inherited metadata, so
// re-running on the same ffmpeg build gives byte-identical files and the same media.json (`--check` verifies
// this by generating twice and comparing sha256 of every file).
//
// media.json conventions (a plain array sorted by path; generated, do not edit by hand):
//   width/height        DISPLAY size: coded size with the container's rotation applied.
//   codedWidth/Height   the stream's width/height as ffprobe reports them (before rotation).
//   fps                 avg_frame_rate (frames / duration) as a number; rFps is r_frame_rate (the base rate).
//                       They differ only for vfr.mp4.
//   rotation            CLOCKWISE degrees to turn the decoded frame for display, 0..359 (the convention of
//                       mediabunny's `track.rotation` and of the legacy `rotate` tag phones write). ffprobe's
//                       display-matrix `rotation` is COUNTER-clockwise: it prints -90 for rotated.mp4, so
//                       rotation = (360 - ffprobeRotation) % 360.
//   keyframes           pts_time (s) of every video packet flagged K, ascending
//                       (`ffprobe -select_streams v:0 -show_entries packet=pts_time,flags`).
//   frames              number of video packets.
//   creationTime        format tag creation_time as an ISO string, or null.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', 'fixtures');
const mediaDir = join(fixturesDir, 'media');
const truthFile = join(fixturesDir, 'media.json');

const MAX_TOTAL_BYTES = 4 * 1024 * 1024;

// No encoder/version strings, no creation time, no inherited metadata.
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];

const lavfi = (graph) => ['-f', 'lavfi', '-i', graph];
const sine = (freq, duration, rate = 44100) => lavfi(`sine=frequency=${freq}:sample_rate=${rate}:duration=${duration}`);

const x264 = ({ crf = 30, preset = 'veryfast', gop, fixedGop = false } = {}) => [
  '-c:v',
  'libx264',
  '-preset',
  preset,
  '-crf',
  String(crf),
  '-pix_fmt',
  'yuv420p',
  '-threads',
  '1',
  '-x264-params',
  'threads=1:lookahead-threads=1:sliced-threads=0',
  ...(gop ? ['-g', String(gop)] : []),
  ...(fixedGop ? ['-keyint_min', String(gop), '-sc_threshold', '0'] : []),
];
const AAC = ['-c:a', 'aac', '-b:a', '48k', '-ac', '1', '-ar', '44100'];
const OPUS = ['-c:a', 'libopus', '-b:a', '24k', '-ac', '1', '-ar', '48000'];

/**
 * Each fixture: `path` (relative to tests/fixtures/media), `expect` ('ok' | 'error'), `notes`, and how to make it:
 *   args:   ffmpeg arguments (inputs + codecs; the output path and BITEXACT are added),
 *   steps:  a function (out, tmp) doing several ffmpeg runs / byte edits,
 *   bytes:  literal content.
 * Bad inputs also carry `reason` and, where useful, `expectedMessage` (the kind of message the app should show).
 */
const fixtures = [
  // ---------------------------------------------------------------- good files
  {
    path: 'h264.mp4',
    expect: 'ok',
    notes:
      'testsrc2 turned 120° in hue, with a 440 Hz tone. Fixed GOP of 25 (keyframe every second, no scenecut), ' +
      'faststart (moov before mdat), creation_time 2021-06-05T10:20:30Z.',
    args: [
      ...lavfi('testsrc2=size=320x180:rate=25:duration=4'),
      ...sine(440, 4),
      '-vf',
      'hue=h=120',
      ...x264({ gop: 25, fixedGop: true }),
      ...AAC,
      '-shortest',
      '-movflags',
      '+faststart',
    ],
    // after BITEXACT's -map_metadata -1, so it survives
    extraOutputArgs: ['-metadata', 'creation_time=2021-06-05T10:20:30Z'],
  },
  {
    path: 'vp9.webm',
    expect: 'ok',
    notes: 'VP9 + Opus in WebM: warm drifting gradients (all colours explicit, seeded) with a 523 Hz tone.',
    args: [
      ...lavfi(
        'gradients=size=320x180:rate=24:duration=3:speed=0.1:seed=11:nb_colors=3:' +
          'c0=0xB91C1C:c1=0xFDE68A:c2=0x7C2D12:x0=0:y0=0:x1=320:y1=180',
      ),
      ...sine(523, 3, 48000),
      '-c:v',
      'libvpx-vp9',
      '-b:v',
      '0',
      '-crf',
      '40',
      '-deadline',
      'good',
      '-cpu-used',
      '5',
      '-row-mt',
      '0',
      '-threads',
      '1',
      '-tile-columns',
      '0',
      '-frame-parallel',
      '0',
      '-g',
      '48',
      '-pix_fmt',
      'yuv420p',
      ...OPUS,
      '-shortest',
    ],
  },
  {
    path: 'av1.mkv',
    expect: 'ok',
    notes:
      'AV1 (libaom-av1, realtime usage, cpu-used 8, one thread, one tile) + Opus in Matroska: an animated ' +
      'Sierpinski carpet (seeded), 330 Hz tone. ffmpeg.wasm core 0.12.10 has no AV1 decoder: tier 1 only.',
    args: [
      ...lavfi('sierpinski=size=320x180:rate=25:seed=3:jump=40:type=carpet'),
      ...sine(330, 3, 48000),
      '-t',
      '3',
      '-c:v',
      'libaom-av1',
      '-usage',
      'realtime',
      '-cpu-used',
      '8',
      '-crf',
      '40',
      '-b:v',
      '0',
      '-threads',
      '1',
      '-row-mt',
      '0',
      '-tiles',
      '1x1',
      '-g',
      '50',
      '-pix_fmt',
      'yuv420p',
      ...OPUS,
      '-shortest',
      '-f',
      'matroska',
    ],
  },
  {
    path: 'hevc.mp4',
    expect: 'ok',
    notes:
      'HEVC (libx265, tag hvc1, no x265 info SEI) + AAC: a coloured Game of Life (seeded) with a 392 Hz tone. ' +
      'Headless Chromium has no HEVC WebCodecs decoder: tier 2 (ffmpeg.wasm).',
    args: [
      ...lavfi(
        'life=size=80x45:rate=25:seed=42:ratio=0.3:mold=8:life_color=0x22C55E:death_color=0x1E1B4B:mold_color=0x854D0E',
      ),
      ...sine(392, 3),
      '-t',
      '3',
      '-vf',
      'scale=320:180:flags=neighbor',
      '-c:v',
      'libx265',
      '-preset',
      'fast',
      '-crf',
      '32',
      '-pix_fmt',
      'yuv420p',
      '-tag:v',
      'hvc1',
      '-x265-params',
      'pools=none:frame-threads=1:wpp=0:info=0:log-level=error:keyint=50:min-keyint=50',
      ...AAC,
      '-shortest',
    ],
  },
  {
    path: 'mpeg4.avi',
    expect: 'ok',
    notes:
      'MPEG-4 Part 2 (native mpeg4 encoder, fourcc XVID, no B-frames) + MP3 in AVI: SMPTE bars with a white ' +
      'box sweeping left to right, 880 Hz tone. mediabunny does not read AVI: tier 2.',
    args: [
      ...lavfi('smptebars=size=320x180:rate=25:duration=3'),
      ...sine(880, 3),
      '-filter_complex',
      // drawbox has no time variable in ffmpeg 5.1 (its `t` is the thickness): move boxes with overlay.
      "color=c=white:size=40x60:rate=25[box];[0:v][box]overlay=x='mod(t*120,320)':y=60:shortest=1[v]",
      '-map',
      '[v]',
      '-map',
      '1:a',
      '-c:v',
      'mpeg4',
      '-vtag',
      'XVID',
      '-q:v',
      '5',
      '-g',
      '25',
      '-bf',
      '0',
      '-threads',
      '1',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      '-ac',
      '1',
      '-ar',
      '44100',
      '-shortest',
    ],
  },
  {
    path: 'prores.mov',
    expect: 'ok',
    notes:
      'ProRes 422 Proxy (prores_ks profile 0, 10-bit 4:2:2, intra-only: every frame a keyframe) + PCM in ' +
      'QuickTime, 160x90, 2 s: the YUV test pattern cycling through hues. Tier 2.',
    args: [
      ...lavfi('yuvtestsrc=size=160x90:rate=25:duration=2'),
      ...sine(660, 2, 16000),
      '-vf',
      'hue=H=2*PI*t/2:s=2',
      '-c:v',
      'prores_ks',
      '-profile:v',
      '0',
      '-pix_fmt',
      'yuv422p10le',
      '-threads',
      '1',
      '-c:a',
      'pcm_s16le',
      '-ac',
      '1',
      '-shortest',
      '-f',
      'mov',
    ],
  },
  {
    path: 'theora.ogv',
    expect: 'ok',
    notes:
      'Theora + Vorbis in Ogg: a one-dimensional cellular automaton (rule 30, seeded) scrolling down, ' +
      'tinted blue, 294 Hz tone. mediabunny does not read Ogg video: tier 2.',
    args: [
      ...lavfi('cellauto=size=160x90:rate=25:rule=30:seed=5:random_fill_ratio=0.5:scroll=1'),
      ...sine(294, 3),
      '-t',
      '3',
      '-vf',
      'scale=320:180:flags=neighbor,format=rgb24,colorchannelmixer=rr=0.3:gg=0.6:bb=1,format=yuv420p',
      '-c:v',
      'libtheora',
      '-q:v',
      '6',
      '-g',
      '25',
      '-c:a',
      'libvorbis',
      '-q:a',
      '2',
      '-ac',
      '1',
      '-shortest',
    ],
  },
  {
    path: 'rotated.mp4',
    expect: 'ok',
    notes:
      'H.264 coded 320x180 (classic testsrc with a red square in the coded top-left corner) whose track ' +
      'matrix says: turn 90° clockwise for display, so it shows as 180x320 with the red square top-right. ' +
      'Like a phone held upright. ffprobe 5.1 prints display-matrix rotation -90 (counter-clockwise ' +
      'convention); mediabunny track.rotation is 90 (clockwise). Made by stream copy with ' +
      '`-metadata:s:v:0 rotate=-90`: ffmpeg 5.1 has no -display_rotation, and its stream-copy `rotate` override ' +
      'uses the counter-clockwise convention (rotate=90 gives a 90° COUNTER-clockwise display, the opposite ' +
      'of the legacy tag phones wrote).',
    steps: (out, tmp) => {
      const coded = join(tmp, 'rotated-coded.mp4');
      ffmpeg([
        ...lavfi('testsrc=size=320x180:rate=25:duration=3'),
        '-vf',
        'drawbox=x=0:y=0:w=48:h=48:color=red:t=fill',
        ...x264({ gop: 25 }),
        '-an',
        ...BITEXACT,
        coded,
      ]);
      ffmpeg(['-i', coded, '-c', 'copy', '-metadata:s:v:0', 'rotate=-90', ...BITEXACT, out]);
    },
  },
  {
    path: 'short.mp4',
    expect: 'ok',
    notes: 'Half a second (12 frames at 24 fps) of the RGB test pattern cycling through hues, no audio.',
    args: [
      ...lavfi('rgbtestsrc=size=320x180:rate=24'),
      '-vf',
      'hue=H=2*PI*t*2:s=1.5',
      '-frames:v',
      '12',
      ...x264({ gop: 24 }),
      '-an',
    ],
  },
  {
    path: 'portrait.mp4',
    expect: 'ok',
    notes: 'H.264 coded 180x320 (no rotation): testsrc2 negated and tinted, 30 fps, 3 s, with a 587 Hz tone.',
    args: [
      ...lavfi('testsrc2=size=180x320:rate=30:duration=3'),
      ...sine(587, 3),
      '-vf',
      'negate,hue=h=200:s=1.4',
      ...x264({ gop: 30 }),
      ...AAC,
      '-shortest',
    ],
  },
  {
    path: 'vfr.mp4',
    expect: 'ok',
    notes:
      'Variable frame rate H.264, HD colour bars with a yellow box moving down: 1.5 s at 10 fps, ' +
      '1.5 s at 30 fps, 1.5 s at 15 fps (15 + 45 + 23 frames, the last segment rounds up), kept as-is with ' +
      '-fps_mode vfr. avg_frame_rate (fps) differs from r_frame_rate (rFps). The last sample has ' +
      "no duration (stts delta 0, as ffmpeg writes for VFR): ffprobe's duration ends at the last frame's " +
      'start, 4.467 s; mediabunny computeDuration() assumes one more 1/15 s frame, 4.533 s.',
    args: [
      ...lavfi('smptehdbars=size=320x180:rate=10:duration=1.5'),
      ...lavfi('smptehdbars=size=320x180:rate=30:duration=1.5'),
      ...lavfi('smptehdbars=size=320x180:rate=15:duration=1.5'),
      '-filter_complex',
      '[0:v]settb=1/90000[a];[1:v]settb=1/90000[b];[2:v]settb=1/90000[c];' +
        '[a][b][c]concat=n=3:v=1:a=0[cat];color=c=yellow:size=40x40:rate=30[box];' +
        "[cat][box]overlay=x=140:y='mod(t*60,140)':shortest=1[v]",
      '-map',
      '[v]',
      '-fps_mode',
      'vfr',
      '-enc_time_base:v',
      '1/90000',
      ...x264({ gop: 30 }),
      '-video_track_timescale',
      '90000',
      '-an',
    ],
  },
  {
    path: 'scenes.mp4',
    expect: 'ok',
    sceneCuts: [3, 6, 9],
    notes:
      'Four visually unrelated 3 s shots at 25 fps, hard cuts at exactly 3.0, 6.0 and 9.0 s (frames 75, 150, ' +
      '225): testsrc2; an orange box sliding over a navy field; cool seeded gradients; SMPTE bars with a ' +
      'magenta box moving down. x264 default keyframe placement (keyint 250, scenecut 40): see `keyframes`.',
    args: [
      ...lavfi('testsrc2=size=320x180:rate=25:duration=3'),
      ...lavfi('color=c=0x0B1F4B:size=320x180:rate=25:duration=3'),
      ...lavfi(
        'gradients=size=320x180:rate=25:duration=3:speed=0.05:seed=21:nb_colors=3:' +
          'c0=0x10B981:c1=0x0EA5E9:c2=0xF0FDFA:x0=0:y0=180:x1=320:y1=0',
      ),
      ...lavfi('smptebars=size=320x180:rate=25:duration=3'),
      '-filter_complex',
      "color=c=0xF97316:size=80x80:rate=25[b1];[1:v][b1]overlay=x='t*80':y=50:shortest=1[s1];" +
        "color=c=magenta:size=50x50:rate=25[b3];[3:v][b3]overlay=x=200:y='t*40':shortest=1[s3];" +
        '[0:v][s1][2:v][s3]concat=n=4:v=1:a=0,format=yuv420p[v]',
      '-map',
      '[v]',
      ...x264(),
      '-an',
      '-movflags',
      '+faststart',
    ],
  },
  {
    path: '4k.mp4',
    expect: 'ok',
    notes:
      '3840x2160 H.264 (level 5.1), 1 s at 25 fps, very low quality (crf 45): a soft upscale of a small ' +
      'testsrc2 so it stays small. For memory/size limits and downscaling paths.',
    args: [
      ...lavfi('testsrc2=size=240x136:rate=25:duration=1'),
      '-vf',
      // setsar: 240x136 -> 3840x2160 is not the same shape, scale would keep it with a 135:136 SAR.
      'gblur=sigma=2,scale=3840:2160:flags=bicubic,setsar=1',
      ...x264({ crf: 45, preset: 'veryfast', gop: 25 }),
      '-an',
      '-movflags',
      '+faststart',
    ],
  },

  // ---------------------------------------------------------------- bad inputs
  {
    path: 'bad/empty.mp4',
    expect: 'error',
    reason: 'Zero-byte file: nothing to probe.',
    expectedMessage: 'empty file',
    bytes: '',
  },
  {
    path: 'bad/truncated.mp4',
    expect: 'error',
    reason:
      'The first 40% of h264.mp4: the moov atom (at the front, faststart) is complete, so the file is ' +
      'recognised and probes as a 4 s H.264 clip, but the media data stops early; frames after the cut ' +
      '(about 1.5 s) cannot be read. The probe may succeed; decoding/sampling must fail with a clear ' +
      '"file is truncated or damaged" message, not hang or crash.',
    expectedMessage: 'truncated or damaged',
    derived: { from: 'h264.mp4', fraction: 0.4 },
  },
  {
    path: 'bad/text-renamed.mp4',
    expect: 'error',
    reason: 'A plain UTF-8 text file with a .mp4 name: no known container signature.',
    expectedMessage: 'not a video / unrecognised format',
    bytes:
      'This is not a video.\nIt is a text file that somebody renamed to .mp4.\n' +
      'Framefinder must report it as an unrecognised format and carry on with the other files.\n',
  },
  {
    path: 'bad/audio-only.mp4',
    expect: 'error',
    reason: 'A valid MP4 holding only an AAC audio track (2 s, 440 Hz): there is no video track to index.',
    expectedMessage: 'no video track',
    args: [...sine(440, 2), ...AAC, '-vn'],
  },
  {
    path: 'bad/unsupported.mkv',
    expect: 'error',
    reason:
      'A valid Matroska file whose only video track declares CodecID "V_MPEGI/ISO/VVC" (H.266/VVC, the ID ' +
      'newer ffmpeg writes for VVC). Neither Chromium WebCodecs/mediabunny nor ffmpeg.wasm core 0.12.10 ' +
      '(ffmpeg 5.1, no VVC decoder) can decode it: mediabunny gives the track codec null, ffmpeg says ' +
      '"Decoder (codec none) not found". ffprobe 5.1 sees a 320x180 video stream of unknown codec (JSON omits ' +
      'codec_name; compact output prints "unknown"). The payload is really a 1 s H.264 stream relabelled in place (same ' +
      'CodecID length, CRC-32 elements disabled), since no VVC encoder is available here.',
    expectedMessage: 'unsupported codec',
    steps: (out, tmp) => {
      const avc = join(tmp, 'unsupported-avc.mkv');
      ffmpeg([
        ...lavfi('pal100bars=size=320x180:rate=25:duration=1'),
        ...x264({ gop: 25 }),
        '-an',
        '-write_crc32',
        '0',
        '-f',
        'matroska',
        ...BITEXACT,
        avc,
      ]);
      writeFileSync(out, replaceOnce(readFileSync(avc), 'V_MPEG4/ISO/AVC', 'V_MPEGI/ISO/VVC'));
    },
  },
  {
    path: 'bad/subtitles-only.mkv',
    expect: 'error',
    reason: 'A valid Matroska file with a single ASS subtitle track and no audio or video.',
    expectedMessage: 'no video track',
    steps: (out, tmp) => {
      const srt = join(tmp, 'subs.srt');
      writeFileSync(
        srt,
        '1\n00:00:00,000 --> 00:00:01,500\nThere is no picture here.\n\n' +
          '2\n00:00:01,500 --> 00:00:03,000\nOnly subtitles.\n',
      );
      ffmpeg(['-i', srt, '-c:s', 'ass', '-f', 'matroska', ...BITEXACT, out]);
    },
  },
];

// ---------------------------------------------------------------------------------------------------- helpers

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error(`${cmd} not found. Install it with: sudo apt-get install -y ffmpeg`, { cause: err });
    }
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stderr ?? err.message}`, { cause: err });
  }
}

function ffmpeg(args) {
  return run('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
}

function replaceOnce(buffer, from, to) {
  if (from.length !== to.length) throw new Error('replaceOnce: lengths differ');
  const at = buffer.indexOf(from, 0, 'latin1');
  if (at < 0 || buffer.indexOf(from, at + 1, 'latin1') >= 0) {
    throw new Error(`replaceOnce: expected exactly one "${from}"`);
  }
  const copy = Buffer.from(buffer);
  copy.write(to, at, 'latin1');
  return copy;
}

function round(value, digits = 3) {
  const n = Number(value);
  if (value === undefined || value === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function rate(r) {
  if (!r || r === '0/0') return null;
  const [num, den] = r.split('/').map(Number);
  return den ? round(num / den) : null;
}

function clockwise(ffprobeRotation) {
  // ffprobe's display-matrix rotation is counter-clockwise degrees.
  const r = Math.round(Number(ffprobeRotation) || 0);
  return (((-r % 360) + 360) % 360) % 360;
}

function probe(file) {
  const info = JSON.parse(
    run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]),
  );
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  if (!video) throw new Error(`${file}: no video stream`);
  const matrix = (video.side_data_list ?? []).find((d) => d.side_data_type === 'Display Matrix');
  // width/height below are display sizes only if pixels are square: keep every fixture that way.
  if (video.sample_aspect_ratio && !['1:1', '0:1'].includes(video.sample_aspect_ratio)) {
    throw new Error(`${file}: sample aspect ratio ${video.sample_aspect_ratio}, expected square pixels`);
  }
  const rotation = clockwise(matrix?.rotation ?? video.tags?.rotate ?? 0);
  const swap = rotation % 180 !== 0;

  const packets = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    file,
  ])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [pts, flags] = l.split(',');
      return { pts: Number(pts), key: flags.includes('K') };
    });
  const keyframes = packets
    .filter((p) => p.key)
    .map((p) => round(p.pts, 6))
    .sort((a, b) => a - b);

  const created = info.format.tags?.creation_time;
  return {
    duration: round(info.format.duration),
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    codedWidth: video.width,
    codedHeight: video.height,
    fps: rate(video.avg_frame_rate),
    rFps: rate(video.r_frame_rate),
    frames: packets.length,
    videoCodec: video.codec_name ?? null,
    pixFmt: video.pix_fmt ?? null,
    audioCodec: audio?.codec_name ?? null,
    container: info.format.format_name.split(',')[0],
    bitrate: info.format.bit_rate ? Number(info.format.bit_rate) : null,
    rotation,
    hasAudio: Boolean(audio),
    creationTime: created ? new Date(created).toISOString() : null,
    keyframes,
  };
}

/**
 * What survives of `source` cut after `cutBytes` bytes: the video packets (decode order) lying wholly before the
 * cut, and the presentation time up to which every frame is still decodable.
 */
function truncation(source, cutBytes) {
  const packets = run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,duration_time,pos,size',
    '-of',
    'json',
    source,
  ]);
  const list = JSON.parse(packets).packets.map((p) => ({
    pts: Number(p.pts_time),
    dur: Number(p.duration_time),
    end: Number(p.pos) + Number(p.size),
  }));
  let complete = 0;
  while (complete < list.length && list[complete].end <= cutBytes) complete++;
  // Frames are decodable up to the earliest presentation time among the missing packets.
  const missing = list.slice(complete).map((p) => p.pts);
  return {
    derivedFrom: relative(mediaDir, source).split(sep).join('/'),
    truncatedAtByte: cutBytes,
    completeVideoPackets: complete,
    totalVideoPackets: list.length,
    decodableUntil: missing.length ? round(Math.min(...missing)) : null,
  };
}

/** Mean and spread of luma of the (auto-rotated) frame at `t`, on a 32x32 grey thumbnail. */
function lumaAt(file, t) {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-ss',
      String(t),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      'scale=32:32,format=gray',
      '-f',
      'rawvideo',
      '-',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (raw.length !== 32 * 32) throw new Error(`${file}: could not decode a frame at ${t}s`);
  const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
  const sd = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / raw.length);
  return { mean, sd };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------------- main

function generate(outDir) {
  const tmp = mkdtempSync(join(tmpdir(), 'ff-media-'));
  try {
    // Literal and ffmpeg-made files first, derived ones (which read a generated file) last.
    const ordered = [...fixtures.filter((f) => !f.derived), ...fixtures.filter((f) => f.derived)];
    for (const fixture of ordered) {
      const target = join(outDir, ...fixture.path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      if ('bytes' in fixture) {
        writeFileSync(target, fixture.bytes);
      } else if (fixture.derived) {
        const source = readFileSync(join(outDir, ...fixture.derived.from.split('/')));
        writeFileSync(target, source.subarray(0, Math.floor(source.length * fixture.derived.fraction)));
      } else if (fixture.steps) {
        fixture.steps(target, tmp);
      } else {
        ffmpeg([...fixture.args, ...BITEXACT, ...(fixture.extraOutputArgs ?? []), target]);
      }
      process.stdout.write(`  ${fixture.path}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function hashes(dir) {
  return Object.fromEntries(
    listFiles(dir)
      .map((full) => [relative(dir, full).split(sep).join('/'), sha256(full)])
      .sort(([a], [b]) => byCodePoint(a, b)),
  );
}

function describe(dir) {
  const entries = fixtures
    .map((fixture) => {
      const full = join(dir, ...fixture.path.split('/'));
      const size = statSync(full).size;
      const base = { path: fixture.path, size, expect: fixture.expect };
      if (fixture.expect === 'error') {
        return {
          ...base,
          reason: fixture.reason,
          expectedMessage: fixture.expectedMessage,
          ...(fixture.derived ? truncation(join(dir, ...fixture.derived.from.split('/')), size) : {}),
        };
      }
      const truth = probe(full);
      // Posters are taken at ~10% of the duration: make sure no fixture is black or flat there.
      const { mean, sd } = lumaAt(full, truth.duration * 0.1);
      if (mean < 24 || sd < 8) {
        throw new Error(
          `${fixture.path}: frame at 10% looks black/flat (mean ${mean.toFixed(1)}, sd ${sd.toFixed(1)})`,
        );
      }
      return {
        ...base,
        ...truth,
        ...(fixture.sceneCuts ? { sceneCuts: fixture.sceneCuts } : {}),
        notes: fixture.notes,
      };
    })
    .sort((a, b) => byCodePoint(a.path, b.path));

  // Sanity checks on what the tests rely on.
  const get = (p) => entries.find((e) => e.path === p);
  const must = (cond, msg) => {
    if (!cond) throw new Error(`fixture check failed: ${msg}`);
  };
  must(get('rotated.mp4').rotation === 90, 'rotated.mp4 rotation 90 clockwise');
  must(get('rotated.mp4').width === 180 && get('rotated.mp4').height === 320, 'rotated.mp4 displays 180x320');
  must(get('h264.mp4').keyframes.join() === '0,1,2,3', 'h264.mp4 keyframe every second');
  must(get('h264.mp4').creationTime === '2021-06-05T10:20:30.000Z', 'h264.mp4 creation_time');
  must(get('vfr.mp4').fps !== get('vfr.mp4').rFps, 'vfr.mp4 avg != r frame rate');
  must(get('short.mp4').duration <= 0.55, 'short.mp4 is half a second');
  const unsupported = JSON.parse(
    run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', join(dir, 'bad', 'unsupported.mkv')]),
  );
  must(
    unsupported.streams.length === 1 &&
      unsupported.streams[0].codec_type === 'video' &&
      !unsupported.streams[0].codec_name,
    'unsupported.mkv: one video stream of unknown codec',
  );
  const total = entries.reduce((s, e) => s + e.size, 0);
  must(total < MAX_TOTAL_BYTES, `total ${total} bytes < ${MAX_TOTAL_BYTES}`);
  return { entries, total };
}

function main() {
  const check = process.argv.includes('--check');
  run('ffmpeg', ['-version']);
  rmSync(mediaDir, { recursive: true, force: true });
  mkdirSync(mediaDir, { recursive: true });
  generate(mediaDir);

  if (check) {
    const again = mkdtempSync(join(tmpdir(), 'ff-media-again-'));
    try {
      process.stdout.write('second run (determinism check):\n');
      generate(again);
      const a = hashes(mediaDir);
      const b = hashes(again);
      const differ = Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
      if (differ.length) throw new Error(`not deterministic: ${differ.join(', ')}`);
      process.stdout.write(`deterministic: ${Object.keys(a).length} files byte-identical across two runs\n`);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }

  const { entries, total } = describe(mediaDir);
  const tmpTruth = `${truthFile}.tmp`;
  writeFileSync(tmpTruth, JSON.stringify(entries, null, 2) + '\n');
  renameSync(tmpTruth, truthFile);
  process.stdout.write(
    `wrote ${entries.length} files (${(total / 1024).toFixed(0)} KiB) and ${relative(process.cwd(), truthFile)}\n`,
  );
}

main();
