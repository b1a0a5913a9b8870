#!/usr/bin/env node
// Generates the "real-world" reverse-search fixtures: small videos in the shapes real files come in (rotation in the
// container, 4:4:4 / 4:2:2 / 10-bit / full-range pictures, VFR screen recordings with long still stretches, H.263
// 3GP, MPEG-4 and DivX 3 AVI, edit lists, timestamps that do not start at 0, static cameras, loops, one-pixel
// textures and grain), and the queries the quality test drops: reference frames as a user sees them (ffmpeg applies
// the rotation), re-encoded clips, mirrored frames, and frames of videos that are not in the library. Made once with Debian's ffmpeg 5.1
// (libx264, libx265, libvpx-vp9, libsvtav1) and committed, so the tests need no ffmpeg.
//
//   node tests/scripts/make-realworld-fixtures.mjs                  (everything: media and manifest)
//   node tests/scripts/make-realworld-fixtures.mjs --manifest-only  (the manifest alone, from the committed media)
//
// Output: tests/fixtures/realworld/library/* (the library), realworld/queries/* (frames and clips) and
// tests/fixtures/realworld.json:
//   videos[]   { path, class, notes, duration, startTime, width, height (as displayed), codec, pixFmt,
//                rotation, loopPeriod (s, for loops: moments one period apart look the same), frames (count) }
//   images[]   { path, video, class, time, same, mirrored }  a frame of `video` shown at `time` (s from the start
//              the app counts from: max(0, the container's start time)), display orientation applied; `same`
//              [from, to] are the first and last frame times (same time base) of the run of consecutive frames
//              that show the same picture as that frame (a Game of Life generation held for ~12 frames, see
//              samePicture); `mirrored` frames are left-right flipped (a flipped re-upload)
//   clips[]    { path, video, class, start, same, duration }  a re-encoded piece of `video` whose first frame is
//              `start`; `same` as for images, for that first frame
//   outside[]  { path }  frames of videos that are not in the library
// Each fixture is two shots of different generated content (seeded lavfi sources) so that every moment of every
// file looks different from every other (loops and the static camera excepted, on purpose).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'fixtures', 'realworld');
const libDir = join(outDir, 'library');
const queryDir = join(outDir, 'queries');
const manifestFile = join(here, '..', 'fixtures', 'realworld.json');
const work = join(tmpdir(), 'ff-realworld');
const MAX_TOTAL_BYTES = 8 * 1024 * 1024;
const [W, H, FPS] = [320, 180, 25];
const manifestOnly = process.argv.includes('--manifest-only');
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', '-threads', '1'];

