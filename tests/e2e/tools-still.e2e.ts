// Remove still parts (issue 14): a video with a known frozen stretch, indexed by the app, loses it in one copy. The
// stretch is found from the frames the pipeline sampled; what the file holds after is ffprobe's word, and that it
// plays is the browser's own <video>.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import { clipFiles, clipOnDisk, greyFrame, meanDifference, playInPage, probe } from './clip-files';
import type { TestServer } from './harness';
import { clickCard } from './library-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'still-library';

/**
 * still.mp4 (14 s, with sound, key frames every half second): 2 s of moving test pattern with its last frame held
 * 4 s (still 1.96–6 s), the pattern mirrored for 2 s with its last frame held 4 s (still 7.96–12 s), 2 s moving.
 * moving.mp4: 4 s that never stand still.
 */
function makeFixtures(dir: string): void {
  const ffmpeg = (...args: string[]) => execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args]);
  const h264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*0.5)'];
  const pattern = 'testsrc2=size=320x240:rate=25:duration=2';
  ffmpeg(
    ...['-f', 'lavfi', '-i', `${pattern},tpad=stop_mode=clone:stop_duration=4`],
    ...['-f', 'lavfi', '-i', `${pattern},hflip,tpad=stop_mode=clone:stop_duration=4`],
    ...['-f', 'lavfi', '-i', pattern],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=14'],
    ...['-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1[v]', '-map', '[v]', '-map', '3:a'],
    ...h264,
    ...['-c:a', 'aac', '-shortest', join(dir, 'still.mp4')],
  );
  ffmpeg('-f', 'lavfi', '-i', pattern.replace('duration=2', 'duration=4'), ...h264, join(dir, 'moving.mp4'));
}

