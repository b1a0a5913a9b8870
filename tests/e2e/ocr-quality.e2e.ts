// Text on screen, measured: the fixtures of tests/scripts/make-ocr-fixtures.mjs (words over flat slides and over
// moving footage, 16–64 px at 720p, several fonts and colours, on screen 1–6 s at known times, and footage with no
// text) are read by the app as a user's library would be, then every word is searched. Printed: recall@1 of the
// video by size, the share found at a moment inside the word's on-screen span, and results for absent words.
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { absentShortWords, absentWords, makeOcrFixtures, type OcrItem } from '../scripts/make-ocr-fixtures.mjs';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle } from './app';
import { recordRequests, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';

describe('text on screen: quality on drawn fixtures', () => {
  const app = useApp();

  test('words 24 px and up are found in ≥ 90 %, 16–24 px in ≥ 70 %, at their moment; absent words find nothing', async () => {
    const { files, items } = makeOcrFixtures();
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'quality');
    const page = await context.newPage();
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'quality', files);
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 30_000).toMatch(/Scan finished:/);
    await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: 'Read text on screen in quality' }).check();
    await page.keyboard.press('Escape');
    const started = Date.now();
    await waitForJobsIdle(page, 400_000);
    const readSeconds = (Date.now() - started) / 1000;
    expect(await catalogJobs(page, 'failed')).toEqual([]);

    const search = (words: string) =>
      page.evaluate(async (words) => {
        const w = window as unknown as FramefinderWindow;
        const names = new Map((await w.framefinder.catalog.listVideos({})).map((v) => [v.id, v.name]));
        const { hits } = await w.framefinder.screenText.search(words);
        return hits.map((h) => ({ video: names.get(h.videoId) ?? '', start: h.start, end: h.end, text: h.text }));
      }, words);

    const rows: (OcrItem & { found: boolean; atMoment: boolean; read: string })[] = [];
    for (const item of items) {
      const hits = await search(item.text);
      const top = hits[0];
      const found = top?.video === item.video;
      // The span starts at the first frame read that showed the words: inside the time they were on screen.
      const atMoment = found && top.start >= item.from - 0.1 && top.start <= item.to;
      rows.push({ ...item, found, atMoment, read: top ? `${top.video} ${top.start}s ${top.text}` : '' });
    }
    const recall = (rs: typeof rows) => rs.filter((r) => r.found).length / rs.length;
    const large = rows.filter((r) => r.size >= 24);
    const small = rows.filter((r) => r.size < 24);
    const absent = await Promise.all(absentWords.map(async (w) => ({ word: w, hits: await search(w) })));
    const absentShort = await Promise.all(absentShortWords.map(async (w) => ({ word: w, hits: await search(w) })));
    const figures = {
      items: rows.length,
      recall_at_1_24px_up: recall(large),
      recall_at_1_16_to_24px: recall(small),
      recall_at_1_slides: recall(rows.filter((r) => r.video === 'slides.mp4')),
      recall_at_1_footage: recall(rows.filter((r) => r.video === 'footage.mp4')),
      at_moment: rows.filter((r) => r.atMoment).length / Math.max(1, rows.filter((r) => r.found).length),
      absent_long_false_results: absent.reduce((n, a) => n + a.hits.length, 0),
      absent_short_false_results: absentShort.reduce((n, a) => n + a.hits.length, 0),
      read_seconds: Math.round(readSeconds),
    };
    console.log(`ocr quality: ${JSON.stringify(figures)}`);
    for (const r of rows.filter((r) => !r.found || !r.atMoment))
      console.log(`  missed ${r.video} ${r.from}-${r.to}s ${r.size}px "${r.text}": ${r.read || 'nothing'}`);

    expect(figures.recall_at_1_24px_up).toBeGreaterThanOrEqual(0.9);
    expect(figures.recall_at_1_16_to_24px).toBeGreaterThanOrEqual(0.7);
    expect(figures.at_moment).toBe(1);
    expect(absent.filter((a) => a.hits.length > 0)).toEqual([]);
    // The footage with no text has nothing stored.
    const camera = await page.evaluate(async () => {
      const w = window as unknown as FramefinderWindow;
      const video = (await w.framefinder.catalog.listVideos({})).find((v) => v.name === 'camera.mp4')!;
      return (await w.framefinder.screenText.textBetween(video.id, 0, 1e9)).length;
    });
    expect(camera).toBe(0);
    expect(requests.foreign(app.server.url)).toEqual([]);
  }, 600_000);
});