function run(cmd, args) {
  const out = spawnSync(cmd, args, { maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')}\n${out.stderr}`);
  return out.stdout;
}
const ffmpeg = (args) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
const probe = (file, args) => JSON.parse(run('ffprobe', ['-v', 'error', '-of', 'json', ...args, file]).toString());

// ---------------------------------------------------------------------------------------------------- content

/** mulberry32, as the e2e query generator. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const targets = [
  [-0.743643887037151, 0.13182590420533],
  [-1.25066, 0.02012],
  [-0.1528, 1.0397],
  [0.2929859127507, 0.6117848324958],
  [-1.768778833, -0.001738996],
  [-0.7453, 0.1127],
  [0.001643721971153, -0.822467633298876],
  [-0.16, 1.0405],
  [-1.401155189, 0],
  [-0.74529, 0.113075],
  [-0.0452407411, 0.9868162204],
  [0.42884, -0.231345],
];
const hues = [0, 40, 80, 120, 160, 200, 240, 280, 320, 20, 60, 100, 140, 180, 220, 260, 300, 340];

const hex = (n) => `#${(n & 0xffffff).toString(16).padStart(6, '0')}`;

/** A plasma of sines (k-specific frequencies, phases, drifting centres and palette): large shapes that move. */
function plasma(k) {
  const r = prng(7919 * (k + 1));
  const n = (lo, hi) => (lo + r() * (hi - lo)).toFixed(2);
  const wave = () =>
    `sin(X/${n(9, 40)}+Y/${n(-60, 60)}+T*${n(-1.5, 1.5)})+sin(hypot(X-${n(0, W)}-${n(-40, 40)}*T,Y-${n(0, H)})/${n(8, 30)})`;
  const channel = () => `${n(60, 190)}+${n(25, 60)}*(${wave()})`;
  return `nullsrc=s=${W}x${H}:r=${FPS},format=gbrp,geq=r='${channel()}':g='${channel()}':b='${channel()}'`;
}

/** Shot k (0, 1, 2, …): a seeded generator that keeps moving, different for every k (no two share a look). */
function shot(k, dur) {
  const hue = hues[k % hues.length];
  switch (k % 4) {
    case 0: {
      const [x, y] = targets[(k / 4) % targets.length];
      return (
        `mandelbrot=s=${W}x${H}:r=${FPS}:maxiter=256:start_x=${x}:start_y=${y}:start_scale=${2 + (k % 5) * 0.3}:` +
        `end_scale=0.2:end_pts=${dur * FPS}:outer=normalized_iteration_count,hue=h=${hue}:s=1.3`
      );
    }
    case 1:
      // Two generations a second (frames repeat in between): half a second later it still looks alike.
      return (
        `life=s=40x23:r=2:seed=${1000 + k}:ratio=0.${3 + (k % 4)}:mold=20:` +
        `life_color=${hex(0x30f0a0 + k * 0x1f3d5b)}:death_color=${hex(0x101830 + k * 0x0b0705)}:` +
        `mold_color=${hex(0xa04020 + k * 0x3b1d07)},scale=${W}:${H}:flags=neighbor,fps=${FPS}`
      );
    default:
      return plasma(k);
  }
}

/** A two-shot source graph of `dur` seconds, as yuv444p 320x180 frames at 25 fps (converted by each encoding). */
const twoShots = (k, dur) =>
  `${shot(2 * k, dur / 2)},trim=duration=${dur / 2},setpts=PTS-STARTPTS,setsar=1,format=yuv444p[a];` +
  `${shot(2 * k + 1, dur / 2)},trim=duration=${dur / 2},setpts=PTS-STARTPTS,setsar=1,format=yuv444p[b];[a][b]concat=n=2:v=1`;

/** Renders the lavfi graph to a lossless intermediate that every fixture is encoded from. */
function master(name, graph) {
  const file = join(work, `${name}.mkv`);
  ffmpeg(['-f', 'lavfi', '-i', graph, '-c:v', 'ffv1', '-pix_fmt', 'yuv444p', ...BITEXACT, file]);
  return file;
}

const x264 = (pixFmt = 'yuv420p', extra = []) => [
  ...['-c:v', 'libx264', '-preset', 'medium', '-crf', '30', '-pix_fmt', pixFmt, '-g', '50', '-bf', '2'],
  ...['-x264-params', 'threads=1:lookahead-threads=1'],
  ...extra,
];

// ---------------------------------------------------------------------------------------------------- the library
// Each: class, notes, duration, how to make it from its master (src → out) and the file name.

const library = [
  ...[90, 180, 270].map((rotation, i) => ({
    name: `rotated-${rotation}.${i === 1 ? 'mov' : 'mp4'}`,
    cls: 'rotation',
    notes: `H.264 stored landscape, shown turned ${rotation}° (the track matrix, as a phone writes it)`,
    // ffmpeg 5.1 writes the rotate tag as a track matrix only when copying the stream, not when encoding.
    make: (src, out) => {
      const plain = join(work, `rotated-${rotation}-plain.mp4`);
      ffmpeg(['-i', src, ...x264(), ...BITEXACT, plain]);
      ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${rotation}`, '-fflags', '+bitexact', out]);
    },
  })),
  {
    name: 'chroma-444.mp4',
    cls: 'yuv444p',
    notes: 'H.264 High 4:4:4',
    make: (src, out) => ffmpeg(['-i', src, ...x264('yuv444p'), ...BITEXACT, out]),
  },
  {
    name: 'chroma-422.mp4',
    cls: 'yuv422p',
    notes: 'H.264 High 4:2:2',
    make: (src, out) => ffmpeg(['-i', src, ...x264('yuv422p'), ...BITEXACT, out]),
  },
  {
    name: 'hdr-hevc-10bit.mp4',
    cls: '10-bit',
    notes: 'HEVC Main 10, yuv420p10le, hvc1',
    make: (src, out) =>
      ffmpeg([
        '-i',
        src,
        '-c:v',
        'libx265',
        '-preset',
        'fast',
        '-crf',
        '28',
        '-pix_fmt',
        'yuv420p10le',
        '-tag:v',
        'hvc1',
        '-x265-params',
        'pools=1:frame-threads=1:log-level=error:keyint=50',
        ...BITEXACT,
        out,
      ]),
  },
  {
    name: 'hdr-vp9-10bit.webm',
    cls: '10-bit',
    notes: 'VP9 profile 2, yuv420p10le',
    make: (src, out) =>
      ffmpeg([
        '-i',
        src,
        '-c:v',
        'libvpx-vp9',
        '-b:v',
        '0',
        '-crf',
        '36',
        '-cpu-used',
        '4',
        '-row-mt',
        '0',
        '-pix_fmt',
        'yuv420p10le',
        '-g',
        '50',
        ...BITEXACT,
        out,
      ]),
  },
  {
    name: 'hdr-av1-10bit.mp4',
    cls: '10-bit',
    notes: 'AV1 Main, yuv420p10le (SVT-AV1)',
    make: (src, out) =>
      ffmpeg([
        '-i',
        src,
        '-c:v',
        'libsvtav1',
        '-preset',
        '10',
        '-crf',
        '40',
        '-g',
        '50',
        '-pix_fmt',
        'yuv420p10le',
        ...BITEXACT,
        out,
      ]),
  },
  {
    name: 'full-range.mp4',
    cls: 'full range',
    notes: 'H.264 yuvj420p: full-range samples, flagged in the bitstream',
    make: (src, out) => ffmpeg(['-i', src, ...x264('yuvj420p', ['-color_range', 'pc']), ...BITEXACT, out]),
  },
  {
    name: 'screen-recording.mp4',
    cls: 'VFR',
    duration: 12,
    notes: 'VFR: frames only while something moves; stills of 3 s and 3.5 s, the last up to the end',
    // The frame before each still stretch stays on screen until the next frame (or the end, at 11.96 s).
    make: (src, out) =>
      ffmpeg([
        '-i',
        src,
        '-vf',
        "select='lt(t,2.5)+between(t,5.5,8.02)+gte(t,11.95)'",
        '-fps_mode',
        'passthrough',
        ...x264(),
        '-video_track_timescale',
        '90000',
        ...BITEXACT,
        out,
      ]),
  },
  {
    name: 'phone.3gp',
    cls: 'H.263 3GP',
    notes: 'H.263 176x144 in 3GP, as an old phone records: 15 fps, no frames while the picture stalls (1.5 s twice)',
    make: (src, out) =>
      ffmpeg([
        '-i',
        src,
        '-vf',
        "scale=176:144,fps=15,select='not(between(t,2.5,4))*not(between(t,5.5,7))'",
        '-fps_mode',
        'passthrough',
        '-c:v',
        'h263',
        '-q:v',
        '10',
        '-g',
        '30',
        ...BITEXACT,
        out,
      ]),
  },
  {
    name: 'xvid.avi',
    cls: 'AVI',
    notes: 'MPEG-4 Part 2 (XVID tag) with B-frames in AVI',
    make: (src, out) =>
      ffmpeg(['-i', src, '-c:v', 'mpeg4', '-vtag', 'XVID', '-q:v', '9', '-bf', '2', '-g', '50', ...BITEXACT, out]),
  },
  {
    name: 'divx3.avi',
    cls: 'AVI',
    notes: 'DivX 3 (MS MPEG-4 v3) in AVI, an old codec',
    make: (src, out) =>
      ffmpeg(['-i', src, '-c:v', 'msmpeg4', '-vtag', 'DIV3', '-q:v', '10', '-g', '50', ...BITEXACT, out]),
  },
  {
    name: 'edit-list.mp4',
    cls: 'edit list',
    notes: 'H.264 cut without re-encoding 1.3 s in: an edit list skips the frames before the cut',
    make: (src, out) => {
      const full = join(work, 'edit-list-full.mp4');
      ffmpeg(['-i', src, ...x264(), ...BITEXACT, full]);
      ffmpeg(['-ss', '1.3', '-i', full, '-c', 'copy', ...BITEXACT, out]);
    },
    cut: 1.3,
  },
  {
    name: 'late-start.m2ts', // not .ts: TypeScript tooling would read it as source
    cls: 'start time',
    notes: 'MPEG-TS whose timestamps start at 10 s',
    make: (src, out) => ffmpeg(['-i', src, ...x264(), '-output_ts_offset', '10', ...BITEXACT, out]),
  },
  {
    name: 'cut.mkv',
    cls: 'start time',
    notes: 'Matroska cut without re-encoding: the first frame is shown after 0 (B-frame delay)',
    make: (src, out) => {
      const full = join(work, 'negative-full.mkv');
      ffmpeg(['-i', src, ...x264(), ...BITEXACT, full]);
      ffmpeg(['-ss', '1.5', '-i', full, '-c', 'copy', '-avoid_negative_ts', 'disabled', ...BITEXACT, out]);
    },
    cut: 1.5,
    // Its times are its timestamps as they are, not counted from its start_time (0.06 s): Chromium plays it on that
    // timeline (its <video> at 2.0 s shows the frame stamped 1.98 s, checked by seeking and comparing pictures), and
    // the app's moments are seek times for that player. Frames before 0 (the cut's lead-in) are never shown. Frames
    // and clips are chosen on the start_time timeline as before; only the times written down are shifted.
    timeZero: 0,
  },
  {
    name: 'static-camera.mp4',
    cls: 'static camera',
    notes: 'a still scene; only a small box crosses it (a security camera)',
    graph: () =>
      `${shot(40, 1)},trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${FPS}/TB[bg];` +
      `color=c=orange:s=36x54:r=${FPS}[box];[bg][box]overlay=x='10+t*30':y='90-20*sin(t)',trim=duration=8,format=yuv444p`,
    make: (src, out) => ffmpeg(['-i', src, ...x264(), ...BITEXACT, out]),
  },
  {
    name: 'loop.mp4',
    cls: 'loop',
    loopPeriod: 2,
    notes: 'the same 2 s repeated four times (a looping animation)',
    graph: () => `${shot(41, 2)},trim=duration=2,format=yuv444p,loop=loop=3:size=50,setpts=N/${FPS}/TB`,
    make: (src, out) => ffmpeg(['-i', src, ...x264('yuv420p', ['-g', '25']), ...BITEXACT, out]),
  },
  // High-frequency textures, appended so that the files above keep their content and their queries.
  {
    name: 'cellular.mp4',
    cls: 'texture',
    notes:
      'one-pixel cellular automata (rule 110, then rule 30) scrolling a row a frame: detail only at the finest scale',
    graph: () =>
      ['110', '30']
        .map(
          (rule, i) =>
            `cellauto=s=${W}x${H}:r=${FPS}:rule=${rule}:random_fill_ratio=0.5:random_seed=${17 + i}:scroll=1:full=1,` +
            `trim=duration=4,setpts=PTS-STARTPTS,format=yuv444p[s${i}];`,
        )
        .join('') + '[s0][s1]concat=n=2:v=1',
    make: (src, out) => ffmpeg(['-i', src, ...x264(), ...BITEXACT, out]),
  },
  {
    name: 'foliage.mp4',
    cls: 'texture',
    notes: 'fine foliage: one-pixel Game of Life with mould, a generation a frame, in greens, then in autumn colours',
    graph: () =>
      [
        ['#c8ffa0', '#102010', '#407020'],
        ['#ffd070', '#301808', '#a04818'],
      ]
        .map(
          ([life, death, mold], i) =>
            `life=s=${W}x${H}:r=${FPS}:seed=${31 + i}:ratio=0.5:mold=10:life_color=${life}:death_color=${death}:` +
            `mold_color=${mold},trim=duration=4,setpts=PTS-STARTPTS,format=yuv444p[s${i}];`,
        )
        .join('') + '[s0][s1]concat=n=2:v=1',
    make: (src, out) => ffmpeg(['-i', src, ...x264(), ...BITEXACT, out]),
  },
  {
    name: 'grain-160x90.mp4',
    cls: 'texture',
    notes: 'noise at low resolution: a 160x90 night scene under heavy grain that changes every frame',
    graph: () =>
      `${shot(36, 8)},trim=duration=8,scale=160:90:flags=area,eq=brightness=-0.25,` +
      `noise=alls=45:allf=t+u:all_seed=5,format=yuv444p`,
    make: (src, out) => ffmpeg(['-i', src, ...x264(), ...BITEXACT, out]),
  },
];

// ---------------------------------------------------------------------------------------------------- queries

/** Every frame ffmpeg shows (rotation applied) with its presentation time (s, the container's own: -copyts). */
function shownFrames(file) {
  const out = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-copyts',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-vf',
      'showinfo',
      '-fps_mode',
      'passthrough',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (out.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${out.stderr}`);
  return [...out.stderr.matchAll(/\] n:\s*(\d+) pts:\s*-?\d+ pts_time:(-?[\d.]+)/g)].map((m) => Number(m[2]));
}

/**
 * Writes frames `indices` of `file` as JPEG (quality 3 of 31) as they are shown: rotated, non-square pixels (3GP,
 * the loop's blown-up grid) stretched to square ones, optionally mirrored.
 */
function writeFrames(file, indices, names, { mirror = false } = {}) {
  const select = indices.map((n) => `eq(n\\,${n})`).join('+');
  const pattern = join(work, 'frame-%d.jpg');
  ffmpeg([
    '-copyts',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    `select='${select}',scale='trunc(iw*sar)':ih,setsar=1${mirror ? ',hflip' : ''}`,
    '-fps_mode',
    'passthrough',
    '-q:v',
    '3',
    pattern,
  ]);
  names.forEach((name, i) => renameSync(join(work, `frame-${i + 1}.jpg`), join(queryDir, name)));
}

/**
 * Every frame ffmpeg shows, in shownFrames' order, as RGB averaged over 8×8 blocks (as stored: no rotation, which
 * changes nothing here). Averaging keeps what moves (a shifted edge changes its blocks by its contrast / 8) and
 * evens out the coding noise an encoder leaves on a repeated frame (skip blocks, a few refined ones).
 */
function blockPictures(file, count) {
  const raw = run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-copyts', '-noautorotate', '-i', file, '-map', '0:v:0'],
    ...['-vf', `scale='trunc(iw/8)':'trunc(ih/8)':flags=area,format=rgb24`, '-fps_mode', 'passthrough'],
    ...['-f', 'rawvideo', '-'],
  ]);
  const size = raw.length / count;
  if (!Number.isInteger(size)) throw new Error(`${file}: ${raw.length} bytes of pictures for ${count} frames`);
  return Array.from({ length: count }, (_, n) => raw.subarray(n * size, (n + 1) * size));
}

// Two frames show the same picture when their block averages differ by at most SAME_MEAN on average and nowhere by
// more than SAME_MAX (of 255). Measured on the library (the runs are printed): a Game of Life generation repeated by
// fps=25 stays within a mean of 0.1 and a max of 7 of its first frame in the H.264 files (0.31 and 13 in the H.263
// 3GP, where one run splits), while moving plasma and Mandelbrot zooms change frame to frame by a mean of 0.4 to 10
// and the static camera's box, where it moves, mostly by a max of 14 to 55. What the encoder left identical counts
// as identical: the decoded box moves in steps, so some of its frames repeat (runs of 2), and HEVC and H.264 4:4:4
// code a few slow plasma frames as copies. VP9's alt-ref noise on repeats (a mean up to 0.96) looks like slow
// plasma, so its Life runs come out shorter than they are (never longer).
const SAME_MEAN = 0.35;
const SAME_MAX = 12;
function samePicture(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > SAME_MAX) return false;
    sum += d;
  }
  return sum / a.length <= SAME_MEAN;
}