/** Every "m:ss.s to m:ss.s" in `text`, in seconds. */
const rangesIn = (text: string) =>
  [...text.matchAll(/(\d+):(\d\d\.\d) to (\d+):(\d\d\.\d)/g)].map((m) => ({
    start: Number(m[1]) * 60 + Number(m[2]),
    end: Number(m[3]) * 60 + Number(m[4]),
  }));

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
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: ['still.mp4', 'moving.mp4'].map((path) => ({ path, bytes: readFileSync(join(tmp, path)) })),
      videos,
    }));
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

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

  test('the preview lists the frozen stretches and marks them; Cancel drops them; Remove cuts both out, sound and picture', async () => {
    await open('still.mp4');
    const find = tools().getByRole('button', { name: 'Find still parts' });
    await find.focus();
    await page.keyboard.press('Enter');
    const preview = tools().getByRole('region', { name: 'Still parts to remove' });
    await eventually(() => preview.count()).toBe(1);
    // Each item's first range is the still part (a second one, when it differs, is the cut on key frames inside it).
    const listed = (await preview.getByRole('listitem').allTextContents()).map((item) => rangesIn(item)[0]);
    // Frozen 1.96–6 and 7.96–12; sampled every quarter second, so seen still from 2 to 5.75 and from 8 to 11.75.
    expect(listed).toHaveLength(2);
    for (const [i, frozen] of [
      { start: 1.96, end: 6 },
      { start: 7.96, end: 12 },
    ].entries()) {
      expect(listed[i].start).toBeGreaterThanOrEqual(frozen.start - 0.05);
      expect(listed[i].start).toBeLessThanOrEqual(frozen.start + 0.6);
      expect(listed[i].end).toBeGreaterThanOrEqual(frozen.end - 0.6);
      expect(listed[i].end).toBeLessThanOrEqual(frozen.end + 0.05);
    }
    expect(await preview.textContent()).toMatch(/2 still parts, 0:0[678]\.\d in all will go/);
    expect(await dialog().getByTestId('still-part').count()).toBe(2);
    await page.screenshot({ path: '/tmp/tools-still-preview.png' });

    await preview.getByRole('button', { name: 'Cancel' }).click();
    expect(await preview.count()).toBe(0);
    expect(await dialog().getByTestId('still-part').count()).toBe(0);
    expect(await clipFiles(page, folder)).toEqual([]);

    await find.click();
    await preview.getByRole('button', { name: 'Remove still parts' }).click();
    const job = dialog().getByRole('listitem', { name: 'still without still parts.mp4' });
    await eventually(() => job.getByRole('status').first().textContent(), 30_000).toBe('Saved in the library');
    // Where it actually cut, on the key frames inside each still part: never outside what was listed.
    const note = (await job.textContent()) ?? '';
    expect(note).toMatch(/Cut out .* in all\), on key frames inside each still part/);
    const cuts = rangesIn(note.slice(note.indexOf('Cut out')));
    expect(cuts).toHaveLength(2);
    for (const [i, c] of cuts.entries()) {
      expect(c.start).toBeGreaterThanOrEqual(listed[i].start - 0.05);
      expect(c.end).toBeLessThanOrEqual(listed[i].end + 0.05);
    }

    const path = await clipOnDisk(page, folder, 'still without still parts.mp4', tmp);
    const source = join(tmp, 'still.mp4');
    const kept = probe(path);
    const removed = probe(source).duration - kept.duration;
    const cut = cuts.reduce((n, c) => n + c.end - c.start, 0);
    // The frozen 8 s less at most a sampling and a key frame interval (0.5 s each) at each edge: never more.
    expect(removed, `removed ${removed} s`).toBeGreaterThanOrEqual(6);
    expect(removed, `removed ${removed} s`).toBeLessThanOrEqual(8.1);
    expect(Math.abs(removed - cut)).toBeLessThan(0.06);
    expect(kept.streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    for (const s of kept.streams)
      expect(Math.abs(s.duration - kept.duration), `${s.kind} lasts ${s.duration} s`).toBeLessThan(0.1);
    // Before the first cut as it was; right after each cut, what came after its still part (moving again).
    const first = cuts[0].end - cuts[0].start;
    expect(meanDifference(greyFrame(path, 1), greyFrame(source, 1))).toBeLessThan(1);
    expect(meanDifference(greyFrame(path, cuts[0].start + 0.3), greyFrame(source, cuts[0].end + 0.3))).toBeLessThan(1);
    expect(
      meanDifference(greyFrame(path, cuts[1].start - first + 0.3), greyFrame(source, cuts[1].end + 0.3)),
    ).toBeLessThan(1);
    expect(await playInPage(page, folder, 'still without still parts.mp4')).toMatchObject({
      error: null,
      width: 320,
      endSeek: true,
    });
    const catalogued = (await catalogVideos(page)).map((v) => v.path);
    expect(catalogued).toContain('Clips/still without still parts.mp4');
  });

  test('as a batch from the library: the video with still parts loses them as before, the one without is skipped', async () => {
    const single = probe(await clipOnDisk(page, folder, 'still without still parts.mp4', tmp)).duration;
    await page.keyboard.press('Escape');
    await eventually(() => dialog().isVisible()).toBe(false);
    await clickCard(page, 'moving.mp4');
    await clickCard(page, 'still.mp4', ['ControlOrMeta']);
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Video tools…' }).click();
    const tools = page.getByRole('dialog', { name: 'Video tools for 2 videos' });
    await tools.getByRole('radio', { name: 'Remove still parts' }).check();
    await tools.getByRole('button', { name: 'Start' }).click();
    const run = tools.getByRole('region', { name: 'Batch: Remove still parts (still for at least 3 s)' });
    await eventually(() => run.getByRole('status').first().textContent(), 30_000).toBe('1 of 1 done');
    expect(await run.getByRole('list', { name: /Skipped/ }).textContent()).toBe(
      'moving.mp4: No still parts: the picture never stays the same for 3 s.',
    );
    const job = run.getByRole('listitem', { name: 'still without still parts (2).mp4' });
    expect(await job.getByRole('status').textContent()).toBe('Saved in the library');
    // The same cut as the single job made, catalogued as a clip of still.mp4.
    const kept = probe(await clipOnDisk(page, folder, 'still without still parts (2).mp4', tmp));
    expect(Math.abs(kept.duration - single)).toBeLessThan(0.05);
    const clip = (await catalogVideos(page)).find((v) => v.path === 'Clips/still without still parts (2).mp4');
    const origin = await page.evaluate(
      (id) => (window as unknown as FramefinderWindow).framefinder.state.clips.originOf(id),
      clip!.id,
    );
    expect(origin).toMatchObject({ parentId: videos.get('still.mp4')!.id, parentName: 'still.mp4' });
  });
});
