// Screenshots of the real files in ../shared/media-dev for search-media-dev.e2e.ts. A file the page's <video> plays
// is drawn from it (Chromium applies rotation and tone mapping); any other file's frames are written by Debian's
// native ffmpeg as a user's player shows them (rotation applied, square pixels, PQ/HLG tone-mapped to SDR BT.709
// when this ffmpeg has zscale and tonemap) and handed to the page as PNG. Either way the same screenshot transforms
// as search-quality.e2e.ts's are applied by renderImage (search-queries.ts), as realworld-queries.ts does for
// still frames. Query times are spread over the whole file, short files (down to MIN_DURATION) included.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seededRandom } from '../shared/random';
import {
  describeTransform,
  imageTransforms,
  renderImage,
  withTransformParams,
  type ImagePlan,
  type ImageQuery,
} from './search-queries';

/** Files shorter than this (s) get no screenshots. */
export const MIN_DURATION = 0.25;

export interface MediaDevProbe {
  /** Container duration (s). */
  duration: number;
  /** The container's start time; times here are relative to max(0, start). */
  startTime: number;
  rotation: number;
  codec: string;
  pixFmt: string;
  /** color_transfer: smpte2084 (PQ), arib-std-b67 (HLG), bt709, unknown … */
  transfer: string;
  /** Presentation times (s, relative to the start, ≥ 0, ascending) of the video packets that are shown. */
  frames: number[];
}

