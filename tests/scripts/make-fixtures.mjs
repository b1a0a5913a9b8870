#!/usr/bin/env node
// Generates the small, deterministic fixture library the tests scan, and the catalog they expect.
//
//   node tests/scripts/make-fixtures.mjs      (npm run fixtures)
//
// Needs Debian's ffmpeg + ffprobe (`sudo apt-get install -y ffmpeg`). Every source is a lavfi generator,
// encoders run single-threaded with bit-exact flags and no metadata, so re-running on the same ffmpeg
// build gives byte-identical files (and the same library.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', 'fixtures');
const libraryDir = join(fixturesDir, 'library');
const catalogFile = join(fixturesDir, 'library.json');

const VIDEO_EXTENSIONS = new Set(['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'ts', 'wmv', 'flv', 'mpg', 'mpeg']);

// Flags shared by every output: no encoder/version strings, no creation time, no inherited metadata.
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];
const X264 = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '30',
  '-pix_fmt',
  'yuv420p',
  '-threads',
  '1',
  '-x264-params',
  'threads=1:lookahead-threads=1:sliced-threads=0',
];
const AAC = ['-c:a', 'aac', '-b:a', '48k', '-ac', '1', '-ar', '44100'];

/**
 * Each fixture: a relative path (NFC) and either ffmpeg arguments, or literal bytes.
 * Notes on what each one exercises are kept beside it so tests can rely on them.
 */
const fixtures = [
  {
    // Moving test card with a burnt-in timer and a 440 Hz tone; keyframe every second (4 keyframes).
    path: 'sunrise.mp4',
    args: [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25:duration=4',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=44100:duration=4',
      ...X264,
      '-g',
      '25',
      '-keyint_min',
      '25',
      '-sc_threshold',
      '0',
      ...AAC,
      '-shortest',
      '-movflags',
      '+faststart',
    ],
  },
  {
    // VP9 in WebM, no audio: slowly turning sky-coloured gradients under seeded grain.
    // Every gradients colour is given: the filter's default colours are random whatever `seed` says.
    path: 'clouds.webm',
    args: [
      '-f',
      'lavfi',
      '-i',
      'gradients=size=320x180:rate=24:duration=3:speed=0.08:seed=7:nb_colors=4:' +
        'c0=0x1E3A8A:c1=0xF8FAFC:c2=0x60A5FA:c3=0xF59E0B:x0=40:y0=20:x1=280:y1=160',
      '-vf',
      'noise=all_seed=1234:alls=12:allf=t',
      '-t',
      '3',
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
      '-an',
    ],
  },
  {
    // Two shots with a hard cut at 1.5 s (colour bars, then a test pattern): a scene-detection fixture.
    path: 'trips/2024/beach day.mp4',
    args: [
      '-f',
      'lavfi',
      '-i',
      'smptebars=size=256x144:rate=25:duration=1.5',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=256x144:rate=25:duration=1.5',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=660:sample_rate=44100:duration=3',
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1:a=0[v]',
      '-map',
      '[v]',
      '-map',
      '2:a',
      ...X264,
      '-g',
      '50',
      ...AAC,
      '-shortest',
    ],
  },
  {
    // QuickTime container, a non-ASCII file name, portrait-ish odd size, no audio.
    path: 'trips/2024/Café Ünïcode.mov',
    args: [
      '-f',
      'lavfi',
      '-i',
      'rgbtestsrc=size=144x176:rate=30:duration=2',
      '-vf',
      'hue=H=2*PI*t:s=1',
      ...X264,
      '-g',
      '30',
      '-an',
      '-f',
      'mov',
    ],
  },
  {
    // Upper-case extension; a very short clip cut from the same generator as sunrise.mp4 (seconds 1–2),
    // so "search by clip" has a true match.
    path: 'trips/CLIP.MP4',
    args: [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25:duration=4',
      '-vf',
      'trim=start=1:end=2,setpts=PTS-STARTPTS',
      ...X264,
      '-g',
      '25',
      '-an',
      '-f',
      'mp4',
    ],
  },
  { path: 'notes.txt', bytes: 'Not a video. The scanner must skip this file.\n' },
  { path: 'empty.mp4', bytes: '' },
];

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error(`${cmd} not found. Install it with: sudo apt-get install -y ffmpeg`, { cause: err });
    }
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stderr ?? err.message}`, { cause: err });
  }
}

function isVideo(path) {
  const ext = path.split('.').pop().toLowerCase();
  return VIDEO_EXTENSIONS.has(ext);
}

function round(value, digits = 3) {
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function fps(rate) {
  if (!rate || rate === '0/0') return null;
  const [num, den] = rate.split('/').map(Number);
  return den ? round(num / den) : null;
}

function probe(file) {
  const out = run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const info = JSON.parse(out);
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  return {
    duration: round(info.format.duration),
    width: video?.width ?? null,
    height: video?.height ?? null,
    codec: video?.codec_name ?? null,
    fps: fps(video?.avg_frame_rate),
    audioCodec: audio?.codec_name ?? null,
    container: info.format.format_name,
  };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

function byCodePoint(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function main() {
  run('ffmpeg', ['-version']);
  rmSync(libraryDir, { recursive: true, force: true });
  mkdirSync(libraryDir, { recursive: true });

  for (const fixture of fixtures) {
    // NFC so the name is the same bytes on every file system that keeps names as given.
    const target = join(libraryDir, ...fixture.path.normalize('NFC').split('/'));
    mkdirSync(dirname(target), { recursive: true });
    if ('bytes' in fixture) {
      writeFileSync(target, fixture.bytes);
    } else {
      run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...fixture.args, ...BITEXACT, target]);
    }
    process.stdout.write(`  ${fixture.path}\n`);
  }

  const videos = listFiles(libraryDir)
    .map((full) => relative(libraryDir, full).split(sep).join('/'))
    .filter(isVideo)
    .sort(byCodePoint)
    .map((path) => {
      const full = join(libraryDir, ...path.split('/'));
      const size = statSync(full).size;
      const empty = {
        duration: null,
        width: null,
        height: null,
        codec: null,
        fps: null,
        audioCodec: null,
        container: null,
      };
      return { path, size, ...(size === 0 ? empty : probe(full)) };
    });

  // A plain array sorted by path; generated, do not edit by hand.
  writeFileSync(catalogFile, JSON.stringify(videos, null, 2) + '\n');

  const total = videos.reduce((sum, v) => sum + v.size, 0);
  process.stdout.write(
    `wrote ${videos.length} videos (${(total / 1024).toFixed(0)} KiB) and ${relative(process.cwd(), catalogFile)}\n`,
  );
}

main();
