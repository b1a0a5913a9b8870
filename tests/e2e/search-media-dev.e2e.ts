// Reverse search on the real files in ../shared/media-dev (phone recordings with rotation, HDR, Dolby Vision,
// motion photos, AV1, VP9 10-bit, AVI, FLV, TS, Matroska …; see its README). Runs only when that folder exists
// (it is never copied into the repository) and says so when it is skipped. The whole folder is opened as a
// library through the app; screenshots are frames a <video> element shows (what the user sees: rotation and
// tone mapping applied), transformed like search-quality.e2e.ts's, so files Chromium cannot play get no queries
// (they are listed). Prints each file's figures; fails when a file that should index does not (and, with
// FF_ISSUE11_TARGETS=1, when a file's screenshots miss the issue 11 targets).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { defaultSampling } from '../../src/lib/media/sampling';
import { repoRoot, stubDirectoryPicker, useApp } from './harness';
import { allJobs } from './media-helpers';
import { importSearchLibrary, searchImage } from './search-helpers';
import { makeImageQueries, type QueryVideo } from './search-queries';

const mediaDevDir = join(repoRoot, '..', 'shared', 'media-dev');
const present = existsSync(join(mediaDevDir, 'manifest.json'));
const folder = 'media-dev';
/** Files no tier decodes, with the message the user must get instead. */
const undecodable: Record<string, RegExp> = { 'mp4_sample_vvc.mp4': /unsupported|cannot decode/i };
const QUERIES_PER_FILE = 3;

if (!present) console.log(`search-media-dev: skipped, no real-world files at ${mediaDevDir}`);

