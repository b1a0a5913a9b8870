// Video tools (issue 14): mark a range in the player, save it as a clip by stream copy into the library's Clips
// folder, and find the clip in the library as a clip of its parent. The clip's truth comes from Debian's ffprobe and
// ffmpeg on the bytes the app wrote, not from the app's own reading of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import type { TestServer } from './harness';
import { mediaDir, waitForIdle } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'clips-library';
const files = ['scenes.mp4', 'h264.mp4'];
/** One frame of the fixtures (25 fps). */
const frame = 1 / 25;

type ClipsWindow = FramefinderWindow & { __holdWrites?: Promise<void>; __releaseWrites?: () => void };

/** Seconds of a media file, and its streams' kinds, by ffprobe. */
function probe(path: string): { duration: number; kinds: string[] } {
  const out = JSON.parse(
    execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], {
      encoding: 'utf8',
    }),
  ) as { format: { duration: string }; streams: { codec_type: string }[] };
  return { duration: Number(out.format.duration), kinds: out.streams.map((s) => s.codec_type) };
}

/** The frame shown at `time` (seconds from the start), as 64 × 36 grey levels, decoded by Debian's ffmpeg. */
function greyFrame(path: string, time: number): Buffer {
  return execFileSync('/usr/bin/ffmpeg', [
    ...['-v', 'error', '-ss', String(time), '-i', path, '-frames:v', '1'],
    ...['-vf', 'scale=64:36,format=gray', '-f', 'rawvideo', '-'],
  ]);
}

/**
 * How long a copy of `range` lasts: every frame shown in it, from the key frame it starts on to the frame under the
 * out point (a copy cannot cut a frame in half), so the duration is the range rounded out to whole frames.
 */
const framesOf = (start: number, end: number) => Math.ceil((end - start) / frame - 1e-6) * frame;

const meanDifference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

