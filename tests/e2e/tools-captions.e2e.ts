// Burn in captions (issue 14), from the player's Tools: a subtitle file beside h264.mp4 with one line at a known time,
// drawn into a copy by ffmpeg.wasm's libass with the font the app serves. What the copy shows is Debian's ffmpeg's
// word on the bytes the app wrote, compared with the source frame by frame.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import { clipFiles, clipOnDisk, greyFrame, playInPage, probe } from './clip-files';
import { recordRequests } from './harness';
import type { RequestLog, TestServer } from './harness';
import { mediaDir } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'captions-tools';
/** One line from 1 s to 2.5 s of the 4 s video; none before or after it. */
const srt = '1\n00:00:01,000 --> 00:00:02,500\nTHE CAPTION IS HERE\n';
const source = join(mediaDir, 'h264.mp4');

type HoldWindow = FramefinderWindow & { __holdWrites?: Promise<void>; __releaseWrites?: () => void };

/**
 * Mean grey-level difference of two 64 × 36 frames over `rows` (and `cols`, when given). Measured: re-encoding
 * alone differs by about 0.2; the line drawn in, by about 11 over the caption's band.
 */
function regionDifference(a: Buffer, b: Buffer, rows: [number, number], cols: [number, number] = [0, 64]): number {
  let sum = 0;
  let n = 0;
  for (let y = rows[0]; y < rows[1]; y++)
    for (let x = cols[0]; x < cols[1]; x++) {
      sum += Math.abs(a[y * 64 + x] - b[y * 64 + x]);
      n++;
    }
  return sum / n;
}
/** The bottom sixth of the picture, where a bottom caption of 320 × 180 sits (its text is centred). */
const bottomBand: [number, number] = [29, 36];
const topBand: [number, number] = [0, 7];
const textColumns: [number, number] = [12, 52];

