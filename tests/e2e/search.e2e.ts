// Reverse search as a user meets it: drop a screenshot (or a clip) on the window, read "Search results", click
// a moment and the player is there; the Duplicates view; and all of it again after a reload and offline.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startServer, stubDirectoryPicker, useApp } from './harness';
import {
  dropFile,
  grabFrame,
  importSearchLibrary,
  resultsRegion,
  searchFolder,
  secondsIn,
  shownHits,
} from './search-helpers';
import { makeClipQueries } from './search-queries';

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

/** Drops a frame of `path` at `time` and expects that video first, at that moment (within one sampling interval). */
async function expectImageFound(page: Page, path: string, time: number): Promise<void> {
  const frame = await grabFrame(page, path, time);
  await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
  const hits = await shownHits(page);
  expect(hits.length, 'at least one result').toBeGreaterThan(0);
  expect(hits[0].name).toBe(path.split('/').pop());
  expect(Math.abs(secondsIn(hits[0].times[0]) - frame.time)).toBeLessThanOrEqual(1);
  expect(hits[0].text).toMatch(/\d+% match/);
}

describe('reverse search', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  test('a screenshot finds its video and moment, a click plays it there, a clip aligns, duplicates group, and it all survives a reload and going offline', async () => {
    context = await app.newContext();
    await stubDirectoryPicker(context, searchFolder);
    const pageErrors: string[] = [];
    context.on('weberror', (e) => pageErrors.push(e.error().message));
    let page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    await waitForServiceWorker(page);
    await importSearchLibrary(page);

    // 1. Drop a screenshot: the right video, the right moment, its match percentage and both frames.
    const frame = await grabFrame(page, 'desert.mp4', 12.6);
    const started = Date.now();
    await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
    const hits = await shownHits(page);
    const dropToResultsMs = Date.now() - started;
    expect(hits[0].name).toBe('desert.mp4');
    const found = secondsIn(hits[0].times[0]);
    expect(Math.abs(found - frame.time)).toBeLessThanOrEqual(1);
    const region = resultsRegion(page);
    await expect.poll(() => region.getByRole('img', { name: /^desert\.mp4 at / }).count(), { timeout: 20_000 }).toBe(1);
    expect(await region.getByRole('img', { name: 'Your query' }).count()).toBeGreaterThan(0);
    console.log(`drop to results: ${dropToResultsMs} ms (fixture library)`);

    // 2. Click the moment: the player opens on that video, paused there.
    await region.getByRole('button', { name: hits[0].times[0] }).click();
    const player = page.getByRole('dialog', { name: 'Player' });
    await player.waitFor();
    await expect
      .poll(() => player.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
      .toBeCloseTo(found, 1);
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'hidden' });

    // 3. Drop a re-encoded clip of night.mp4 on the search half: the aligned range in night.mp4.
    const [clip] = await makeClipQueries(page, {
      videos: [{ path: 'night.mp4', duration: 24 }],
      count: 1,
      seed: 11,
    });
    await dropFile(page, { base64: clip.base64, name: 'clip.webm', type: clip.mime }, 'right');
    const clipHits = await shownHits(page, 60_000);
    expect(clipHits[0].name).toBe('night.mp4');
    expect(Math.abs(secondsIn(clipHits[0].times[0]) - clip.start)).toBeLessThanOrEqual(0.5);
    expect(clipHits[0].text).toMatch(/matched · \d+ frames aligned · \d+% confidence/);
    await page.getByRole('button', { name: 'Close search results' }).click();

    // 4. Duplicates: the re-encoded, trimmed copy sits with its original; the two videos that open on black do not.
    await page.getByRole('button', { name: 'Duplicates' }).click();
    const dups = page.getByRole('region', { name: 'Duplicates' });
    const groups = dups.getByRole('listitem').filter({ has: page.getByRole('heading') });
    await expect.poll(() => groups.count(), { timeout: 30_000 }).toBe(1);
    const names = await groups
      .first()
      .getByRole('button', { name: /^Play / })
      .allInnerTexts();
    expect(names.map((n) => n.trim()).sort()).toEqual(['ocean-small.webm', 'ocean.mp4']);
    expect(await groups.first().getByRole('heading').innerText()).toMatch(/2 videos share 0:(1\d|2\d)/);
    await dups.getByRole('button', { name: 'Back to library' }).click();

    // 5. After a reload the index is read back from OPFS.
    await page.reload();
    await waitForApp(page);
    await expectImageFound(page, 'ocean.mp4', 7.4);

    // 6. Offline: the server is gone, the app and its search index still work.
    const { port, url } = app.server;
    await app.server.stop();
    try {
      await page.close();
      page = await context.newPage();
      await page.goto(url);
      await waitForApp(page);
      await expectImageFound(page, 'night.mp4', 17.5);
    } finally {
      app.server = await startServer({ port });
    }
    expect(pageErrors).toEqual([]);
  });

  test('an image too plain to search with, and a file that is not an image, get clear messages', async () => {
    context = await app.newContext();
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    const black = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 320;
      c.height = 180;
      c.getContext('2d')!.fillRect(0, 0, 320, 180);
      const url = c.toDataURL('image/png');
      return url.slice(url.indexOf(',') + 1);
    });
    await dropFile(page, { base64: black, name: 'black.png', type: 'image/png' });
    await expect.poll(() => resultsRegion(page).getByRole('alert').innerText()).toMatch(/too plain/);
    await dropFile(page, { base64: btoa('not a picture'), name: 'notes.png', type: 'image/png' });
    await expect.poll(() => resultsRegion(page).getByRole('alert').innerText()).toMatch(/not an image/);
  });

  test('an image can also be pasted or picked with "Search by image or clip" (WebP, GIF and PNG)', async () => {
    context = await app.newContext();
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    const picture = (type: string) =>
      page.evaluate((type) => {
        const c = document.createElement('canvas');
        c.width = 320;
        c.height = 180;
        const g = c.getContext('2d')!;
        for (let i = 0; i < 40; i++) {
          g.fillStyle = `hsl(${i * 37}, 70%, ${30 + (i % 5) * 10}%)`;
          g.fillRect((i * 53) % 300, (i * 29) % 160, 40 + (i % 7) * 9, 30 + (i % 3) * 11);
        }
        const url = c.toDataURL(type);
        return { base64: url.slice(url.indexOf(',') + 1), type: url.slice(5, url.indexOf(';')) };
      }, type);
    const noMatch = async () =>
      expect
        .poll(() => resultsRegion(page).getByRole('status').allInnerTexts(), { timeout: 15_000 })
        .toContainEqual(expect.stringMatching(/No match in your library/));

    // Pasted (Ctrl+V outside a text field).
    const webp = await picture('image/webp');
    expect(webp.type).toBe('image/webp');
    await page.evaluate(({ base64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'p.webp', { type: 'image/webp' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, webp);
    await noMatch();
    expect(await resultsRegion(page).getByText('Pasted image').count()).toBe(1);
    await page.getByRole('button', { name: 'Close search results' }).click();

    // Picked through the header's button: an animated GIF is searched by its first frame.
    const gif = readFileSync(join(repoRoot, 'tests/fixtures/queries/animated.gif'));
    await page
      .getByLabel('Image or clip to search for')
      .setInputFiles({ name: 'loop.gif', mimeType: 'image/gif', buffer: gif });
    await noMatch();
    expect(await resultsRegion(page).getByText('loop.gif').count()).toBe(1);
    const png = await picture('image/png');
    await page
      .getByLabel('Image or clip to search for')
      .setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: Buffer.from(png.base64, 'base64') });
    await noMatch();
    expect(await resultsRegion(page).getByText('shot.png').count()).toBe(1);
  });
});
