// The fast MP4/MOV stream copy (src/lib/clips/mp4-trim.ts) on real files made here with /usr/bin/ffmpeg, each clip
// checked with ffprobe and decoded whole by ffmpeg: durations, frame counts, picture and sound starting together,
// rotation kept. The same on the real phone files of ../shared/media-dev when that folder is present.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHead } from '../../src/lib/clips/mp4-boxes';
import { keyframeAtOrBefore, planMp4Trim } from '../../src/lib/clips/mp4-trim';
import { fastKeyframeAtOrBefore, fastTrimCopy } from '../../src/workers/tools/mp4-copy';
import type { FileChunk } from '../../src/workers/tools/trim';

const dir = mkdtempSync(join(tmpdir(), 'ff-mp4-trim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'pipe' });

/** Cuts `range` of `path` with the fast path into `out`, as the worker does: the head, then one stretch of the file. */
export async function cut(path: string, range: { start: number; end: number }, out: string) {
  const bytes = readFileSync(path);
  const { ftyp, moov } = await readHead(bytes.byteLength, (at, length) =>
    Promise.resolve(new Uint8Array(bytes.buffer, bytes.byteOffset + at, length)),
  );
  const plan = planMp4Trim(ftyp, moov, range, bytes.byteLength);
  writeFileSync(out, Buffer.concat([plan.head, bytes.subarray(plan.from, plan.to)]));
  return plan;
}

interface Stream {
  codec_type: string;
  start_time: string;
  duration: string;
  nb_read_frames?: string;
  side_data_list?: { rotation?: number }[];
}

/** ffprobe's streams (frames counted) and the format duration of `path`. */
export function probe(path: string, count = true): { streams: Stream[]; duration: number } {
  const json = execFileSync('ffprobe', [
    ...['-v', 'error', ...(count ? ['-count_frames'] : [])],
    ...['-show_entries', 'stream=codec_type,start_time,duration,nb_read_frames'],
    ...['-show_entries', 'stream_side_data=rotation', '-show_entries', 'format=duration', '-of', 'json', path],
  ]).toString();
  const parsed = JSON.parse(json) as { streams: Stream[]; format: { duration: string } };
  return { streams: parsed.streams, duration: Number(parsed.format.duration) };
}

/** What ffmpeg says while decoding every frame of `path` (or its first `seconds`): nothing, for a whole file. */
export function decodeErrors(path: string, seconds?: number): string {
  const run = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    ...(seconds ? ['-t', `${seconds}`] : []),
    '-f',
    'null',
    '-',
  ]);
  return `${run.stderr.toString().trim()}${run.status ? ` (exit ${run.status})` : ''}`;
}

const frame = 1 / 25;
const source = join(dir, 'source.mp4');
const rotated = join(dir, 'rotated.mp4');
const mov = join(dir, 'source.mov');
const fragmented = join(dir, 'fragmented.mp4');
const ts = join(dir, 'source.ts');