describe('video tools: burn in captions', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  let video: Video;
  let requests: RequestLog;
  let fontGone = false;

  const dialog = () => page.getByRole('dialog', { name: 'Player' });
  const burnIn = () => dialog().getByRole('group', { name: 'Burn in captions' });
  const row = (name: string) => dialog().getByRole('listitem', { name });
  const files = () => clipFiles(page, folder);
  /** Opens h264.mp4 in the player with its Tools shown. */
  const open = async () => {
    await page.evaluate(
      (id) => (window as unknown as FramefinderWindow).framefinder.state.player.open(id, 0, false),
      video.id,
    );
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState),
    ).toBeGreaterThan(0);
    if (!(await dialog().getByRole('region', { name: 'Video tools' }).isVisible()))
      await dialog().getByRole('button', { name: 'Tools' }).click();
    // The track the caption menu offers is the one offered here.
    await eventually(() =>
      burnIn().getByRole('combobox', { name: 'Captions' }).locator('option').allInnerTexts(),
    ).toEqual([expect.stringContaining('h264.srt')]);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-burn-'));
    const videos = new Map<string, Video>();
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: [
        { path: 'h264.mp4', bytes: readFileSync(source) },
        { path: 'h264.srt', bytes: Buffer.from(srt) },
      ],
      videos,
      hold: 'writes',
      // No service worker, so every request of the page and its workers goes through the route below.
      context: { serviceWorkers: 'block' },
      async prepare(context) {
        requests = recordRequests(context);
        // While `fontGone`, the app's caption font is answered 404, as from a server that lost it.
        await context.route(/\.ttf(\?|$)/, (route) =>
          fontGone ? route.fulfill({ status: 404, body: 'Not found' }) : route.continue(),
        );
      },
    }));
    video = videos.get('h264.mp4')!;
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('bottom captions change the caption area at the line’s time, and nothing else, nor any other time', async () => {
    await open();
    const group = burnIn();
    // Every control has a name and can be reached by the keyboard: axe finds nothing serious in the tools.
    const { violations } = await new AxeBuilder({ page }).include('section[aria-label="Video tools"]').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await group.getByRole('combobox', { name: 'Size' }).selectOption({ label: 'Large' });
    await group.getByLabel('Colour').fill('#ffff00');
    await group.getByRole('combobox', { name: 'Outline' }).selectOption({ label: 'Thick' });
    // From the keyboard, as from a click.
    await group.getByRole('button', { name: 'Burn in captions' }).focus();
    await page.keyboard.press('Enter');
    const job = row('h264 captions.mp4');
    await eventually(() => job.getByRole('status').textContent(), 120_000).toBe('Saved in the library');
    expect(await job.textContent()).toMatch(/re-encoded as H\.264; the sound copied as it is/);
    expect(await files()).toEqual(['h264 captions.mp4']);

    const out = await clipOnDisk(page, folder, 'h264 captions.mp4', tmp);
    const probed = probe(out);
    expect(probed.streams.map((s) => [s.kind, s.codec])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    expect(Math.abs(probed.duration - probe(source).duration)).toBeLessThanOrEqual(0.05);

    const during = [greyFrame(source, 1.5), greyFrame(out, 1.5)] as const;
    const caption = regionDifference(...during, bottomBand, textColumns);
    const rest = regionDifference(...during, [0, 27]);
    expect(caption, 'the caption area at 1.5 s shows the line').toBeGreaterThan(5);
    expect(rest, 'the picture above the caption is as it was').toBeLessThan(1.5);
    for (const t of [0.5, 3.2]) {
      const still = regionDifference(greyFrame(source, t), greyFrame(out, t), [0, 36]);
      expect(still, `the whole picture at ${t} s, with no line, is as it was`).toBeLessThan(1.5);
    }
    // It plays in the browser's own player, and is catalogued as a clip of its parent over the whole of it.
    expect(await playInPage(page, folder, 'h264 captions.mp4')).toMatchObject({ error: null, width: 320 });
    await eventually(async () => (await catalogVideos(page)).map((v) => v.path), 20_000).toContain(
      'Clips/h264 captions.mp4',
    );
    const origin = await page.evaluate(async (path) => {
      const ff = (window as unknown as FramefinderWindow).framefinder;
      const v = (await ff.catalog.listVideos({})).find((x) => x.path === path)!;
      return ff.state.clips.originOf(v.id);
    }, 'Clips/h264 captions.mp4');
    expect(origin).toMatchObject({ parentId: video.id, range: { start: 0 } });
    // The font came from the app's own origin; nothing was fetched elsewhere.
    expect(requests.foreign(server.url)).toEqual([]);
    expect(requests.urls.some((u) => /DejaVuSans.*\.ttf$/.test(u))).toBe(true);
  });

  test('at the top, a second copy never overwrites the first; the bottom is left alone', async () => {
    await burnIn().getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Top' });
    await burnIn().getByRole('button', { name: 'Burn in captions' }).click();
    const job = row('h264 captions (2).mp4');
    await eventually(() => job.getByRole('status').textContent(), 120_000).toBe('Saved in the library');
    expect(await files()).toEqual(['h264 captions (2).mp4', 'h264 captions.mp4']);
    const out = await clipOnDisk(page, folder, 'h264 captions (2).mp4', tmp);
    const [a, b] = [greyFrame(source, 1.5), greyFrame(out, 1.5)];
    expect(regionDifference(a, b, topBand, textColumns), 'the top shows the line').toBeGreaterThan(5);
    expect(regionDifference(a, b, [9, 36]), 'the rest is as it was').toBeLessThan(1.5);
  });

  test('Cancel mid-write leaves no file and nothing catalogued; Retry then makes it', async () => {
    const before = await files();
    await page.evaluate(() => {
      const w = window as unknown as HoldWindow;
      w.__holdWrites = new Promise((release) => (w.__releaseWrites = release));
    });
    await burnIn().getByRole('button', { name: 'Burn in captions' }).click();
    const job = row('h264 captions (3).mp4');
    await eventually(() => files()).toContain('h264 captions (3).mp4');
    expect(await job.getByRole('status').textContent()).toMatch(/^Saving…/);
    await job.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => job.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    expect(await files()).toEqual(before);
    expect((await catalogVideos(page)).some((v) => v.path.includes('captions (3)'))).toBe(false);

    await page.evaluate(() => {
      const w = window as unknown as HoldWindow;
      w.__holdWrites = undefined;
      w.__releaseWrites?.();
    });
    await job.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => job.getByRole('status').textContent(), 120_000).toBe('Saved in the library');
    expect(await files()).toContain('h264 captions (3).mp4');

    // The copy in the app's own player, at the line's time (the README's picture of the tool).
    const copy = (await catalogVideos(page)).find((v) => v.path === 'Clips/h264 captions.mp4')!;
    await page.evaluate(
      (id) => (window as unknown as FramefinderWindow).framefinder.state.player.open(id, 1.5, false),
      copy.id,
    );
    await eventually(() =>
      dialog()
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.readyState >= 2 && Math.abs(v.currentTime - 1.5) < 0.1),
    ).toBe(true);
    await dialog().screenshot({ path: '/tmp/tools-burn-in.png' });
  });

  test('a caption font the app cannot load stops the job with the reason, and leaves no file', async () => {
    await open();
    const before = await files();
    fontGone = true;
    try {
      await burnIn().getByRole('button', { name: 'Burn in captions' }).click();
      const job = row('h264 captions (4).mp4');
      await eventually(() => job.getByRole('status').textContent(), 60_000).toBe(
        'Failed: Captions cannot be burned in: the caption font could not be loaded (HTTP 404). Reload the app and try again.',
      );
      expect(await files()).toEqual(before);
      expect((await catalogVideos(page)).some((v) => v.path.includes('captions (4)'))).toBe(false);
    } finally {
      fontGone = false;
    }
  });
});
