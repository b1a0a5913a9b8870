// "Add a language from a folder…" (Settings → Text on screen): a PaddleOCR recognition model and its dictionary
// read a library's text instead of the built-in ones. No other language's model can be fetched here, so the folder
// is made at test time from the shipped files: the built-in recognition model with a dictionary whose Latin letters
// are all upper case. Text the built-in dictionary reads in lower case then reads in upper case: what the folder's
// dictionary says, through the folder's model.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle, waitForWriter } from './app';
import { recordRequests, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';

const models = join(repoRoot, 'node_modules', '@gutenye', 'ocr-models', 'assets');
const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** An 8 s video: grey, then "Quarterly churn review" on a white slide from 2 s to 6 s. */
function slides(dir: string): Buffer {
  const path = join(dir, 'slides.mp4');
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=gray:s=1280x720:r=25:d=8',
    '-vf',
    "drawbox=c=white:t=fill:enable='between(t,2,6)'," +
      `drawtext=fontfile=${font}:text='Quarterly churn review':fontsize=64:fontcolor=black:` +
      "x=(w-tw)/2:y=(h-th)/2:enable='between(t,2,5.96)'",
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-g', '50'],
    path,
  ]);
  return readFileSync(path);
}

/** A language folder `name` holding the shipped recognition model and `dictionary`, and a name file. */
function languageFolder(root: string, name: string, dictionary: string, displayName: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(join(models, 'ch_PP-OCRv4_rec_infer.onnx'), join(dir, 'ch_PP-OCRv4_rec_infer.onnx'));
  writeFileSync(join(dir, 'upper_keys.txt'), dictionary);
  writeFileSync(join(dir, 'framefinder-language.json'), JSON.stringify({ name: displayName }));
  return dir;
}

/** The text stored for the library's one video, line by line. */
const storedText = (page: Page) =>
  page.evaluate(async () => {
    const w = window as unknown as FramefinderWindow;
    const [video] = await w.framefinder.catalog.listVideos({});
    return (await w.framefinder.screenText.textBetween(video.id, 0, 1e9)).flatMap((s) => s.lines.map((l) => l.text));
  });

async function openSettings(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
}

/** Turns the library's "Read text on screen" off and on: its video is read again. */
async function readAgain(page: Page) {
  const toggle = page.getByRole('checkbox', { name: 'Read text on screen in ocr-lang' });
  await toggle.uncheck();
  await toggle.check();
}

describe('text on screen in a language added from a folder', () => {
  const app = useApp();

  test("the folder's model and dictionary read the library's text, after a reload too; removed, the next read fails saying so", async () => {
    const work = mkdtempSync(join(tmpdir(), 'ff-ocr-lang-'));
    const keys = readFileSync(join(models, 'ppocr_keys_v1.txt'), 'utf8');
    const upper = keys
      .split('\n')
      .map((k) => (/^[a-z]$/.test(k) ? k.toUpperCase() : k))
      .join('\n');
    const good = languageFolder(work, 'upper-latin', upper, 'Upper-case Latin');
    // One line short: every character would be read as the one after it. Refused once the model has loaded.
    const short = languageFolder(work, 'short', upper.slice(0, upper.lastIndexOf('\n')), 'Short');

    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'ocr-lang');
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'ocr-lang', [{ path: 'slides.mp4', bytes: slides(work) }]);
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);

    // The built-in language first: the slide's words as written.
    await openSettings(page);
    await page.getByRole('checkbox', { name: 'Read text on screen in ocr-lang' }).check();
    await waitForJobsIdle(page, 100_000);
    expect(await storedText(page)).toEqual(['Quarterly churn review']);

    const folderInput = page.getByLabel('Language folder to add');
    const installed = page.getByRole('list', { name: 'Installed text languages' });
    await folderInput.setInputFiles(short);
    await eventually(() => page.getByRole('status').filter({ hasText: 'upper_keys.txt' }).innerText(), 30_000).toBe(
      'upper_keys.txt has 6622 lines, but the recognition model reads 6625 classes: it needs a dictionary of 6623 lines (one character a line; the model adds the blank and the space).',
    );
    expect(await installed.count()).toBe(0);

    await folderInput.setInputFiles(good);
    await eventually(() => installed.getByRole('listitem').allInnerTexts(), 30_000).toEqual([
      expect.stringMatching(/^Upper-case Latin · 11 MB\s*Remove$/),
    ]);
    const language = page.getByLabel('Language of text in ocr-lang');
    expect(await language.locator('option').allInnerTexts()).toEqual([
      'English and Chinese (built in)',
      'Upper-case Latin',
    ]);
    // Choosing it reads the library's video again, with the folder's model and dictionary.
    // (Waiting for a queued job would race the queue, which may start it at once: wait for it to have run.)
    const chosenAt = await page.evaluate(() => Date.now());
    await language.selectOption({ label: 'Upper-case Latin' });
    await eventually(async () => {
      const done = await catalogJobs(page, 'done');
      return done.filter((j) => j.stage === 'read-text' && (j.startedAt ?? 0) >= chosenAt).length;
    }, 100_000).toBe(1);
    await waitForJobsIdle(page, 100_000);
    expect(await catalogJobs(page, 'failed')).toEqual([]);
    expect(await storedText(page)).toEqual(['QUARTERLY CHURN REVIEW']);

    // After a reload the language is still installed and chosen, and reads from the browser's storage.
    await page.reload();
    await waitForWriter(page);
    await openSettings(page);
    await eventually(() => language.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe(
      'Upper-case Latin',
    );
    await readAgain(page);
    await waitForJobsIdle(page, 100_000);
    expect(await catalogJobs(page, 'failed')).toEqual([]);
    expect(await storedText(page)).toEqual(['QUARTERLY CHURN REVIEW']);

    // Removed: the library still names it, and its next read fails at once, saying why; the text read stays.
    await installed.getByRole('button', { name: 'Remove Upper-case Latin' }).click();
    await eventually(() => installed.count()).toBe(0);
    expect(await language.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe(
      'upper-case-latin (removed)',
    );
    await readAgain(page);
    await waitForJobsIdle(page, 30_000);
    const failed = (await catalogJobs(page, 'failed')).filter((j) => j.stage === 'read-text');
    expect(failed.map((j) => j.error)).toEqual([
      'The text language “upper-case-latin” is not installed any more (its files were removed): add it again, or choose another language for this library in Settings → Text on screen.',
    ]);
    expect(await storedText(page)).toEqual(['QUARTERLY CHURN REVIEW']);

    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
