// Search by image as a user meets it: drop a screenshot on the window, read "Search results" (the video, the
// moment, the match and both frames), click the moment and the player is there.
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { useApp } from './harness';
import { dropFile, grabFrame, openSearchLibrary, resultsRegion, secondsIn, shownHits } from './search-helpers';

describe('search by image', () => {
  const app = useApp();

  test('a dropped screenshot finds its video, then its exact frame, and a click plays it there', async () => {
    const { page, pageErrors } = await openSearchLibrary(app);

    // Between the frames sampled at 12.5 and 13.0 s: the index alone answers 12.5 or 13.0.
    const frame = await grabFrame(page, 'desert.mp4', 12.74);
    const started = Date.now();
    await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
    const hits = await shownHits(page);
    const dropToResultsMs = Date.now() - started;
    expect(hits[0].name).toBe('desert.mp4');
    expect(Math.abs(secondsIn(hits[0].times[0]) - frame.time)).toBeLessThanOrEqual(1);
    expect(hits[0].text).toMatch(/\d+% match/);
    const region = resultsRegion(page);

    // The moment is narrowed to the frame while the results are shown; the status line says so until it lands.
    const summary = region.getByRole('status').filter({ hasText: /\d+ ms/ });
    await expect.poll(() => summary.innerText(), { timeout: 30_000 }).not.toMatch(/finding the exact frame/);
    const dropToRefinedMs = Date.now() - started;
    const [refined] = await shownHits(page);
    const refinedTime = await page.evaluate(
      () => (window as unknown as FramefinderWindow).framefinder.state.search.imageHits[0].times[0].time,
    );
    const found = secondsIn(refined.times[0]);
    // Shown to the tenth of a second: within one frame (0.04 s) and the display's rounding.
    expect(Math.abs(found - frame.time)).toBeLessThanOrEqual(0.04 + 0.05);
    // The matched frame beside the query is the refined one.
    const shown = region.getByRole('img', { name: `desert.mp4 at ${refined.times[0].replace(/^.* from /, '')}` });
    await expect.poll(() => shown.count(), { timeout: 20_000 }).toBe(1);
    expect(await region.getByRole('img', { name: 'Your query' }).count()).toBeGreaterThan(0);
    console.log(
      `drop to results: ${dropToResultsMs} ms, to the exact frame: ${dropToRefinedMs} ms (fixture library); ` +
        `moment ${hits[0].times[0].replace(/^.* from /, '')} → ${refined.times[0].replace(/^.* from /, '')} ` +
        `for a frame at ${frame.time.toFixed(3)} s`,
    );

    // Click the moment: the player opens on that video, paused at the refined moment.
    await region.getByRole('button', { name: refined.times[0] }).click();
    const player = page.getByRole('dialog', { name: 'Player' });
    await player.waitFor();
    await expect
      .poll(() => player.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
      .toBeCloseTo(refinedTime, 2);
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'hidden' });

    // A mirrored screenshot (a flipped re-upload) finds the same video and moment, and the results say it is mirrored.
    const flipped = await page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(-1, 0, 0, 1, bitmap.width, 0);
      ctx.drawImage(bitmap, 0, 0);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
    }, frame.base64);
    await dropFile(page, { base64: flipped, name: 'flipped.png', type: 'image/png' });
    await expect.poll(() => summary.innerText(), { timeout: 30_000 }).toMatch(/found mirrored/);
    await expect.poll(() => summary.innerText(), { timeout: 30_000 }).not.toMatch(/finding the exact frame/);
    const [mirrored] = await shownHits(page);
    expect(mirrored.name).toBe('desert.mp4');
    expect(Math.abs(secondsIn(mirrored.times[0]) - frame.time)).toBeLessThanOrEqual(0.04 + 0.05);

    // Closing the results while a moment is being refined stops it; the search worker keeps nothing of either query.
    const kept = () => page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.search.keptQueries());
    const other = await grabFrame(page, 'ocean.mp4', 9.24);
    const closedWhileRefining = await page.evaluate(async (base64) => {
      const search = (window as unknown as FramefinderWindow).framefinder.state.search;
      const image = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' });
      const searching = search.byImage(image, 'screenshot.png');
      // Refinement takes several worker round trips: a zero-delay poll sees it under way.
      while (!search.refining && search.busy) await new Promise((ok) => setTimeout(ok, 0));
      const refining = search.refining;
      search.close();
      await searching;
      return refining;
    }, other.base64);
    expect(closedWhileRefining).toBe(true);
    await region.waitFor({ state: 'detached' });
    await expect.poll(kept, { timeout: 10_000 }).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