beforeAll(() => {
  // 12 s, 25 fps with B-frames, a key frame every second, AAC with its usual priming edit: the common phone shape.
  const input = ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=12', '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=12'];
  const video = ['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-g', '25', '-pix_fmt', 'yuv420p'];
  ffmpeg(...input, ...video, '-c:a', 'aac', source);
  ffmpeg('-i', source, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated);
  ffmpeg('-i', source, '-c', 'copy', mov);
  ffmpeg('-i', source, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', fragmented);
  ffmpeg('-i', source, '-c', 'copy', ts);
});

describe('fast MP4 stream copy', () => {
  it('keeps the range from its key frame, picture and sound starting together, every frame decodable', async () => {
    const out = join(dir, 'clip.mp4');
    const plan = await cut(source, { start: 3, end: 8 }, out);
    expect(plan.duration).toBeCloseTo(5, 3);
    const { streams, duration } = probe(out);
    const v = streams.find((s) => s.codec_type === 'video')!;
    const a = streams.find((s) => s.codec_type === 'audio')!;
    expect(Math.abs(duration - 5)).toBeLessThanOrEqual(frame);
    expect(Number(v.nb_read_frames)).toBe(125);
    expect(Math.abs(Number(v.start_time))).toBeLessThanOrEqual(frame);
    expect(Math.abs(Number(a.start_time))).toBeLessThanOrEqual(frame);
    expect(Math.abs(Number(a.duration) - Number(v.duration))).toBeLessThanOrEqual(frame);
    expect(decodeErrors(out)).toBe('');
  });

  it('shows the same pictures as the source at the same times', async () => {
    const out = join(dir, 'same.mp4');
    await cut(source, { start: 4, end: 6 }, out);
    const hash = (path: string, args: string[]) =>
      execFileSync('ffmpeg', ['-v', 'error', ...args, '-i', path, '-frames:v', '50', '-f', 'framemd5', '-']).toString();
    const frames = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('0,'))
        .map((l) => l.split(',').pop()!.trim());
    expect(frames(hash(out, []))).toEqual(frames(hash(source, ['-ss', '4'])));
  });

  it('finds the key frame at or before a time from the moov alone, as ffprobe lists them', async () => {
    const bytes = readFileSync(source);
    const { moov } = await readHead(bytes.byteLength, (at, length) =>
      Promise.resolve(new Uint8Array(bytes.buffer, bytes.byteOffset + at, length)),
    );
    const keys = execFileSync('ffprobe', [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', source],
    ])
      .toString()
      .split('\n')
      .filter((l) => l.includes('K'))
      .map((l) => Number(l.split(',')[0]));
    expect(keys.slice(0, 4)).toEqual([0, 1, 2, 3]);
    for (const [time, key] of [
      [3.5, 3],
      [3, 3],
      [2.96, 2],
      [0, 0],
      [99, 11],
    ])
      expect(keyframeAtOrBefore(moov, time)).toBeCloseTo(key, 6);
  });

  it('keeps a rotated phone video rotated', async () => {
    const out = join(dir, 'rotated-clip.mp4');
    await cut(rotated, { start: 2, end: 5 }, out);
    const before = probe(rotated).streams.find((s) => s.codec_type === 'video')!;
    const after = probe(out).streams.find((s) => s.codec_type === 'video')!;
    expect(Math.abs(before.side_data_list?.[0]?.rotation ?? 0)).toBe(90);
    expect(after.side_data_list?.[0]?.rotation).toBe(before.side_data_list?.[0]?.rotation);
  });

  it('cuts a MOV, and a part that ends on the next key frame stops before it', async () => {
    const out = join(dir, 'clip.mov');
    await cut(mov, { start: 0, end: 2 }, out);
    const { streams, duration } = probe(out);
    expect(Math.abs(duration - 2)).toBeLessThanOrEqual(frame);
    expect(Number(streams.find((s) => s.codec_type === 'video')!.nb_read_frames)).toBe(50);
    expect(decodeErrors(out)).toBe('');
  });

  it('a range running past the end stops where the video does', async () => {
    const out = join(dir, 'tail.mp4');
    const plan = await cut(source, { start: 10, end: 30 }, out);
    expect(Math.abs(plan.duration - 2)).toBeLessThanOrEqual(frame);
    expect(Number(probe(out).streams.find((s) => s.codec_type === 'video')!.nb_read_frames)).toBe(50);
  });

  it('refuses what it does not copy: fragmented MP4 and files that are not MP4', async () => {
    await expect(cut(fragmented, { start: 2, end: 4 }, join(dir, 'x.mp4'))).rejects.toThrow(/fragmented/);
    await expect(cut(ts, { start: 2, end: 4 }, join(dir, 'y.mp4'))).rejects.toThrow(/not MP4|box/);
  });
});

const mediaDev = join(import.meta.dirname, '..', '..', '..', 'shared', 'media-dev');
const realFiles = existsSync(mediaDev) ? readdirSync(mediaDev).filter((n) => /\.(mp4|mov)$/.test(n)) : [];
if (!realFiles.length) console.log(`clip-mp4-trim: real files skipped, none at ${mediaDev}`);

/** ffprobe's picture packets of `path`: when each is shown (edit list applied, as the clip's planner reads it). */
const pictureTimes = (path: string) =>
  execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path],
  ])
    .toString()
    .split('\n')
    .filter(Boolean)
    .map(Number);