describe.skipIf(!present)('reverse search on the real files in ../shared/media-dev', () => {
  const app = useApp();

  test('every decodable file indexes, and its screenshots find it at the right moment', async () => {
    const names = readdirSync(mediaDevDir).filter((n) => !/\.(json|md)$/.test(n));
    const what = new Map(
      (JSON.parse(readFileSync(join(mediaDevDir, 'manifest.json'), 'utf8')) as { file: string; what: string }[]).map(
        (m) => [m.file, m.what],
      ),
    );
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    const files = names.map((path) => ({ path, bytes: readFileSync(join(mediaDevDir, path)) }));
    await importSearchLibrary(page, 1_500_000, { folder, files });

    const failed = (await allJobs(page)).filter((j) => j.status === 'failed');
    const wrongFailures = failed.filter((j) => !undecodable[j.videoName]?.test(j.error ?? ''));
    for (const j of failed) console.log(`  indexing failed: ${j.videoName} ${j.stage}: ${j.error}`);

    // Which files the page's <video> plays, and for how long: those get screenshots.
    const playable: QueryVideo[] = [];
    const unplayable: string[] = [];
    for (const f of files) {
      const probe = await page.evaluate(
        async ({ base64, name }) => {
          const blob = await (await fetch(`data:application/octet-stream;base64,${base64}`)).blob();
          const url = URL.createObjectURL(blob);
          const video = document.createElement('video');
          video.muted = true;
          video.src = url;
          const duration = await new Promise<number | null>((ok) => {
            // A file the element opens without a picture (audio only to this browser) has no frame to grab.
            video.onloadeddata = () => ok(video.videoWidth > 0 ? video.duration : null);
            video.onerror = () => ok(null);
            setTimeout(() => ok(null), 15_000);
          });
          video.removeAttribute('src');
          return duration && Number.isFinite(duration) ? { url, duration, name } : null;
        },
        { base64: f.bytes.toString('base64'), name: f.path },
      );
      if (probe && probe.duration >= 1.2) playable.push({ path: f.path, duration: probe.duration, url: probe.url });
      else unplayable.push(f.path);
    }

    const interval = defaultSampling.keyframeInterval;
    const rows: string[] = [];
    const blanks: string[] = [];
    const copies: string[] = [];
    const short: string[] = [];
    let [all, right, timely] = [0, 0, 0];
    for (const [i, video] of playable.entries()) {
      const queries = await makeImageQueries(page, { videos: [video], count: QUERIES_PER_FILE, seed: 11 + i });
      let [top1, onTime] = [0, 0];
      const misses: string[] = [];
      for (const q of queries) {
        const hits = await searchImage(page, q.base64, q.mime);
        if (hits.length === 0 && (await blankPicture(page, q.base64, q.mime))) {
          // A black screenshot (a dark phone clip, a black video): nothing to match, and the app must say so.
          blanks.push(`${video.path}@${q.time.toFixed(2)}`);
          expect(await searchMessage(page), `${video.path}@${q.time}: a blank screenshot`).toMatch(/too plain/i);
          continue;
        }
        // A copy holding the same picture (the same clip muxed into several containers) may rank first: the file
        // asked for must then be among the hits, as similar as the first.
        const mine = hits.find((h) => h.path.split('/').pop() === video.path);
        const found = mine !== undefined && mine.similarity >= hits[0].similarity - 0.005;
        if (found && mine !== hits[0]) {
          copies.push(`${video.path}@${q.time.toFixed(2)} = ${hits[0].path}`);
          // The results say so: the file asked for is shown as a copy of the first (same picture, same moment).
          const said = page.getByRole('region', { name: 'Search results' }).getByText(/: a copy$/);
          if (Math.abs(mine.time - hits[0].time) <= 0.5)
            expect(await said.count(), 'copies are said').toBeGreaterThan(0);
        }
        const near = found && Math.abs(mine.time - q.time) <= interval + 0.05;
        if (found) top1++;
        if (near) onTime++;
        if (!near)
          misses.push(
            `${q.transform}@${q.time.toFixed(2)} → ${hits[0] ? `${hits[0].path}@${hits[0].time.toFixed(2)}` : 'nothing'}`,
          );
      }
      const asked = queries.length - blanks.filter((b) => b.startsWith(`${video.path}@`)).length;
      [all, right, timely] = [all + asked, right + top1, timely + onTime];
      if (top1 < asked) short.push(video.path);
      rows.push(
        `  ${video.path.padEnd(58)} ${top1}/${asked} right, ${onTime} on time  ${what.get(video.path) ?? ''}` +
          (misses.length ? `\n      ${misses.join('\n      ')}` : ''),
      );
    }
    console.log(`reverse search on ${files.length} real files (${playable.length} playable in Chromium):`);
    console.log(rows.join('\n'));
    console.log(`  overall: recall@1 ${right}/${all}, moment within ${interval} s ${timely}/${all}`);
    if (blanks.length) console.log(`  blank screenshots, "too plain" as it should: ${blanks.join(', ')}`);
    if (copies.length) console.log(`  found as a copy of the same picture: ${copies.join(', ')}`);
    if (unplayable.length)
      console.log(`  no screenshots (Chromium's <video> cannot play them): ${unplayable.join(', ')}`);

    expect(wrongFailures.map((j) => `${j.videoName} ${j.stage}: ${j.error}`)).toEqual([]);
    // The screenshot figures are far from issue 11's targets on real files today (descriptor work to come): printed
    // always, asserted with FF_ISSUE11_TARGETS=1 as in search-realworld.e2e.ts.
    if (process.env.FF_ISSUE11_TARGETS !== '1') return;
    expect(short, 'files whose screenshots did not all find them').toEqual([]);
    expect(timely / Math.max(1, all), 'moment within the sampling interval').toBeGreaterThanOrEqual(0.9);
  }, 1_800_000);
});

/** Whether a screenshot is one flat colour to the eye (luma spread under 8 of 255 over its full size). */
function blankPicture(page: Page, base64: string, mime: string): Promise<boolean> {
  return page.evaluate(
    async ({ base64, mime }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let [sum, sq] = [0, 0];
      for (let i = 0; i < d.length; i += 4) {
        const v = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        sum += v;
        sq += v * v;
      }
      const n = d.length / 4;
      return Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)) < 8;
    },
    { base64, mime },
  );
}

/** What the search says after the last query (the state behind the results region's message line). */
function searchMessage(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window as unknown as { framefinder: { state: { search: { message: string } } } }).framefinder.state.search
        .message,
  );
}
