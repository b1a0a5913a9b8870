// Smart cut (issue 14): "Save clip" with "Exact start" from an in point between key frames re-encodes the picture
// up to the next key frame and copies the rest. The source is made here by Debian's ffmpeg the way cameras and
// x264 make files (High profile, B-frames, a key frame every 2 s, AAC), unlike the encoder the browser re-encodes
// with: the clip must still start at the asked frame, last the range, keep the sound in step, and play through the
// seam in the browser's own <video>.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually, openApp } from './app';
import { clipFiles, clipOnDisk, greyFrame, keyframesOf, meanDifference, probe } from './clip-files';
import { launchBrowser, seedOpfsFolder, startServer, stubDirectoryPicker } from './harness';
import type { TestServer } from './harness';
import { waitForIdle } from './media-helpers';

const folder = 'smart-cut-library';
const frame = 1 / 25;

/** 6 s of moving test picture (25 fps, key frames at 0, 2, 4 s) and a tone, as x264 and AAC with their defaults. */
function makeSource(path: string): void {
  execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=6'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6'],
    ...['-c:v', 'libx264', '-profile:v', 'high', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0'],
    ...['-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', path],
  ]);
}

/** Pictures Debian's ffmpeg decodes from the file, and what it said was wrong with any of them. */
function decodeAll(path: string): { frames: number; errors: string } {
  const run = spawnSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
  });
  return { frames: run.stdout.split('\n').filter((l) => /^\d/.test(l)).length, errors: run.stderr };
}

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

describe('video tools: smart cut', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  let source: string;
  const videos = new Map<string, Video>();
  const dialog = () => page.getByRole('dialog', { name: 'Player' });

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-smart-'));
    source = join(tmp, 'camera.mp4');
    makeSource(source);
    expect(keyframesOf(source)).toEqual([0, 2, 4]);
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
    page = await context.newPage();
    await stubDirectoryPicker(context, folder);
    await page.goto(server.url);
    await seedOpfsFolder(page, folder, [{ path: 'camera.mp4', bytes: readFileSync(source) }]);
    await openApp(page, server.url);
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await waitForIdle(page);
    for (const v of await catalogVideos(page)) videos.set(v.path, v);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('a smart cut between key frames starts at the asked frame', async () => {
    const id = videos.get('camera.mp4')!.id;
    await page.evaluate((v) => (window as unknown as FramefinderWindow).framefinder.state.player.open(v, 0, false), id);
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState),
    ).toBeGreaterThan(0);
    // In at frame 21 (0.84 s), between the key frames at 0 and 2 s; out at 3.6 s, before the one at 4 s.
    const range = { start: 0.84, end: 3.6 };
    await page.evaluate(([v, r]) => (window as unknown as FramefinderWindow).framefinder.state.clips.markRange(v, r), [
      id,
      range,
    ] as const);
    await dialog().getByRole('checkbox', { name: 'Exact start' }).check();
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    const row = dialog().getByRole('listitem', { name: 'camera 0-00-00 to 0-00-04.mp4' });
    await eventually(() => row.getByRole('status').first().textContent(), 30_000).toBe('Saved in the library');
    expect(await row.textContent()).toMatch(/Re-encoded 1\.2 s up to the first key frame \(0:02\.0\); the rest copied/);
    await page.screenshot({ path: '/tmp/smart-cut-saved.png' });

    expect(await clipFiles(page, folder)).toEqual(['camera 0-00-00 to 0-00-04.mp4']);
    const clip = await clipOnDisk(page, folder, 'camera 0-00-00 to 0-00-04.mp4', tmp);
    const { duration, streams } = probe(clip);
    expect(streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(duration - (range.end - range.start)), `clip lasts ${duration} s`).toBeLessThanOrEqual(frame);

    // The first picture is the one at the in point, not the key frame before it.
    const first = greyFrame(clip, 0);
    expect(meanDifference(first, greyFrame(source, range.start))).toBeLessThan(2);
    expect(meanDifference(first, greyFrame(source, 0))).toBeGreaterThan(
      3 * meanDifference(first, greyFrame(source, range.start)),
    );
    // Past the seam the copied pictures decode as the source's, with the source's own parameter sets.
    const seam = 2 - range.start;
    for (const t of [seam + frame / 2, seam + 1])
      expect(meanDifference(greyFrame(clip, t), greyFrame(source, range.start + t)), `at ${t} s`).toBeLessThan(1);
    const decoded = decodeAll(clip);
    expect(decoded.errors).toBe('');
    expect(Math.abs(decoded.frames - Math.round((range.end - range.start) / frame))).toBeLessThanOrEqual(1);
    // The sound starts with the picture (within a frame).
    const starts = streamStarts(clip);
    expect(Math.abs(starts.audio - starts.video)).toBeLessThanOrEqual(frame);

    // The browser's own player plays from before the seam to past it, and every frame it shows decodes.
    const played = await page.evaluate(
      async ([dir, file, from]) => {
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
        const blob = await (await (await root.getDirectoryHandle('Clips')).getFileHandle(file)).getFile();
        const v = document.createElement('video');
        v.muted = true;
        v.src = URL.createObjectURL(blob);
        await new Promise((done, fail) => {
          v.addEventListener('loadeddata', done, { once: true });
          v.addEventListener('error', fail, { once: true });
        });
        v.currentTime = from;
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
      [folder, 'camera 0-00-00 to 0-00-04.mp4', seam - 0.5] as const,
    );
    expect(played).toMatchObject({ error: null, ended: true, corrupted: 0 });
    expect(played.at).toBeGreaterThan(seam + 1);
  });
});