function run(cmd: string, args: string[]): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${out.stderr}`);
  return cmd === 'ffmpeg' ? out.stderr : out.stdout;
}

/** Stream facts and the frame grid (from the packets' pts, edit-list discards dropped: no decoding). */
export function probeMediaDev(file: string): MediaDevProbe {
  const info = JSON.parse(
    run('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,pix_fmt,color_transfer:stream_side_data=rotation:format=duration,start_time',
      '-of',
      'json',
      file,
    ]),
  ) as {
    streams: {
      codec_name?: string;
      pix_fmt?: string;
      color_transfer?: string;
      side_data_list?: { rotation?: number }[];
    }[];
    format: { duration?: string; start_time?: string };
  };
  const s = info.streams[0] ?? {};
  const startTime = Number(info.format.start_time ?? 0);
  const zero = Math.max(0, startTime);
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
  ]);
  const frames = packets
    .split('\n')
    .map((line) => line.split(','))
    .filter(([pts, flags]) => pts && pts !== 'N/A' && !flags?.includes('D'))
    .map(([pts]) => Number(pts) - zero)
    .filter((t) => t >= 0)
    .sort((a, b) => a - b);
  return {
    duration: Number(info.format.duration ?? 0),
    startTime,
    rotation: Number(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0),
    codec: s.codec_name ?? 'unknown',
    pixFmt: s.pix_fmt ?? 'unknown',
    transfer: s.color_transfer ?? 'unknown',
    frames,
  };
}

/** Each decoded frame's time and framemd5 hash, per file (decoded once); null past a minute or when it fails. */
const hashes = new Map<string, { time: number; hash: string }[] | null>();
function decodedHashes(file: string, probe: MediaDevProbe): { time: number; hash: string }[] | null {
  if (hashes.has(file)) return hashes.get(file)!;
  let frames: { time: number; hash: string }[] | null = null;
  if (probe.duration <= 60) {
    const out = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-copyts', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough'].concat(
        ['-f', 'framemd5', '-'],
      ),
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    const base = /#tb 0: (\d+)\/(\d+)/.exec(out.stdout);
    const zero = Math.max(0, probe.startTime);
    if (out.status === 0 && base)
      frames = out.stdout
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(',').map((c) => c.trim()))
        .map((c) => ({ time: (Number(c[2]) * Number(base[1])) / Number(base[2]) - zero, hash: c[5] }))
        .sort((a, b) => a.time - b.time);
  }
  hashes.set(file, frames);
  return frames;
}

/** Each decoded frame's luma at 320 × 180 (in `decodedHashes`' order), per file; null as there, or on a mismatch. */
const thumbnails = new Map<string, Uint8Array[] | null>();
function decodedThumbnails(file: string, probe: MediaDevProbe): Uint8Array[] | null {
  if (thumbnails.has(file)) return thumbnails.get(file)!;
  const frames = decodedHashes(file, probe);
  let out: Uint8Array[] | null = null;
  if (frames) {
    const size = 320 * 180;
    const run = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-copyts', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough'].concat(
        ['-vf', 'scale=320:180,format=gray', '-f', 'rawvideo', '-'],
      ),
      { maxBuffer: 1 << 28 },
    );
    if (run.status === 0 && run.stdout.length === frames.length * size)
      out = frames.map((_, i) => new Uint8Array(run.stdout.buffer, run.stdout.byteOffset + i * size, size));
  }
  thumbnails.set(file, out);
  return out;
}

/**
 * How much the frame shown at `time` differs from the nearest different frame on either side, the larger of the
 * two (mean absolute luma difference, 0–255, at 320 × 180; Debian ffmpeg): what tells moving content from a still
 * one. Null when the file was not decoded for it (over a minute).
 */
export function frameMotion(file: string, probe: MediaDevProbe, time: number): number | null {
  const frames = decodedHashes(file, probe);
  const thumbs = decodedThumbnails(file, probe);
  if (!frames || !thumbs) return null;
  const n = Math.max(
    0,
    frames.findLastIndex((f) => f.time <= time + 1e-3),
  );
  const differs = (k: number) => {
    let sum = 0;
    for (let i = 0; i < thumbs[n].length; i++) sum += Math.abs(thumbs[k][i] - thumbs[n][i]);
    return sum / thumbs[n].length;
  };
  let [before, after] = [n - 1, n + 1];
  while (before >= 0 && frames[before].hash === frames[n].hash) before--;
  while (after < frames.length && frames[after].hash === frames[n].hash) after++;
  return Math.max(before >= 0 ? differs(before) : 0, after < frames.length ? differs(after) : 0);
}

/**
 * [first, last] time (s, as `frames`) of the run of bit-identical decoded frames that holds the frame shown at
 * `time` (Debian ffmpeg's framemd5): a still test pattern shows the same picture in every frame, so any of them is
 * that moment. Files longer than a minute are not decoded for it: [time, time].
 */
export function identicalRun(file: string, probe: MediaDevProbe, time: number): [number, number] {
  const frames = decodedHashes(file, probe);
  if (!frames) return [time, time];
  let n = frames.findLastIndex((f) => f.time <= time + 1e-3);
  if (n < 0) return [time, time];
  const hash = frames[n].hash;
  let last = n;
  while (last + 1 < frames.length && frames[last + 1].hash === hash) last++;
  while (n > 0 && frames[n - 1].hash === hash) n--;
  return [Math.min(frames[n].time, time), Math.max(frames[last].time, time)];
}

export const isHdr = (p: MediaDevProbe) => p.transfer === 'smpte2084' || p.transfer === 'arib-std-b67';

export const mediaDevKinds = [
  'rotation',
  'HDR/10-bit',
  'motion photo',
  'odd container',
  'subtitles/copies',
  'long',
  'other',
] as const;
export type MediaDevKind = (typeof mediaDevKinds)[number];

/**
 * A file's kind, from the manifest's `what` and the file name, with the probe for what they leave unsaid (a phone
 * recording whose container turns it, an edit-list sample that is HLG). First match wins: HDR/10-bit, motion photo,
 * rotation, subtitles/copies, odd container, long, other.
 */
export function mediaDevKind(name: string, what: string, probe: MediaDevProbe): MediaDevKind {
  const text = `${name} ${what}`;
  if (/hdr|hlg|10-bit|10bit|dolby|dovi/i.test(text) || isHdr(probe) || /10le$/.test(probe.pixFmt)) return 'HDR/10-bit';
  if (/motion.photo|top_shots|still-image/i.test(text)) return 'motion photo';
  if (/rotat|portrait/i.test(text) || probe.rotation % 360 !== 0) return 'rotation';
  if (/subtitle|_srt|_ass_|_vtt_|_pgs_/i.test(text)) return 'subtitles/copies';
  if (/\.(avi|flv|ts)$/i.test(name) || /edit list|timestamps|sync-sample|chapter|little-endian/i.test(what))
    return 'odd container';
  if (/long/i.test(name) || probe.duration >= 60) return 'long';
  return 'other';
}

export interface FramePick {
  /** Presentation time (s, relative to the start) of the picked frame in ffprobe's grid. */
  time: number;
  /** The time to ask a <video> for: the middle between this frame and the next. */
  requested: number;
  /** Window (s, relative) holding this frame and no other: halfway to each neighbour. */
  from: number;
  to: number;
}

/**
 * `count` frames spread over the file: one in each of `count` equal parts of the shown frames (seeded), never the
 * last frame (a player shows it only at the very end). Files of 2 s and more keep out of their first and last half
 * second (fades, black), as the other search tests do.
 */
export function pickFrames(probe: MediaDevProbe, count: number, random: () => number): FramePick[] {
  const all = probe.frames;
  const [lo, hi] = probe.duration >= 2 ? [0.5, probe.duration - 0.5] : [0, Infinity];
  const usable = all
    .map((t, n) => ({ t, n }))
    .slice(0, -1)
    .filter(({ t }) => t >= lo && t <= hi);
  if (usable.length === 0) return [];
  const picks: FramePick[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * usable.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * usable.length) / count));
    const { t, n } = usable[Math.min(usable.length - 1, from + Math.floor(random() * (to - from)))];
    if (picks.some((p) => p.time === t)) continue;
    const next = all[n + 1];
    const prev = n > 0 ? all[n - 1] : t - (next - t);
    picks.push({ time: t, requested: (t + next) / 2, from: (prev + t) / 2, to: (t + next) / 2 });
  }
  return picks;
}

let toneMapping: boolean | undefined;
/** Whether this ffmpeg has the zscale and tonemap filters (Debian's does). */
export function ffmpegToneMaps(): boolean {
  toneMapping ??= (() => {
    const filters = spawnSync('ffmpeg', ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout ?? '';
    return /^\s*\S+\s+zscale\s/m.test(filters) && /^\s*\S+\s+tonemap\s/m.test(filters);
  })();
  return toneMapping;
}

const HDR_TO_SDR =
  'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv';

export interface FfmpegFrame {
  png: string;
  /** The frame's presentation time (s): showinfo's pts_time (-copyts) minus max(0, container start). */
  time: number;
}

/**
 * Writes the picked frames of `file` as PNG into `dir` as a player shows them: ffmpeg's autorotation, pixels made
 * square, HDR tone-mapped to SDR BT.709 when `toneMap`. One ffmpeg run selects each pick's window; the frames come
 * out in time order with showinfo's pts_time.
 */
export function ffmpegFrames(
  file: string,
  probe: MediaDevProbe,
  picks: FramePick[],
  dir: string,
  prefix: string,
  toneMap: boolean,
): FfmpegFrame[] {
  if (picks.length === 0) return [];
  const zero = Math.max(0, probe.startTime);
  const select = picks
    .map((p) => `between(t\\,${(p.from + zero).toFixed(6)}\\,${(p.to + zero - 1e-6).toFixed(6)})`)
    .join('+');
  const filters = [`select='${select}'`, 'showinfo', "scale='trunc(iw*sar)':ih", 'setsar=1'];
  if (toneMap) filters.push(HDR_TO_SDR);
  filters.push('format=rgb24');
  const log = run('ffmpeg', [
    '-hide_banner',
    '-y',
    '-copyts',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vf',
    filters.join(','),
    '-fps_mode',
    'passthrough',
    // Decoding stops at the last pick's frame.
    '-frames:v',
    String(picks.length),
    join(dir, `${prefix}-%d.png`),
  ]);
  const times = [...log.matchAll(/\] n:\s*(\d+) pts:\s*-?\d+ pts_time:(-?[\d.]+)/g)].map((m) => Number(m[2]));
  return times.map((t, i) => ({ png: join(dir, `${prefix}-${i + 1}.png`), time: Math.max(0, t - zero) }));
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The screenshot queries of one file: each pick drawn from the <video> at `videoUrl` (its own presented time is the
 * truth), or from the ffmpeg frames (their pts is the truth), transformed as renderImage does; the transforms cycle
 * downscale → jpeg → crop → brightness → letterbox → caption from `firstTransform` on, their parameters drawn from
 * `seed`.
 */
export async function mediaDevQueries(
  page: Page,
  source: { path: string; videoUrl: string } | { path: string; frames: FfmpegFrame[] },
  picks: FramePick[],
  firstTransform: number,
  seed: number,
): Promise<ImageQuery[]> {
  const random = seededRandom(seed);
  const shots =
    'videoUrl' in source
      ? picks.map((p) => ({ url: source.videoUrl, time: p.requested, fromImage: false }))
      : await Promise.all(
          source.frames.map(async (f) => ({ url: await pngUrl(page, f.png), time: f.time, fromImage: true })),
        );
  const out: ImageQuery[] = [];
  for (const [k, shot] of shots.entries()) {
    const index = firstTransform + k;
    const transform = imageTransforms[index % imageTransforms.length];
    const plan: ImagePlan = withTransformParams(
      {
        index,
        video: { path: source.path, duration: 0 },
        requestedTime: shot.time,
        transform,
        fromImage: shot.fromImage,
      },
      random,
    );
    const r = await renderImage(page, shot.url, plan);
    if (shot.fromImage) await page.evaluate((url) => URL.revokeObjectURL(url), shot.url);
    out.push({
      kind: 'image',
      bytes: Buffer.from(r.base64, 'base64'),
      base64: r.base64,
      mime: r.mime,
      name: `${source.path}-${k}-${transform}.${r.mime === 'image/png' ? 'png' : 'jpg'}`,
      video: source.path,
      time: round3(r.time),
      requestedTime: shot.time,
      transform,
      detail: describeTransform(plan, r.width, r.height),
      width: r.width,
      height: r.height,
    });
  }
  return out;
}

/** A blob: URL in the page for a PNG written by ffmpeg. */
function pngUrl(page: Page, png: string): Promise<string> {
  return page.evaluate(
    async (base64) => URL.createObjectURL(await (await fetch(`data:image/png;base64,${base64}`)).blob()),
    readFileSync(png).toString('base64'),
  );
}
