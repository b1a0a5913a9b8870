// Remove still parts (issue 14): a video with a known frozen stretch, indexed by the app, loses it in one copy. The
// stretch is found from the frames the pipeline sampled; what the file holds after is ffprobe's word, and that it
// plays is the browser's own <video>.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually, openApp } from './app';
import { clipFiles, clipOnDisk, greyFrame, meanDifference, playInPage, probe } from './clip-files';
import { launchBrowser, seedOpfsFolder, startServer, stubDirectoryPicker } from './harness';
import type { TestServer } from './harness';
import { waitForIdle } from './media-helpers';

const folder = 'still-library';

/**
 * still.mp4: 2 s of moving test pattern, its last frame held for 5 s (1.96–7 s), 2 s moving again, with sound;
 * key frames every half second. moving.mp4: 4 s that never stand still.
 */
function makeFixtures(dir: string): void {
  const ffmpeg = (...args: string[]) => execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args]);
  const h264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*0.5)'];
  ffmpeg(
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2,tpad=stop_mode=clone:stop_duration=5'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=9'],
    ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]', '-map', '2:a'],
    ...h264,
    ...['-c:a', 'aac', '-shortest', join(dir, 'still.mp4')],
  );
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=4', ...h264, join(dir, 'moving.mp4'));
}

describe('video tools: remove still parts', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const videos = new Map<string, Video>();

  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const tools = () => dialog().getByRole('region', { name: 'Video tools' });
  const open = async (path: string) => {
    await page.evaluate(
      (id) => (window as unknown as FramefinderWindow).framefinder.state.player.open(id, 0, false),
      videos.get(path)!.id,
    );
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState),
    ).toBeGreaterThan(0);
    // The keyboard opens the tools (T), as a user without a pointer would.
    await dialog().focus();
    if (!(await tools().isVisible())) await page.keyboard.press('t');
    await eventually(() => tools().count()).toBe(1);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-still-'));
    makeFixtures(tmp);
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
    page = await context.newPage();
    await stubDirectoryPicker(context, folder);
    await page.goto(server.url);
    await seedOpfsFolder(
      page,
      folder,
      ['still.mp4', 'moving.mp4'].map((path) => ({ path, bytes: readFileSync(join(tmp, path)) })),
    );
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

  test('a video that never stands still says so, and starts no job', async () => {
    await open('moving.mp4');
    const jobs = await dialog().getByRole('listitem').count();
    await tools().getByRole('button', { name: 'Find still parts' }).click();
    await eventually(() => tools().getByRole('status').textContent()).toBe(
      'No still parts: the picture never stays the same for 3 s.',
    );
    expect(await tools().getByRole('region', { name: 'Still parts to remove' }).count()).toBe(0);
    expect(await dialog().getByRole('listitem').count()).toBe(jobs);
    expect(await clipFiles(page, folder)).toEqual([]);
  });

  test('the preview lists the frozen stretch and marks it; Cancel drops it; Remove cuts it out, sound and picture', async () => {
    await open('still.mp4');
    const find = tools().getByRole('button', { name: 'Find still parts' });
    await find.focus();
    await page.keyboard.press('Enter');
    const preview = tools().getByRole('region', { name: 'Still parts to remove' });
    await eventually(() => preview.count()).toBe(1);
    const listed = await preview.getByRole('listitem').allTextContents();
    expect(listed).toHaveLength(1);
    // Frozen from 1.96 s to 7 s; sampled every half second, so seen still from 2 s to 6.5 s.
    const [from, to] = [...listed[0].matchAll(/0:(\d\d\.\d)/g)].map((m) => Number(m[1]));
    expect(from).toBeGreaterThanOrEqual(1.9);
    expect(from).toBeLessThanOrEqual(2.6);
    expect(to).toBeGreaterThanOrEqual(6.4);
    expect(to).toBeLessThanOrEqual(7.05);
    expect(await preview.textContent()).toMatch(/1 still part, 0:0[45]\.\d in all will go/);
    expect(await dialog().getByTestId('still-part').count()).toBe(1);
    await page.screenshot({ path: '/tmp/tools-still-preview.png' });

    await preview.getByRole('button', { name: 'Cancel' }).click();
    expect(await preview.count()).toBe(0);
    expect(await dialog().getByTestId('still-part').count()).toBe(0);
    expect(await clipFiles(page, folder)).toEqual([]);

    await find.click();
    await preview.getByRole('button', { name: 'Remove still parts' }).click();
    const job = dialog().getByRole('listitem', { name: 'still without still parts.mp4' });
    await eventually(() => job.getByRole('status').first().textContent(), 30_000).toBe('Saved in the library');
    // Where it actually cut, on the key frames inside the still part.
    const note = (await job.textContent()) ?? '';
    expect(note).toMatch(/Cut out 0:0\d\.\d to 0:0\d\.\d \(0:0\d\.\d in all\), on key frames inside each still part/);
    const cut = /Cut out 0:(\d\d\.\d) to 0:(\d\d\.\d)/.exec(note)!;
    const [cutFrom, cutTo] = [Number(cut[1]), Number(cut[2])];
    expect(cutFrom).toBeGreaterThanOrEqual(from - 0.05);
    expect(cutTo).toBeLessThanOrEqual(to + 0.05);

    const path = await clipOnDisk(page, folder, 'still without still parts.mp4', tmp);
    const source = join(tmp, 'still.mp4');
    const kept = probe(path);
    const removed = probe(source).duration - kept.duration;
    // The frozen 5 s less at most the sampling interval and a key frame interval (0.5 s each): never more.
    expect(removed, `removed ${removed} s`).toBeGreaterThanOrEqual(4);
    expect(removed, `removed ${removed} s`).toBeLessThanOrEqual(5.05);
    expect(Math.abs(removed - (cutTo - cutFrom))).toBeLessThan(0.06);
    expect(kept.streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    for (const s of kept.streams)
      expect(Math.abs(s.duration - kept.duration), `${s.kind} lasts ${s.duration} s`).toBeLessThan(0.1);
    // Before the cut as it was; right after it, what came after the still part (moving again).
    expect(meanDifference(greyFrame(path, 1), greyFrame(source, 1))).toBeLessThan(1);
    expect(meanDifference(greyFrame(path, cutFrom + 0.3), greyFrame(source, cutTo + 0.3))).toBeLessThan(1);
    expect(await playInPage(page, folder, 'still without still parts.mp4')).toMatchObject({
      error: null,
      width: 320,
      endSeek: true,
    });
    const catalogued = (await catalogVideos(page)).map((v) => v.path);
    expect(catalogued).toContain('Clips/still without still parts.mp4');
  });
});
