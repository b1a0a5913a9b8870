// Video tools (issue 14) beyond Save clip: split a video into parts and extract its sound, from the player's Tools.
// What the files hold is Debian's ffprobe's word on the bytes the app wrote; that they play is the browser's own
// <video> decoding them.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import { clipFiles, clipOnDisk, greyFrame, keyframesOf, meanDifference, playInPage, probe } from './clip-files';
import type { TestServer } from './harness';
import { mediaDir, waitForIdle } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'tools-library';
const fixtures = ['scenes.mp4', 'h264.mp4', 'vp9.webm'];
/** One frame of the fixtures (25 fps). */
const frame = 1 / 25;

type ToolsWindow = FramefinderWindow & { __refuseFile?: string; __holdFile?: string; __release?: () => void };

describe('video tools: split and extract audio', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const videos = new Map<string, Video>();

  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const tools = () => dialog().getByRole('region', { name: 'Video tools' });
  const files = () => clipFiles(page, folder);
  const open = async (path: string) => {
    await page.evaluate(
      (id) => (window as unknown as ToolsWindow).framefinder.state.player.open(id, 0, false),
      videos.get(path)!.id,
    );
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState),
    ).toBeGreaterThan(0);
    if (!(await tools().isVisible())) await dialog().getByRole('button', { name: 'Tools' }).click();
  };
  const row = (name: string) => dialog().getByRole('listitem', { name });
  const saved = (name: string) => eventually(() => row(name).getByRole('status').first().textContent(), 30_000);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-tools-'));
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: fixtures.map((path) => ({ path, bytes: readFileSync(join(mediaDir, path)) })),
      videos,
      hold: 'files',
    }));
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('split every 5 s: numbered parts from key frames that add up to the video, each plays, each a clip', async () => {
    await open('scenes.mp4');
    await dialog().focus();
    await tools().getByRole('spinbutton', { name: 'Seconds per part' }).fill('5');
    await tools().getByRole('button', { name: 'Split every 5 s' }).click();
    const job = row('scenes.mp4 split every 5 s');
    await saved('scenes.mp4 split every 5 s').toBe('Saved in the library');
    // scenes.mp4 has key frames at 0, 3, 6, 7.2 and 8.48 s: 5 moves back to 3, 10 to 8.48.
    expect(await job.textContent()).toMatch(/start at the nearest key frame before each split point/);
    const parts = [
      'scenes part 1 of 3 (0-00-00 to 0-00-03).mp4',
      'scenes part 2 of 3 (0-00-03 to 0-00-09).mp4',
      'scenes part 3 of 3 (0-00-08 to 0-00-12).mp4',
    ];
    expect(await files()).toEqual(parts);
    await page.screenshot({ path: '/tmp/tools-split.png' });
    expect(await job.getByRole('list', { name: 'Parts' }).textContent()).toContain(parts[1]);
    const source = join(mediaDir, 'scenes.mp4');
    const bounds = [0, 3, 8.48, 12];
    let total = 0;
    for (const [i, name] of parts.entries()) {
      const path = await clipOnDisk(page, folder, name, tmp);
      const { duration, streams } = probe(path);
      expect(streams.map((s) => s.kind)).toEqual(['video']);
      expect(Math.abs(duration - (bounds[i + 1] - bounds[i])), `${name} lasts ${duration} s`).toBeLessThanOrEqual(
        frame + 1e-3,
      );
      // Each part starts on a key frame: a copy holds whole groups of pictures.
      expect(keyframesOf(path)[0]).toBeCloseTo(0, 2);
      total += duration;
      const seen = await playInPage(page, folder, name);
      expect(seen, name).toMatchObject({ error: null, width: 320, endSeek: true });
      expect(seen.played, `${name} played`).toBeGreaterThan(0);
    }
    expect(Math.abs(total - probe(source).duration)).toBeLessThanOrEqual(parts.length * frame + 1e-3);
    const catalogued = (await catalogVideos(page)).map((v) => v.path);
    for (const name of parts) expect(catalogued).toContain(`Clips/${name}`);
  });

  test('splitting again never overwrites; split by scenes makes one part per scene of at least the minimum', async () => {
    const before = await files();
    await tools().getByRole('button', { name: 'Split every 5 s' }).click();
    await saved('scenes.mp4 split every 5 s').toBe('Saved in the library');
    expect(await files()).toContain('scenes part 1 of 3 (0-00-00 to 0-00-03) (2).mp4');
    const after = await files();
    for (const name of before) expect(after).toContain(name);

    const scenes = await page.evaluate(() =>
      (window as unknown as ToolsWindow).framefinder.state.player.scenes.map((s) => [s.start, s.end]),
    );
    expect(scenes.length, 'scenes.mp4 has scenes').toBeGreaterThan(2);
    await tools().getByRole('spinbutton', { name: 'Shortest scene in seconds' }).fill('2');
    const listed = await files();
    await tools().getByRole('button', { name: 'Split by scenes' }).click();
    await saved('scenes.mp4 split by scenes (at least 2 s)').toBe('Saved in the library');
    const made = (await files()).filter((n) => !listed.includes(n));
    expect(made.length).toBeGreaterThan(1);
    let total = 0;
    for (const name of made) {
      expect(name).toMatch(new RegExp(`^scenes part \\d of ${made.length} \\(`));
      const { duration } = probe(await clipOnDisk(page, folder, name, tmp));
      // No part shorter than the minimum, bar the key frame it may start early on.
      expect(duration).toBeGreaterThanOrEqual(2 - frame);
      total += duration;
    }
    expect(Math.abs(total - 12)).toBeLessThanOrEqual(made.length * frame + 1e-3);
  });

  test('extract audio as it is: AAC copied into M4A, Opus into an Ogg .opus, each as long as the video', async () => {
    await open('h264.mp4');
    await tools().getByRole('button', { name: 'Extract audio as it is' }).click();
    await saved('h264 audio.m4a').toBe('Saved in the Clips folder');
    const m4a = probe(await clipOnDisk(page, folder, 'h264 audio.m4a', tmp));
    expect(m4a.streams.map((s) => [s.kind, s.codec])).toEqual([['audio', 'aac']]);
    expect(Math.abs(m4a.duration - 4)).toBeLessThanOrEqual(0.05);

    await open('vp9.webm');
    await tools().getByRole('button', { name: 'Extract audio as it is' }).click();
    await saved('vp9 audio.opus').toBe('Saved in the Clips folder');
    const source = probe(join(mediaDir, 'vp9.webm'));
    const opus = probe(await clipOnDisk(page, folder, 'vp9 audio.opus', tmp));
    expect(opus.streams.map((s) => [s.kind, s.codec])).toEqual([['audio', 'opus']]);
    expect(Math.abs(opus.duration - source.duration)).toBeLessThanOrEqual(0.05);
  });

  test('as M4A of Opus needs an AAC encoder: the browser’s when it has one, else ffmpeg.wasm’s, said on the job', async () => {
    const aac = await page.evaluate(
      async () =>
        (await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 }))
          .supported === true,
    );
    await tools().getByRole('button', { name: 'Extract audio as M4A' }).click();
    await saved('vp9 audio.m4a').toBe('Saved in the Clips folder');
    expect(await row('vp9 audio.m4a').textContent()).toMatch(
      aac ? /The sound was encoded as AAC\./ : /encoded as AAC with ffmpeg\.wasm: this browser has no AAC encoder/,
    );
    expect(probe(await clipOnDisk(page, folder, 'vp9 audio.m4a', tmp)).streams[0].codec).toBe('aac');
  });

  test('T toggles the tools from the keyboard; a video with no sound says so, and starts no job', async () => {
    await open('scenes.mp4');
    await dialog().focus();
    await page.keyboard.press('t');
    expect(await tools().count()).toBe(0);
    await page.keyboard.press('t');
    await eventually(() => tools().count()).toBe(1);
    const jobs = await dialog().getByRole('listitem').count();
    await tools().getByRole('button', { name: 'Extract audio as it is' }).click();
    await eventually(() => dialog().getByRole('alert').textContent()).toMatch(
      /“scenes\.mp4” has no sound track: there is no audio to extract/,
    );
    expect(await dialog().getByRole('listitem').count()).toBe(jobs);
  });

  test('cut out the marked range: the rest is kept from key frame to key frame, sound and picture, and plays', async () => {
    const cut = async (path: string, range: { start: number; end: number }) => {
      await open(path);
      await page.evaluate(([id, r]) => (window as unknown as ToolsWindow).framefinder.state.clips.markRange(id, r), [
        videos.get(path)!.id,
        range,
      ] as const);
      await tools().getByRole('button', { name: 'Cut out the marked range' }).click();
    };
    // scenes.mp4: 12 s, key frames at 0, 3, 6, 7.2, 8.48; a different picture in each scene.
    await cut('scenes.mp4', { start: 3, end: 6 });
    await saved('scenes without 0-00-03 to 0-00-06.mp4').toBe('Saved in the library');
    const path = await clipOnDisk(page, folder, 'scenes without 0-00-03 to 0-00-06.mp4', tmp);
    const source = join(mediaDir, 'scenes.mp4');
    expect(Math.abs(probe(path).duration - 9)).toBeLessThanOrEqual(frame + 1e-3);
    // Before the cut as it was; after it, what came after the out point.
    expect(meanDifference(greyFrame(path, 1.5), greyFrame(source, 1.5))).toBeLessThan(1);
    expect(meanDifference(greyFrame(path, 3.5), greyFrame(source, 6.5))).toBeLessThan(1);
    expect(meanDifference(greyFrame(path, 3.5), greyFrame(source, 3.5))).toBeGreaterThan(10);
    expect(await playInPage(page, folder, 'scenes without 0-00-03 to 0-00-06.mp4')).toMatchObject({
      error: null,
      endSeek: true,
    });

    // h264.mp4: 4 s with sound, key frames every second; 1.5–2.5 removes 2–3.
    await cut('h264.mp4', { start: 1.5, end: 2.5 });
    const job = row('h264 without 0-00-02 to 0-00-03.mp4');
    await saved('h264 without 0-00-02 to 0-00-03.mp4').toBe('Saved in the library');
    expect(await job.textContent()).toMatch(/first key frame at or after your in and out points/);
    const kept = probe(await clipOnDisk(page, folder, 'h264 without 0-00-02 to 0-00-03.mp4', tmp));
    expect(kept.streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    for (const s of kept.streams)
      expect(Math.abs(s.duration - 3), `${s.kind} lasts ${s.duration} s`).toBeLessThan(0.05);
  });

  test('cutting out a range with no key frame inside is refused with the reason, and writes nothing', async () => {
    const before = await files();
    await page.evaluate(
      (id) => (window as unknown as ToolsWindow).framefinder.state.clips.markRange(id, { start: 3.5, end: 5.5 }),
      videos.get('scenes.mp4')!.id,
    );
    await open('scenes.mp4');
    await tools().getByRole('button', { name: 'Cut out the marked range' }).click();
    const job = row('scenes.mp4 without 0:03.5 to 0:05.5');
    await eventually(() => job.getByRole('status').textContent(), 20_000).toMatch(/no key frame inside the range/);
    expect(await files()).toEqual(before);
  });

  test('Cancel once part 1 of a split is written deletes it too; Retry makes every part', async () => {
    await open('scenes.mp4');
    const before = await files();
    await page.evaluate(() => ((window as unknown as ToolsWindow).__holdFile = 'part 2 of'));
    await tools().getByRole('spinbutton', { name: 'Seconds per part' }).fill('6');
    await tools().getByRole('button', { name: 'Split every 6 s' }).click();
    const job = row('scenes.mp4 split every 6 s');
    await eventually(() => job.getByRole('list', { name: 'Parts' }).textContent()).toMatch(/part 1 of 2/);
    expect((await files()).length).toBe(before.length + 1);
    await job.getByRole('button', { name: 'Cancel' }).click();
    await page.evaluate(() => {
      const w = window as unknown as ToolsWindow;
      delete w.__holdFile;
      w.__release?.();
    });
    await eventually(() => job.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    expect(await files()).toEqual(before);
    await job.getByRole('button', { name: 'Retry' }).click();
    await saved('scenes.mp4 split every 6 s').toBe('Saved in the library');
    expect((await files()).length).toBe(before.length + 2);
  });

  test('a full disk and a withdrawn folder permission stop a split with what to do, and leave no part', async () => {
    const before = await files();
    const clipsCatalogued = (await catalogVideos(page)).filter((v) => v.path.startsWith('Clips/')).length;
    await tools().getByRole('spinbutton', { name: 'Seconds per part' }).fill('4');
    const job = row('scenes.mp4 split every 4 s');

    // A real full disk: the origin's quota set to what it already uses (the library folder is in OPFS).
    await waitForIdle(page);
    const cdp = await context.newCDPSession(page);
    const origin = new URL(server.url).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage });
    await tools().getByRole('button', { name: 'Split every 4 s' }).click();
    await eventually(() => job.getByRole('status').textContent(), 20_000).toMatch(/^Failed: /);
    expect(await job.getByRole('status').textContent()).toMatch(
      /The disk is full\. What the job had written was deleted; the video is untouched\. Free some space, then press Retry\./,
    );
    expect(await files()).toEqual(before);

    await cdp.send('Storage.overrideQuotaForOrigin', { origin });

    // Withdrawn once part 1 is complete: part 2 cannot be created, and the finished part 1 goes too.
    await page.evaluate(() => ((window as unknown as ToolsWindow).__refuseFile = 'part 2 of'));
    await job.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => job.getByRole('status').textContent(), 20_000).toMatch(/permission was withdrawn/);
    expect(await job.getByRole('status').textContent()).toMatch(/Click “Reconnect folder”, allow editing/);
    expect(await job.getByRole('list', { name: 'Parts' }).count()).toBe(0);
    expect(await files()).toEqual(before);
    expect((await catalogVideos(page)).filter((v) => v.path.startsWith('Clips/')).length).toBe(clipsCatalogued);
    await page.evaluate(() => delete (window as unknown as ToolsWindow).__refuseFile);
  });
});