/**
 * The run of consecutive frames around frame n that show the same picture as frame n: [first, last] index. Each is
 * compared with frame n itself, not with its neighbour, so a slow drift cannot chain into a run.
 */
function stillRun(pictures, n) {
  let [lo, hi] = [n, n];
  while (lo > 0 && samePicture(pictures[lo - 1], pictures[n])) lo--;
  while (hi < pictures.length - 1 && samePicture(pictures[hi + 1], pictures[n])) hi++;
  return [lo, hi];
}

/** The runs a file falls into (each frame starts a run unless it shows the same picture as the run's first). */
function runLengths(pictures) {
  const lengths = [];
  for (let n = 0; n < pictures.length;) {
    const [, hi] = stillRun(pictures, n);
    lengths.push(hi - n + 1);
    n = hi + 1;
  }
  return lengths;
}

const round6 = (t) => Number(t.toFixed(6));
const IMAGES_PER_VIDEO = 6;
const MIRRORED = new Set(['rotated-90.mp4', 'chroma-444.mp4', 'full-range.mp4', 'xvid.avi']);

function main() {
  if (!manifestOnly) rmSync(outDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  for (const dir of [libDir, queryDir, work]) mkdirSync(dir, { recursive: true });
  const random = prng(2026_12_02);
  const manifest = { videos: [], images: [], clips: [], outside: [] };
  library.forEach((video, k) => {
    const out = join(libDir, video.name);
    if (!manifestOnly) {
      const src = master(video.name, video.graph?.() ?? twoShots(k, video.cls === 'VFR' ? 12 : 8 + (video.cut ?? 0)));
      video.make(src, out);
    }
    const { format, streams } = probe(out, ['-show_format', '-show_streams', '-select_streams', 'v:0']);
    const s = streams[0];
    const rotation = Number(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0);
    const startTime = Number(format.start_time ?? 0);
    const zero = Math.max(0, startTime);
    const times = shownFrames(out).map((t) => round6(t - zero));
    const length = Number(format.duration);
    const turned = Math.abs(rotation) % 180 === 90;
    const pictures = blockPictures(out, times.length);
    const same = (n) => stillRun(pictures, n).map((i) => times[i]);
    const lengths = runLengths(pictures);
    const counts = new Map();
    for (const l of lengths) counts.set(l, (counts.get(l) ?? 0) + 1);
    const histogram = [...counts].sort(([a], [b]) => a - b).map(([l, c]) => `${c}×${l}`);
    console.log(`  ${video.name}: runs of the same picture (count×frames): ${histogram.join(' ')}`);
    manifest.videos.push({
      path: `library/${video.name}`,
      class: video.cls,
      notes: video.notes,
      duration: length,
      startTime,
      width: turned ? s.height : s.width,
      height: turned ? s.width : s.height,
      codec: s.codec_name,
      pixFmt: s.pix_fmt,
      rotation,
      loopPeriod: video.loopPeriod ?? null,
      frames: times.length,
    });
    // Queries: frames in [0.5, end - 0.5], spread (one per sixth of that range, random inside it).
    const usable = times.map((t, n) => ({ t, n })).filter(({ t }) => t >= 0.5 && t <= length - 0.5);
    const picks = Array.from({ length: IMAGES_PER_VIDEO }, (_, i) => {
      const from = Math.floor((i * usable.length) / IMAGES_PER_VIDEO);
      const to = Math.floor(((i + 1) * usable.length) / IMAGES_PER_VIDEO);
      return usable[from + Math.floor(random() * (to - from))];
    });
    const base = video.name.replace(/\.[^.]+$/, '');
    const names = picks.map((p) => `${base}-${p.n}.jpg`);
    if (!manifestOnly)
      writeFrames(
        out,
        picks.map((p) => p.n),
        names,
      );
    picks.forEach((p, i) =>
      manifest.images.push({
        path: `queries/${names[i]}`,
        video: `library/${video.name}`,
        class: video.cls,
        time: p.t,
        same: same(p.n),
        mirrored: false,
      }),
    );
    if (MIRRORED.has(video.name)) {
      const p = picks[2];
      const name = `${base}-${p.n}-mirrored.jpg`;
      if (!manifestOnly) writeFrames(out, [p.n], [name], { mirror: true });
      manifest.images.push({
        path: `queries/${name}`,
        video: `library/${video.name}`,
        class: 'mirrored',
        time: p.t,
        same: same(p.n),
        mirrored: true,
      });
    }
    // One re-encoded clip of 3 s, 144 px high, 25 fps, alternately VP9/WebM and H.264/MP4, from a shown frame.
    const starts = usable.filter(({ t }) => t <= length - 3.5);
    const start = starts[Math.floor(random() * starts.length)];
    const webm = k % 2 === 0;
    const clip = `${base}-clip.${webm ? 'webm' : 'mp4'}`;
    const codec = webm
      ? ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '48', '-cpu-used', '4', '-row-mt', '0']
      : ['-c:v', 'libx264', '-crf', '32', '-pix_fmt', 'yuv420p'];
    if (!manifestOnly)
      ffmpeg([
        '-copyts',
        '-i',
        out,
        '-map',
        '0:v:0',
        '-vf',
        `trim=start=${start.t + zero - 0.0005},setpts=PTS-STARTPTS,fps=${FPS},scale=-2:144`,
        '-t',
        '3',
        ...codec,
        ...BITEXACT,
        join(queryDir, clip),
      ]);
    manifest.clips.push({
      path: `queries/${clip}`,
      video: `library/${video.name}`,
      class: video.cls,
      start: start.t,
      same: same(start.n),
      duration: 3,
    });
  });
  // Frames of two videos that are not in the library (shots no library file uses).
  for (const k of [22, 23]) {
    const src = master(`outside-${k}`, twoShots(k, 9));
    const times = shownFrames(src);
    const indices = [40, 80, 120, 140, 180, 210];
    const names = indices.map((n) => `outside-${k}-${n}.jpg`);
    if (!manifestOnly) writeFrames(src, indices, names);
    names.forEach((name, i) => manifest.outside.push({ path: `queries/${name}`, time: round6(times[indices[i]]) }));
  }
  for (const video of library.filter((v) => v.timeZero !== undefined)) {
    const entry = manifest.videos.find((v) => v.path === `library/${video.name}`);
    const shift = Math.max(0, entry.startTime) - video.timeZero;
    const moved = (t) => round6(t + shift);
    for (const q of manifest.images.filter((i) => i.video === entry.path)) {
      q.time = moved(q.time);
      q.same = q.same.map(moved);
    }
    for (const c of manifest.clips.filter((i) => i.video === entry.path)) {
      c.start = moved(c.start);
      c.same = c.same.map(moved);
    }
  }
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const total = [libDir, queryDir].flatMap((d) => readdirSync(d).map((f) => statSync(join(d, f)).size));
  const bytes = total.reduce((a, b) => a + b, 0);
  console.log(
    `${manifest.videos.length} videos, ${manifest.images.length} frames, ${manifest.clips.length} clips: ${(bytes / 1048576).toFixed(2)} MB`,
  );
  for (const v of manifest.videos)
    console.log(
      `  ${v.path.padEnd(32)} ${String(statSync(join(outDir, v.path)).size).padStart(8)} B  ${v.codec} ${v.pixFmt} rot ${v.rotation} start ${v.startTime} dur ${v.duration} frames ${v.frames}`,
    );
  if (bytes > MAX_TOTAL_BYTES) throw new Error(`the fixtures take ${bytes} bytes, over the ${MAX_TOTAL_BYTES} budget`);
  rmSync(work, { recursive: true, force: true });
}

main();
