// "On screen": text shown in the videos is read (PaddleOCR on ONNX Runtime, served from the app's origin) when the
// library's "Read text on screen" switch is on, and found by words with no other model. The fixtures are drawn
// here with Debian's ffmpeg (drawtext, DejaVu fonts): slides with words at known times, and camera-like footage
// with none. Offline, the words are still found and the library is read again from the models the browser kept.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle } from './app';
import { recordRequests, seedOpfsFolder, startServer, stubDirectoryPicker, useApp } from './harness';

const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const serif = '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf';
const phoneVideo = '/work/shared/media-dev/mp4_pixel7_videoOnly_cleaned.mp4';

/** Words drawn on the slides, and when they are on screen. */
const slides = [
  { text: 'Quarterly churn review', font, size: 64, color: 'black', bg: 'white', from: 2, to: 6 },
  { text: 'Lighthouse keeper schedule', font: serif, size: 40, color: 'yellow', bg: 'navy', from: 6, to: 10 },
];

function makeFixtures(): { path: string; bytes: Buffer }[] {
  const dir = mkdtempSync(join(tmpdir(), 'ff-ocr-'));
  const escape = (t: string) => t.replace(/:/g, '\\:');
  // A plain grey first two seconds, then each slide: a flat background with its words.
  const filters = slides
    .map(
      (s) =>
        `drawbox=c=${s.bg}:t=fill:enable='between(t,${s.from},${s.to})',` +
        `drawtext=fontfile=${s.font}:text='${escape(s.text)}':fontsize=${s.size}:fontcolor=${s.color}:` +
        `x=(w-tw)/2:y=(h-th)/2:enable='between(t,${s.from},${s.to - 0.04})'`,
    )
    .join(',');
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-g', '50'];
  const run = (args: string[]) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  run(['-f', 'lavfi', '-i', 'color=c=gray:s=1280x720:r=25:d=12', '-vf', filters, ...encode, join(dir, 'slides.mp4')]);
  // Camera-like: soft colours drifting, no text anywhere.
  run([
    '-f',
    'lavfi',
    '-i',
    'gradients=s=960x540:r=25:d=6:speed=0.03:n=5,gblur=sigma=2',
    ...encode,
    join(dir, 'camera.mp4'),
  ]);
  const files = ['slides.mp4', 'camera.mp4'].map((name) => ({ path: name, bytes: readFileSync(join(dir, name)) }));
  // Real phone footage, when the media-dev samples are here (never copied into the repository).
  if (existsSync(phoneVideo)) files.push({ path: 'phone.mp4', bytes: readFileSync(phoneVideo) });
  return files;
}

/** Searches words in the word search field; the "On screen" section's result labels once it has settled. */
async function onScreen(page: Page, words: string): Promise<string[]> {
  const field = page.getByRole('search', { name: 'Word search' }).getByRole('searchbox');
  await field.fill(words);
  await field.press('Enter');
  const section = page.getByRole('region', { name: 'On screen' });
  await section.waitFor({ timeout: 10_000 });
  // Settled: results listed, or the note that none says this.
  const settled = async () =>
    (await section.getByRole('listitem').count()) + (await section.getByRole('status').count());
  await eventually(settled).toBeGreaterThan(0);
  return section.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? ''));
}