describe.skipIf(!realFiles.length)('fast MP4 stream copy of the real files in ../shared/media-dev', () => {
  it.each(realFiles)(
    '%s: refused, or cut with the same pictures, sound alongside, rotation kept',
    async (name) => {
      const path = join(mediaDev, name);
      const source = probe(path, false);
      const out = join(dir, `real-${name}`);
      // At most 4 s from a third of the way in: long enough for a few key frames, short enough to decode quickly.
      const start = source.duration * 0.3;
      let plan;
      try {
        plan = await cut(path, { start, end: Math.min(source.duration * 0.8, start + 4) }, out);
      } catch (err) {
        // Refusing is fine (the worker then copies packet by packet); a crash of another kind is not.
        expect((err as Error).name).toBe('Mp4RefusedError');
        console.log(`clip-mp4-trim: ${name} refused: ${(err as Error).message}`);
        return;
      }
      const clip = probe(out);
      const sourceVideo = source.streams.find((s) => s.codec_type === 'video')!;
      const sourceAudio = source.streams.find((s) => s.codec_type === 'audio');
      const video = clip.streams.find((s) => s.codec_type === 'video')!;
      const audio = clip.streams.find((s) => s.codec_type === 'audio');
      const expected = pictureTimes(path).filter(
        (t) => t >= plan.start - 1e-3 && t < plan.start + plan.duration - 1e-3,
      );
      const frame = plan.duration / Math.max(1, expected.length);
      expect(Math.abs(clip.duration - plan.duration)).toBeLessThanOrEqual(frame + 1e-3);
      // ffmpeg decodes every picture of the range (VVC it cannot decode at all: no count).
      if (video.nb_read_frames !== undefined) expect(Number(video.nb_read_frames)).toBe(expected.length);
      expect(Math.abs(Number(video.start_time))).toBeLessThanOrEqual(frame);
      // The sound starts where it did against the picture (some files start it a little after).
      if (audio && sourceAudio) {
        const late = Math.max(0, Number(sourceAudio.start_time) - Number(sourceVideo.start_time) - plan.start);
        expect(Math.abs(Number(audio.start_time) - Number(video.start_time) - late)).toBeLessThanOrEqual(frame);
      }
      expect(video.side_data_list?.[0]?.rotation ?? 0).toBe(sourceVideo.side_data_list?.[0]?.rotation ?? 0);
      // A source whose first seconds this ffmpeg decodes without a word gives a clip it decodes without a word.
      if (decodeErrors(path, 2) === '') expect(decodeErrors(out)).toBe('');
    },
    120_000,
  );
});

describe('the tools worker’s fast copy', () => {
  const fileOf = (path: string, name: string) => new File([readFileSync(path)], name);

  it('writes an MP4 clip as ONE Blob at position 0 and closes the stream; the bytes play', async () => {
    const chunks: FileChunk[] = [];
    let closed = false;
    const stream = new WritableStream<FileChunk>({
      write: (c) => void chunks.push(c),
      close: () => void (closed = true),
    });
    const progress: number[] = [];
    const result = await fastTrimCopy(
      fileOf(source, 'source.mp4'),
      { start: 3, end: 8 },
      'mp4',
      { kind: 'stream', stream },
      (f) => progress.push(f),
    );
    expect(result).toEqual({ bytes: null, notes: [] });
    expect(chunks).toHaveLength(1);
    expect(chunks[0].position).toBe(0);
    expect(chunks[0].data).toBeInstanceOf(Blob);
    expect(closed).toBe(true);
    expect(progress.at(-1)).toBe(1);
    const out = join(dir, 'worker-clip.mp4');
    writeFileSync(out, new Uint8Array(await (chunks[0].data as Blob).arrayBuffer()));
    expect(Math.abs(probe(out, false).duration - 5)).toBeLessThanOrEqual(frame);
    expect(decodeErrors(out)).toBe('');
  });

  it('leaves to mediabunny what it does not take, writing nothing: another container, a TS file, a fragmented MP4', async () => {
    const memory = { kind: 'memory' as const };
    const quiet = () => undefined;
    const range = { start: 2, end: 4 };
    expect(await fastTrimCopy(fileOf(source, 'source.mp4'), range, 'mkv', memory, quiet)).toBeNull();
    expect(await fastTrimCopy(fileOf(ts, 'source.ts'), range, 'mp4', memory, quiet)).toBeNull();
    const fragments = fileOf(fragmented, 'fragmented.mp4');
    expect(await fastTrimCopy(fragments, range, 'mp4', memory, quiet)).toBeNull();
    expect(await fastKeyframeAtOrBefore(fragments, 3)).toBeNull();
    expect(await fastKeyframeAtOrBefore(fileOf(source, 'source.mp4'), 3.5)).toBeCloseTo(3, 6);
  });
});
