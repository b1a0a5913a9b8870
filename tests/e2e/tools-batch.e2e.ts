// Batch tools (issue 14): several videos selected in the library, one operation queued as one job per video. What
// the files hold is Debian's ffprobe's word on the bytes the app wrote.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Video } from '../../src/lib/types';
import { catalogVideos, eventually } from './app';
import { clipFiles, clipOnDisk, probe } from './clip-files';
import type { TestServer } from './harness';
import { clickCard } from './library-helpers';
import { mediaDir } from './media-helpers';
import { closeToolsLibrary, openToolsLibrary } from './tools-library';

const folder = 'batch-library';
/** scenes.mp4 has no sound; h264.mp4 has AAC, vp9.webm Opus. */
const fixtures = ['scenes.mp4', 'h264.mp4', 'vp9.webm'];

type BatchWindow = FramefinderWindow & { __holdFile?: string; __release?: () => void };

describe('batch tools: one operation on the selected videos', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  const videos = new Map<string, Video>();

  const selectOnly = async (names: string[]) => {
    await clickCard(page, names[0]);
    for (const name of names.slice(1)) await clickCard(page, name, ['ControlOrMeta']);
    await eventually(() => page.getByRole('region', { name: 'Selection' }).textContent()).toMatch(
      `${names.length} videos selected`,
    );
  };
  const dialog = (count: number) => page.getByRole('dialog', { name: `Video tools for ${count} videos` });
  const files = () => clipFiles(page, folder);
  const hold = (name: string) => page.evaluate((n) => ((window as unknown as BatchWindow).__holdFile = n), name);
  const release = () =>
    page.evaluate(() => {
      const w = window as unknown as BatchWindow;
      delete w.__holdFile;
      w.__release?.();
    });

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ff-batch-'));
    ({ server, browser, context, page } = await openToolsLibrary({
      folder,
      files: fixtures.map((path) => ({ path, bytes: readFileSync(join(mediaDir, path)) })),
      videos,
      hold: 'files',
    }));
  });

  afterAll(() => closeToolsLibrary({ context, browser, server }, tmp));

  test('extract audio from 3 videos: two sound files as long as their videos, the silent one skipped with why', async () => {
    await selectOnly(fixtures);
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Video tools…' }).click();
    const tools = dialog(3);
    await eventually(() => tools.isVisible()).toBe(true);
    // The keyboard is inside the dialog, and Esc closes it.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await eventually(() => tools.isVisible()).toBe(false);
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Video tools…' }).click();
    await eventually(() => tools.isVisible()).toBe(true);

    // Chosen and started with the keyboard alone.
    await tools.getByRole('radio', { name: 'Extract audio' }).focus();
    await page.keyboard.press('Space');
    expect(await tools.getByRole('radio', { name: 'Extract audio' }).isChecked()).toBe(true);
    await tools.getByRole('button', { name: 'Start' }).focus();
    await page.keyboard.press('Enter');

    const run = tools.getByRole('region', { name: 'Batch: Extract audio as it is' });
    // The form that had the focus is gone: the keyboard lands on the batch, not on the page behind the dialog.
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Extract audio as it is');
    await eventually(() => run.getByRole('status').first().textContent(), 30_000).toBe('2 of 2 done');
    const skipped = run.getByRole('list', { name: /Skipped/ });
    expect(await skipped.getByRole('listitem').count()).toBe(1);
    expect(await skipped.getByRole('listitem', { name: 'scenes.mp4' }).textContent()).toMatch(
      /scenes\.mp4.*has no sound track/,
    );
    expect(await files()).toEqual(['h264 audio.m4a', 'vp9 audio.opus']);
    for (const [name, parent, codec] of [
      ['h264 audio.m4a', 'h264.mp4', 'aac'],
      ['vp9 audio.opus', 'vp9.webm', 'opus'],
    ]) {
      const row = run.getByRole('listitem', { name });
      expect(await row.getByRole('status').textContent()).toBe('Saved in the Clips folder');
      const sound = probe(await clipOnDisk(page, folder, name, tmp));
      expect(sound.streams.map((s) => [s.kind, s.codec])).toEqual([['audio', codec]]);
      expect(Math.abs(sound.duration - probe(join(mediaDir, parent)).duration), name).toBeLessThan(0.1);
    }
    await page.screenshot({ path: '/tmp/tools-batch-audio.png' });
    await tools.getByRole('button', { name: 'Close' }).click();
    await eventually(() => tools.isVisible()).toBe(false);
  });

  test('Cancel all in the middle of a split deletes its parts and starts no other; Retry queues one again', async () => {
    const before = await files();
    await selectOnly(['h264.mp4', 'scenes.mp4']);
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Video tools…' }).click();
    const tools = dialog(2);
    await eventually(() => tools.isVisible()).toBe(true);
    await tools.getByRole('radio', { name: 'Split every' }).check();
    await tools.getByRole('spinbutton', { name: 'Seconds per part' }).fill('2');
    await hold('part 2 of');
    await tools.getByRole('button', { name: 'Start' }).click();

    // h264.mp4 (4 s, a key frame every second) goes first: part 1 is on disk, part 2 is being created.
    const run = tools.getByRole('region', { name: 'Batch: Split every 2 s' });
    const first = run.getByRole('listitem', { name: 'h264.mp4 split every 2 s' });
    const second = run.getByRole('listitem', { name: 'scenes.mp4 split every 2 s' });
    await eventually(() => first.getByRole('list', { name: 'Parts' }).textContent()).toMatch(/h264 part 1 of 2/);
    expect(await files()).toEqual([...before, 'h264 part 1 of 2 (0-00-00 to 0-00-02).mp4'].sort());
    expect(await second.getByRole('status').textContent()).toBe('Waiting: the jobs before it run first');
    expect(await run.getByRole('status').first().textContent()).toBe('0 of 2 done');
    await page.screenshot({ path: '/tmp/tools-batch-running.png' });

    await run.getByRole('button', { name: 'Cancel all' }).click();
    await release();
    await eventually(() => run.getByRole('status').first().textContent()).toBe('0 of 2 done, 2 cancelled');
    expect(await first.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    expect(await second.getByRole('status').textContent()).toBe('Cancelled: nothing was kept');
    // No partial file: the finished part 1 and the started part 2 are gone, and scenes.mp4 was never started.
    expect(await files()).toEqual(before);
    expect(await run.getByRole('button', { name: 'Cancel all' }).isDisabled()).toBe(true);

    // A job of the batch is retried through the batch's queue; its parts are catalogued as clips of their video.
    await second.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => second.getByRole('status').textContent(), 30_000).toBe('Saved in the library');
    expect(await run.getByRole('status').first().textContent()).toBe('1 of 2 done, 1 cancelled');
    const parts = (await files()).filter((n) => !before.includes(n));
    expect(parts.length).toBeGreaterThan(1);
    for (const name of parts) expect(name).toMatch(new RegExp(`^scenes part \\d of ${parts.length} \\(`));
    const catalogued = (await catalogVideos(page)).filter((v) => v.path.startsWith('Clips/scenes part'));
    expect(catalogued.map((v) => v.name).sort()).toEqual(parts);
    const parentId = videos.get('scenes.mp4')!.id;
    for (const clip of catalogued) {
      const origin = await page.evaluate(
        (id) => (window as unknown as BatchWindow).framefinder.state.clips.originOf(id),
        clip.id,
      );
      expect(origin, clip.name).toMatchObject({ parentId, parentName: 'scenes.mp4' });
    }
  });
});