describe('video tools: clips', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const videos = new Map<string, Video>();

  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const videoEl = () => dialog().locator('video');
  const open = (path: string, time = 0) =>
    page.evaluate(([id, t]) => (window as unknown as ClipsWindow).framefinder.state.player.open(id, t, false), [
      videos.get(path)!.id,
      time,
    ] as const);
  /** Seeks the player (paused) and waits for the picture to get there. */
  const seekTo = async (time: number) => {
    await videoEl().evaluate(async (v: HTMLVideoElement, t) => {
      v.pause();
      const seeked = new Promise((done) => v.addEventListener('seeked', done, { once: true }));
      v.currentTime = t;
      await seeked;
    }, time);
  };
  const ready = () => eventually(() => videoEl().evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  /** The names in the library's Clips folder (none when it does not exist). */
  const clipFiles = () =>
    page.evaluate(async (dir) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const names: string[] = [];
      try {
        const clips = await root.getDirectoryHandle('Clips');
        for await (const name of (clips as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      } catch (err) {
        if ((err as DOMException).name !== 'NotFoundError') throw err;
      }
      return names.sort();
    }, folder);
  /** A clip's bytes, copied out of the OPFS folder into a file for ffprobe and ffmpeg. */
  const clipOnDisk = async (name: string) => {
    const base64 = await page.evaluate(
      async ([dir, file]) => {
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
        const blob = await (await (await root.getDirectoryHandle('Clips')).getFileHandle(file)).getFile();
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(s);
      },
      [folder, name] as const,
    );
    const path = join(tmp, name);
    writeFileSync(path, Buffer.from(base64, 'base64'));
    return path;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-clips-'));
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: files.map((path) => ({ path, bytes: readFileSync(join(mediaDir, path)) })),
      videos,
      hold: 'writes',
      context: { acceptDownloads: true },
    }));
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('I and O mark a range shown on the timeline; Save clip copies it from the key frame before the in point', async () => {
    await open('scenes.mp4', 0);
    await ready();
    await seekTo(4.5);
    await dialog().focus();
    await page.keyboard.press('i');
    await seekTo(5.5);
    await page.keyboard.press('o');
    await expect.poll(() => dialog().getByRole('button', { name: 'In point' }).textContent()).toBe('0:04.5');
    await expect.poll(() => dialog().getByRole('button', { name: 'Out point' }).textContent()).toBe('0:05.5');
    const range = dialog().getByTestId('clip-range');
    expect(await range.isVisible()).toBe(true);
    // The range covers 4.5–5.5 of 12 s of the track: 37.5 % in, 8.3 % wide.
    const [bar, track] = await Promise.all([range.boundingBox(), dialog().locator('.timeline .track').boundingBox()]);
    expect((bar!.x - track!.x) / track!.width).toBeCloseTo(4.5 / 12, 1);
    expect(bar!.width / track!.width).toBeCloseTo(1 / 12, 1);

    await dialog().getByRole('button', { name: 'Save clip' }).click();
    const row = dialog().getByRole('listitem', { name: 'scenes 0-00-03 to 0-00-06.mp4' });
    await eventually(() => row.getByRole('status').textContent(), 20_000).toBe('Saved in the library');
    // Said to the user: a copy starts on a key frame (scenes.mp4 has them at 0, 3, 6, 7.2 and 8.48 s).
    expect(await row.textContent()).toMatch(/starts at 0:03\.0, the key frame before your in point \(0:04\.5\)/);
    await page.screenshot({ path: '/tmp/clips-saved.png' });

    expect(await clipFiles()).toEqual(['scenes 0-00-03 to 0-00-06.mp4']);
    const clip = await clipOnDisk('scenes 0-00-03 to 0-00-06.mp4');
    const source = join(mediaDir, 'scenes.mp4');
    const { duration, kinds } = probe(clip);
    // Within one frame: a trailing B-frame's reference may come along, as with native `ffmpeg -c copy`.
    expect(Math.abs(duration - framesOf(3, 5.5)), `clip lasts ${duration} s`).toBeLessThanOrEqual(frame + 1e-3);
    expect(duration).toBeGreaterThanOrEqual(2.5);
    expect(kinds).toEqual(['video']);
    const first = greyFrame(clip, 0);
    expect(meanDifference(first, greyFrame(source, 3))).toBeLessThan(1);
    // …and not the frame at the in point as marked, a scene change away.
    expect(meanDifference(first, greyFrame(source, 4.5))).toBeGreaterThan(10);
  });

  test('the clip is in the library as a clip of its parent, is indexed, and opens the parent at its moment', async () => {
    const path = 'Clips/scenes 0-00-03 to 0-00-06.mp4';
    const clip = (await catalogVideos(page)).find((v) => v.path === path);
    expect(clip, 'catalogued at once').toBeDefined();
    await waitForIdle(page);
    const indexed = await page.evaluate(
      (id) => (window as unknown as ClipsWindow).framefinder.catalog.getVideo(id),
      clip!.id,
    );
    expect(indexed).toMatchObject({ status: 'done', width: 320, height: 180 });
    expect(Math.abs(indexed!.duration! - framesOf(3, 5.5))).toBeLessThanOrEqual(frame + 1e-3);
    expect(indexed!.size).toBe(readFileSync(await clipOnDisk('scenes 0-00-03 to 0-00-06.mp4')).length);

    await dialog().getByRole('button', { name: 'Open clip' }).click();
    await expect
      .poll(() => dialog().getByRole('heading', { level: 2 }).textContent())
      .toBe('scenes 0-00-03 to 0-00-06.mp4');
    const origin = dialog().getByRole('region', { name: 'Clip of' });
    await eventually(() => origin.textContent()).toMatch(/Clip of scenes\.mp4, 0:03\.0 to 0:05\.5/);
    await origin.getByRole('button', { name: 'Open parent at this moment' }).click();
    await expect.poll(() => dialog().getByRole('heading', { level: 2 }).textContent()).toBe('scenes.mp4');
    await eventually(async () =>
      Math.abs((await videoEl().evaluate((v: HTMLVideoElement) => v.currentTime)) - 3),
    ).toBeLessThanOrEqual(0.05);
  });

  test('a range past the end is clamped to the end and said so; the sound is copied too', async () => {
    const id = videos.get('h264.mp4')!.id;
    await open('h264.mp4', 0);
    await ready();
    // A clip query's aligned range can run past the end of a video whose catalogued length is shorter.
    await page.evaluate(
      (v) => (window as unknown as ClipsWindow).framefinder.state.clips.markRange(v, { start: 2.5, end: 9 }),
      id,
    );
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    await eventually(() => dialog().getByRole('status').filter({ hasText: 'past the end' }).count()).toBe(1);
    expect(await dialog().getByRole('status').filter({ hasText: 'past the end' }).textContent()).toMatch(
      /ran past the end of the video: it now ends at 0:04\.0/,
    );
    const row = dialog().getByRole('listitem', { name: 'h264 0-00-02 to 0-00-04.mp4' });
    await eventually(() => row.getByRole('status').textContent(), 20_000).toBe('Saved in the library');
    const clip = await clipOnDisk('h264 0-00-02 to 0-00-04.mp4');
    const { duration, kinds } = probe(clip);
    // h264.mp4: 4 s, key frames every second: 2.5 snaps to 2.
    expect(Math.abs(duration - 2), `clip lasts ${duration} s`).toBeLessThanOrEqual(frame + 1e-3);
    expect(kinds.sort()).toEqual(['audio', 'video']);
  });

  test('an empty range is refused with a message and writes nothing', async () => {
    const before = await clipFiles();
    await seekTo(1.2);
    await dialog().focus();
    await page.keyboard.press('i');
    await page.keyboard.press('o');
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    await eventually(() => dialog().getByRole('alert').textContent()).toMatch(/range is empty/);
    expect(await clipFiles()).toEqual(before);
  });

  test('Cancel stops a clip mid-write and leaves no file; Retry then saves it', async () => {
    const before = await clipFiles();
    await open('scenes.mp4', 0);
    await ready();
    await page.evaluate(() => {
      const w = window as unknown as ClipsWindow;
      w.__holdWrites = new Promise((release) => (w.__releaseWrites = release));
    });
    await seekTo(6.5);
    await dialog().focus();
    await page.keyboard.press('i');
    await seekTo(9.5);
    await page.keyboard.press('o');
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    const row = dialog().getByRole('listitem', { name: 'scenes 0-00-06 to 0-00-10.mp4' });
    // The file exists while it is being written…
    await eventually(() => clipFiles()).toContain('scenes 0-00-06 to 0-00-10.mp4');
    expect(await row.getByRole('status').textContent()).toMatch(/^Saving…/);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => row.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    // …and is gone once cancelled, with nothing catalogued.
    expect(await clipFiles()).toEqual(before);
    expect((await catalogVideos(page)).some((v) => v.path.includes('0-00-06 to'))).toBe(false);

    await page.evaluate(() => {
      const w = window as unknown as ClipsWindow;
      w.__holdWrites = undefined;
      w.__releaseWrites?.();
    });
    await row.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => row.getByRole('status').textContent(), 20_000).toBe('Saved in the library');
    expect(await clipFiles()).toEqual([...before, 'scenes 0-00-06 to 0-00-10.mp4'].sort());
    const { duration } = probe(await clipOnDisk('scenes 0-00-06 to 0-00-10.mp4'));
    expect(Math.abs(duration - framesOf(6, 9.5))).toBeLessThanOrEqual(frame + 1e-3);
  });

  test('saving the same range again never overwrites: the second file gets " (2)"', async () => {
    await open('scenes.mp4', 0);
    await ready();
    await page.evaluate(
      (v) => (window as unknown as ClipsWindow).framefinder.state.clips.markRange(v, { start: 3, end: 5.5 }),
      videos.get('scenes.mp4')!.id,
    );
    await dialog().getByRole('button', { name: 'Save clip' }).click();
    const row = dialog().getByRole('listitem', { name: 'scenes 0-00-03 to 0-00-06 (2).mp4' });
    await eventually(() => row.getByRole('status').textContent(), 20_000).toBe('Saved in the library');
    expect(await clipFiles()).toContain('scenes 0-00-03 to 0-00-06.mp4');
    expect(await clipFiles()).toContain('scenes 0-00-03 to 0-00-06 (2).mp4');
  });
});
