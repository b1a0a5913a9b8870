// Smart cut (issue 14): "Save clip" with "Exact start" from an in point between key frames re-encodes the picture
// up to the next key frame and copies the rest. The source is made here by Debian's ffmpeg the way cameras and
// x264 make files (High profile, B-frames, a key frame every 2 s, AAC), unlike the encoder the browser re-encodes
// with: the clip must still start at the asked frame, last the range, keep the sound in step, and play through the
// seam in the browser's own <video>.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { eventually } from './app';
import { clipFiles, clipOnDisk, keyframesOf, meanDifference, probe } from './clip-files';
import type { TestServer } from './harness';
import { mediaDir } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'smart-cut-library';
const frame = 1 / 25;

/**
 * 6 s of moving test picture (25 fps, key frames at 0, 2, 4 s) and a tone: H.264 High with B-frames and AAC, as x264
 * makes them by default, or VP9 and Opus in WebM.
 */
function makeSource(path: string, codec: 'h264' | 'vp9'): void {
  const encode =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-profile:v', 'high', '-bf', '2', '-c:a', 'aac', '-b:a', '96k']
      : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-c:a', 'libopus'];
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=6'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6'],
    ...['-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', ...encode, path],
  ]);
}

/** Pictures Debian's ffmpeg decodes from the file, and what it said was wrong with any of them. */
function decodeAll(path: string): { frames: number; errors: string } {
  const run = spawnSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
  });
  return { frames: run.stdout.split('\n').filter((l) => /^\d/.test(l)).length, errors: run.stderr };
}

/** Picture times of the first video stream, counted from the file's first timestamp of any track (as the app does). */
function pictureTimes(path: string): number[] {
  const run = (args: string[]) =>
    execFileSync('/usr/bin/ffprobe', ['-v', 'error', ...args, path], { encoding: 'utf8' });
  const start = Math.max(0, Number(run(['-show_entries', 'format=start_time', '-of', 'csv=p=0'])));
  return run(['-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0'])
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.replace(/,$/, '')) - start);
}

