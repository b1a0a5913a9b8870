// Search by image as a user meets it: drop a screenshot on the window, read "Search results" (the video, the
// moment, the match and both frames), click the moment and the player is there.
import { describe, expect, test } from 'vitest';
import { useApp } from './harness';
import { dropFile, grabFrame, openSearchLibrary, resultsRegion, secondsIn, shownHits } from './search-helpers';

describe('search by image', () => {
  const app = useApp();

  test('a dropped screenshot finds its video and moment, and a click plays it there', async () => {
    const { page, pageErrors } = await openSearchLibrary(app);

    const frame = await grabFrame(page, 'desert.mp4', 12.6);
    const started = Date.now();
    await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
    const hits = await shownHits(page);
    const dropToResultsMs = Date.now() - started;
    expect(hits[0].name).toBe('desert.mp4');
    const found = secondsIn(hits[0].times[0]);
    expect(Math.abs(found - frame.time)).toBeLessThanOrEqual(1);
    expect(hits[0].text).toMatch(/\d+% match/);
    const region = resultsRegion(page);
    await expect.poll(() => region.getByRole('img', { name: /^desert\.mp4 at / }).count(), { timeout: 20_000 }).toBe(1);
    expect(await region.getByRole('img', { name: 'Your query' }).count()).toBeGreaterThan(0);
    console.log(`drop to results: ${dropToResultsMs} ms (fixture library)`);

    // Click the moment: the player opens on that video, paused there.
    await region.getByRole('button', { name: hits[0].times[0] }).click();
    const player = page.getByRole('dialog', { name: 'Player' });
    await player.waitFor();
    await expect
      .poll(() => player.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
      .toBeCloseTo(found, 1);
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'hidden' });
    expect(pageErrors).toEqual([]);
  });
});