describe('search by what is written on screen', () => {
  const app = useApp();

  test('words on a slide are found at their moment, with a typo, after the library switch; camera footage has none; offline too', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'ocr');
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'ocr', makeFixtures());
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);
    // Off by default: nothing is queued to be read until the user asks.
    const readJobs = async () => (await catalogJobs(page, 'queued')).filter((j) => j.stage === 'read-text');
    expect(await readJobs()).toEqual([]);

    await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: 'Read text on screen in ocr' }).check();
    await page.keyboard.press('Escape');
    const videos = existsSync(phoneVideo) ? 3 : 2;
    // Every video of the library is queued for reading, as a job of the Jobs panel.
    const allRead = async () =>
      (await Promise.all((['queued', 'running', 'done'] as const).map((s) => catalogJobs(page, s))))
        .flat()
        .filter((j) => j.stage === 'read-text').length;
    expect(await allRead()).toBe(videos);
    await waitForJobsIdle(page, 100_000);
    expect(await catalogJobs(page, 'failed')).toEqual([]);
    expect((await catalogJobs(page, 'done')).filter((j) => j.stage === 'read-text')).toHaveLength(videos);

    // A word of the first slide: found where the slide starts, lasting as long as it stays.
    const found = await onScreen(page, 'churn');
    expect(found).toEqual(['Play slides.mp4 from 0:02.0']);
    const section = page.getByRole('region', { name: 'On screen' });
    await expect.poll(() => section.innerText()).toMatch(/0:02\.0 · on screen for 4\.0 s/);
    await expect.poll(() => section.getByTestId('word-box').count()).toBe(1);
    // Case and accents fold; one wrong letter in a long word is forgiven (recognition misreads a letter now and then).
    expect(await onScreen(page, 'QUARTÉRLY')).toEqual(['Play slides.mp4 from 0:02.0']);
    expect(await onScreen(page, 'quartrly churn')).toEqual(['Play slides.mp4 from 0:02.0']);
    expect(await onScreen(page, 'lighthoose schedule')).toEqual(['Play slides.mp4 from 0:06.0']);
    await expect.poll(() => section.innerText()).toMatch(/0:06\.0 · on screen for 4\.0 s/);
    // A word never shown finds nothing, even a near one.
    expect(await onScreen(page, 'quarterback')).toEqual([]);
    await section.getByText('No text on screen says this.').waitFor();

    // Click: the player opens on that video, at the slide.
    await onScreen(page, 'keeper');
    await section.getByRole('button', { name: 'Play slides.mp4 from 0:06.0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Player' });
    await expect.poll(() => dialog.getByRole('heading', { level: 2 }).innerText()).toBe('slides.mp4');
    const playedFrom = () =>
      dialog.locator('video').evaluate((v: HTMLVideoElement) => (v.played.length > 0 ? v.played.start(0) : -1));
    await eventually(playedFrom).toBeGreaterThan(5.8);
    expect(await playedFrom()).toBeLessThan(6.3);
    // The player's "On screen" tab lists what was read, the text showing now marked.
    await dialog.getByRole('tab', { name: 'On screen' }).click();
    const current = dialog.getByRole('list', { name: 'Text on screen' }).locator('li[aria-current="true"]');
    await expect.poll(() => current.innerText()).toMatch(/0:06\.0\s+Lighthouse keeper schedule/);
    await page.keyboard.press('Escape');

    // The camera footage holds no text: nothing stored for it.
    const texts = await page.evaluate(async () => {
      const w = window as unknown as FramefinderWindow;
      const out: Record<string, string[]> = {};
      for (const v of await w.framefinder.catalog.listVideos({}))
        out[v.name] = (await w.framefinder.screenText.textBetween(v.id, 0, 1e9)).flatMap((s) =>
          s.lines.map((l) => l.text),
        );
      return out;
    });
    expect(texts['camera.mp4']).toEqual([]);
    if (existsSync(phoneVideo)) expect(texts['phone.mp4']).toEqual([]);
    expect(texts['slides.mp4']).toEqual(['Quarterly churn review', 'Lighthouse keeper schedule']);
    expect(requests.foreign(app.server.url)).toEqual([]);

    // Offline (the server gone, the service worker serving the app): "On screen" still finds the words, and the
    // library is read again with the models the first reading kept in the browser's cache.
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    const { port, url } = app.server;
    await app.server.stop();
    try {
      await page.close();
      const offline = await context.newPage();
      offline.on('pageerror', (e) => pageErrors.push(e.message));
      await offline.goto(url);
      await offline.waitForFunction(
        () => (window as unknown as FramefinderWindow).framefinder?.state.catalog.role === 'writer',
        undefined,
        { timeout: 30_000 },
      );
      expect(await onScreen(offline, 'churn')).toEqual(['Play slides.mp4 from 0:02.0']);
      const readAt = await offline.evaluate(() => Date.now());
      await offline.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
      const toggle = offline.getByRole('checkbox', { name: 'Read text on screen in ocr' });
      await toggle.uncheck();
      await toggle.check();
      await offline.keyboard.press('Escape');
      await eventually(async () => {
        const done = await catalogJobs(offline, 'done');
        return done.filter((j) => j.stage === 'read-text' && (j.startedAt ?? 0) >= readAt).length;
      }, 100_000).toBe(videos);
      expect(await catalogJobs(offline, 'failed')).toEqual([]);
      expect(await onScreen(offline, 'lighthouse')).toEqual(['Play slides.mp4 from 0:06.0']);
    } finally {
      app.server = await startServer({ port });
    }
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