/** Picture number `n` (from 0) of the file as 64 × 36 grey levels, decoded by Debian's ffmpeg. */
const pictureNumber = (path: string, n: number) =>
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${n}),scale=64:36,format=gray`],
    ...['-frames:v', '1', '-f', 'rawvideo', '-'],
  ]);

/** Start times of the first video and audio packets, by ffprobe. */
function streamStarts(path: string): { video: number; audio: number } {
  const out = JSON.parse(
    execFileSync(
      '/usr/bin/ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_type,start_time', '-of', 'json', path],
      {
        encoding: 'utf8',
      },
    ),
  ) as { streams: { codec_type: string; start_time: string }[] };
  const of = (kind: string) => Number(out.streams.find((s) => s.codec_type === kind)!.start_time);
  return { video: of('video'), audio: of('audio') };
}

/** The browser's own <video> plays the clip `name` of the Clips folder from `from` s to its end. */
function playToEnd(page: Page, name: string, from: number) {
  return page.evaluate(
    async ([dir, file, start]) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const blob = await (await (await root.getDirectoryHandle('Clips')).getFileHandle(file)).getFile();
      const v = document.createElement('video');
      v.muted = true;
      v.src = URL.createObjectURL(blob);
      await new Promise((done, fail) => {
        v.addEventListener('loadeddata', done, { once: true });
        v.addEventListener('error', fail, { once: true });
      });
      v.currentTime = start;
      await new Promise((done) => v.addEventListener('seeked', done, { once: true }));
      await v.play();
      await new Promise<void>((done) => {
        const tick = () => (v.ended || v.error ? done() : void setTimeout(tick, 50));
        tick();
      });
      const q = v.getVideoPlaybackQuality();
      URL.revokeObjectURL(v.src);
      return { error: v.error?.code ?? null, ended: v.ended, at: v.currentTime, corrupted: q.corruptedVideoFrames };
    },
    [folder, name, from] as const,
  );
}

describe('video tools: smart cut', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const sources = { 'camera.mp4': 'h264', 'camera.webm': 'vp9' } as const;
  const videos = new Map<string, Video>();
  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const sourcePath = (name: string) => join(tmp, name);

  /** Marks `range` on the video `name`, saves it with "Exact start", and returns its row once saved. */
  const saveExact = async (name: string, range: { start: number; end: number }, clipName: string) => {
    const id = videos.get(name)!.id;
    await page.evaluate((v) => (window as unknown as FramefinderWindow).framefinder.state.player.open(v, 0, false), id);
    await eventually(() => dialog().getByRole('button', { name: 'Save clip' }).count()).toBe(1);
    await page.evaluate(([v, r]) => (window as unknown as FramefinderWindow).framefinder.state.clips.markRange(v, r), [
      id,
      range,
    ] as const);
    await dialog().getByRole('checkbox', { name: 'Exact start' }).check();
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    const row = dialog().getByRole('listitem', { name: clipName });
    await eventually(() => row.getByRole('status').first().textContent(), 30_000).toBe('Saved in the library');
    return row;
  };

  /**
   * What every exact clip must be: the picture at the in point first (not the key frame before it), as long as the
   * range within a frame, sound with it, every picture decodable by Debian's ffmpeg, and the pictures after the
   * seam the source's own. Pictures are compared by number, not time: the app counts time from a file's first
   * timestamp of any track, ffmpeg's -ss from a different one in a WebM whose sound starts first.
   */
  const checkClip = async (name: string, clipName: string, range: { start: number; end: number }) => {
    const source = sourcePath(name);
    const clip = await clipOnDisk(page, folder, clipName, tmp);
    const { duration, streams } = probe(clip);
    expect(streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    const pictures = pictureTimes(source);
    const firstIn = pictures.findLastIndex((t) => t <= range.start + 5e-4);
    const lastIn = pictures.findLastIndex((t) => t < range.end - 5e-4);
    const asked = (lastIn - firstIn + 1) * frame;
    expect(Math.abs(duration - asked), `clip lasts ${duration} s, not ${asked}`).toBeLessThanOrEqual(frame + 1e-3);

    const first = pictureNumber(clip, 0);
    const atIn = meanDifference(first, pictureNumber(source, firstIn));
    expect(atIn).toBeLessThan(2);
    // Every source has a key frame every 2 s, 50 pictures (ffprobe cannot list a VP9 file's without decoding it).
    const keyframeBefore = Math.floor(firstIn / 50) * 50;
    const seam = Math.min(keyframeBefore + 50, lastIn + 1) - firstIn;
    expect(meanDifference(first, pictureNumber(source, keyframeBefore))).toBeGreaterThan(Math.max(3 * atIn, 1));
    for (const n of [seam - 1, seam, seam + 25].filter((n) => n <= lastIn - firstIn))
      expect(meanDifference(pictureNumber(clip, n), pictureNumber(source, firstIn + n)), `picture ${n}`).toBeLessThan(
        2,
      );
    const decoded = decodeAll(clip);
    expect(decoded.errors).toBe('');
    // One more at most: a trailing B-frame's reference comes along, as with native `ffmpeg -c copy`.
    expect(decoded.frames - (lastIn - firstIn + 1)).toBeGreaterThanOrEqual(0);
    expect(decoded.frames - (lastIn - firstIn + 1)).toBeLessThanOrEqual(1);
    const starts = streamStarts(clip);
    expect(Math.abs(starts.audio - starts.video)).toBeLessThanOrEqual(frame);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-smart-'));
    for (const [name, codec] of Object.entries(sources)) makeSource(sourcePath(name), codec);
    expect(keyframesOf(sourcePath('camera.mp4'))).toEqual([0, 2, 4]);
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: [
        ...Object.keys(sources).map((path) => ({ path, bytes: readFileSync(sourcePath(path)) })),
        ...['hevc.mp4', 'rotated.mp4'].map((path) => ({ path, bytes: readFileSync(join(mediaDir, path)) })),
      ],
      videos,
    }));
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('a smart cut between key frames starts at the asked frame', async () => {
    // In at frame 21 (0.84 s), between the key frames at 0 and 2 s; out at 3.6 s, before the one at 4 s.
    const range = { start: 0.84, end: 3.6 };
    const name = 'camera 0-00-00 to 0-00-04.mp4';
    const row = await saveExact('camera.mp4', range, name);
    expect(await row.textContent()).toMatch(/Re-encoded 1\.2 s up to the first key frame \(0:02\.0\); the rest copied/);
    await page.screenshot({ path: '/tmp/smart-cut-saved.png' });
    expect(await clipFiles(page, folder)).toEqual([name]);
    await checkClip('camera.mp4', name, range);
    // The browser's own player plays from before the seam to the end, and every frame it shows decodes.
    const played = await playToEnd(page, name, 2 - range.start - 0.5);
    expect(played).toMatchObject({ error: null, ended: true, corrupted: 0 });
  });

  test('VP9 in WebM is cut the same way; a range inside one key frame’s group is re-encoded whole', async () => {
    const vp9 = { start: 2.52, end: 5.2 };
    const row = await saveExact('camera.webm', vp9, 'camera 0-00-02 to 0-00-06.webm');
    expect(await row.textContent()).toMatch(/Re-encoded 1\.5 s up to the first key frame \(0:04\.0\)/);
    await checkClip('camera.webm', 'camera 0-00-02 to 0-00-06.webm', vp9);
    expect(await playToEnd(page, 'camera 0-00-02 to 0-00-06.webm', 0)).toMatchObject({ error: null, ended: true });

    const inside = { start: 2.3, end: 3.5 };
    const whole = await saveExact('camera.mp4', inside, 'camera 0-00-02 to 0-00-04.mp4');
    expect(await whole.textContent()).toMatch(/Re-encoded all 1\.2 s: no key frame comes between/);
    await checkClip('camera.mp4', 'camera 0-00-02 to 0-00-04.mp4', inside);
  });

  test('a picture this browser cannot re-encode (HEVC) is cut whole by ffmpeg.wasm, exact, as H.264', async () => {
    // hevc.mp4: 3 s, key frames at 0 and 2 s, AAC; headless Chromium here decodes no HEVC.
    const range = { start: 0.6, end: 1.8 };
    const name = 'hevc 0-00-00 to 0-00-02.mp4';
    // The tools show once the player plays something: here, a preview ffmpeg.wasm makes of the file.
    await page.evaluate(
      (v) => (window as unknown as FramefinderWindow).framefinder.state.player.open(v, 0, false),
      videos.get('hevc.mp4')!.id,
    );
    await dialog().getByRole('button', { name: 'Make a preview' }).click({ timeout: 30_000 });
    await eventually(() => dialog().getByRole('button', { name: 'Save clip' }).count(), 60_000).toBe(1);
    const row = await saveExact('hevc.mp4', range, name);
    expect(await row.textContent()).toMatch(
      /Re-encoded all 1\.2 s from 0:00\.6 as H\.264 with ffmpeg\.wasm \(the sound copied\): this browser has no H\.265 (decoder|encoder)/,
    );
    const clip = await clipOnDisk(page, folder, name, tmp);
    const { duration, streams } = probe(clip);
    expect(streams.map((s) => `${s.kind} ${s.codec}`).sort()).toEqual(['audio aac', 'video h264']);
    expect(Math.abs(duration - 1.2), `clip lasts ${duration} s`).toBeLessThanOrEqual(frame + 1e-3);
    const source = join(mediaDir, 'hevc.mp4');
    const firstIn = pictureTimes(source).findLastIndex((t) => t <= range.start + 5e-4);
    expect(meanDifference(pictureNumber(clip, 0), pictureNumber(source, firstIn))).toBeLessThan(2);
    expect(meanDifference(pictureNumber(clip, 0), pictureNumber(source, 0))).toBeGreaterThan(1);
  });

  test('a phone video turned by its track matrix keeps its turn, and the re-encoded head is not turned twice', async () => {
    // rotated.mp4: 320 × 180 stored, shown turned a quarter; key frames at 0, 1 and 2 s.
    const range = { start: 0.48, end: 2.6 };
    const name = 'rotated 0-00-00 to 0-00-03.mp4';
    const row = await saveExact('rotated.mp4', range, name);
    expect(await row.textContent()).toMatch(/Re-encoded 0\.5 s up to the first key frame \(0:01\.0\)/);
    const clip = await clipOnDisk(page, folder, name, tmp);
    const turned = (path: string) =>
      execFileSync('/usr/bin/ffprobe', [
        ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:stream_side_data=rotation'],
        ...['-of', 'json', path],
      ]).toString();
    const of = (path: string) => {
      const s = (
        JSON.parse(turned(path)) as {
          streams: { width: number; height: number; side_data_list?: { rotation: number }[] }[];
        }
      ).streams[0];
      return { width: s.width, height: s.height, rotation: s.side_data_list?.[0]?.rotation ?? 0 };
    };
    expect(of(clip)).toEqual(of(join(mediaDir, 'rotated.mp4')));
    const source = join(mediaDir, 'rotated.mp4');
    const firstIn = pictureTimes(source).findLastIndex((t) => t <= range.start + 5e-4);
    // Debian's ffmpeg applies the turn to both: the same picture, the same way up.
    expect(meanDifference(pictureNumber(clip, 0), pictureNumber(source, firstIn))).toBeLessThan(2);
    expect(decodeAll(clip).errors).toBe('');
  });
});
