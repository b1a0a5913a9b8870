// "Said": subtitle files beside the videos and tracks inside them are found by words, with no model. One import of
// tests/fixtures/subtitles (made by tests/scripts/make-subtitle-fixtures.mjs), then searches typed in the word
// search field; and the media-dev MKV samples with subtitle tracks when that folder exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle } from './app';
import { recordRequests, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp, writeOpfsFile } from './harness';

const fixtureDir = join(repoRoot, 'tests', 'fixtures', 'subtitles');
const mediaDevDir = '/work/shared/media-dev';
const folderFiles = (dir: string, names?: readonly string[]) =>
  (names ?? readdirSync(dir)).map((name) => ({ path: name, bytes: readFileSync(join(dir, name)) }));

/** Types words in the word search field and waits for the "Said" section's lines. */
async function searchSaid(page: Page, words: string) {
  const field = page.getByRole('search', { name: 'Word search' }).getByRole('searchbox');
  await field.fill(words);
  await field.press('Enter');
  return page.getByRole('region', { name: 'Said' });
}

async function saidLines(page: Page, words: string): Promise<{ label: string; marks: string[]; text: string }[]> {
  const said = await searchSaid(page, words);
  await said.getByRole('listitem').first().waitFor({ timeout: 10_000 });
  return said.getByRole('button').evaluateAll((buttons) =>
    buttons.map((b) => ({
      label: b.getAttribute('aria-label') ?? '',
      marks: [...b.querySelectorAll('mark')].map((m) => m.textContent ?? ''),
      text: b.querySelector('.text')?.textContent ?? '',
    })),
  );
}

async function importFolder(page: Page, files: { path: string; bytes: Buffer }[]) {
  await seedOpfsFolder(page, 'subs', files);
  await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
  await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);
}

describe('search by what is said', () => {
  const app = useApp();

  test('a line of a subtitle file is found by its words and plays from that moment; a rescan follows edits', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'subs');
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);
    await importFolder(page, folderFiles(fixtureDir));

    // Searchable without any model, as soon as the subtitle files are read (they go first in the queue).
    await eventually(async () => (await saidLines(page, 'lighthouse FERRY')).map((l) => l.label), 15_000).toEqual([
      'Play talk.mp4 from 0:02.4',
    ]);
    const [line] = await saidLines(page, 'lighthouse FERRY');
    expect(line.marks).toEqual(['lighthouse', 'ferry']);
    expect(line.text).toBe('The lighthouse keeper waves\nat the passing ferry.');

    // Accents and case folded; a quoted phrase; the language-tagged pair; UTF-16 and Windows-1252 read right.
    expect((await saidLines(page, 'as rosas NOITE')).map((l) => l.label)).toEqual(['Play garden.mp4 from 0:01.0']);
    expect((await saidLines(page, '"roses bloom"')).map((l) => l.marks)).toEqual([['roses', 'bloom']]);
    expect((await saidLines(page, 'naive facade')).map((l) => l.label)).toEqual(['Play letters.mp4 from 0:01.0']);
    expect((await saidLines(page, 'creme brulee')).map((l) => l.text)).toEqual([
      'Crème brûlée à Noël pour 5 € seulement.',
    ]);
    expect((await saidLines(page, 'grusse koln')).map((l) => l.label)).toEqual(['Play letters.mp4 from 0:03.5']);
    // ASS with its tags stripped; the malformed file gives the lines it could read.
    expect((await saidLines(page, 'espressos')).map((l) => l.text)).toEqual(['Two espressos, please.']);
    expect((await saidLines(page, 'reads fine')).map((l) => l.label)).toEqual([
      'Play broken.mp4 from 0:00.5',
      'Play broken.mp4 from 0:03.0',
    ]);

    // Click: the player opens on that video, just before the line.
    const said = await searchSaid(page, 'lighthouse ferry');
    await said.getByRole('button', { name: 'Play talk.mp4 from 0:02.4' }).click();
    const dialog = page.getByRole('dialog', { name: 'Player' });
    await expect
      .poll(() => dialog.getByRole('heading', { level: 2 }).innerText(), { timeout: 10_000 })
      .toBe('talk.mp4');
    // It plays from there: where the played stretch starts is where it was opened (it moves on while we look).
    const playedFrom = () =>
      dialog.locator('video').evaluate((v: HTMLVideoElement) => (v.played.length > 0 ? v.played.start(0) : -1));
    await eventually(playedFrom).toBeGreaterThan(1.8);
    expect(await playedFrom()).toBeLessThan(2.1);
    await page.keyboard.press('Escape');

    // The track inside embedded.mkv is read once its stage has run (after the frames).
    await waitForJobsIdle(page, 90_000);
    expect(await saidLines(page, 'whisper container')).toMatchObject([{ label: 'Play embedded.mkv from 0:01.0' }]);
    expect(await catalogJobs(page, 'failed')).toEqual([]);
    // The malformed file's warning is kept with its lines.
    const warnings = await page.evaluate(async () => {
      const w = window as unknown as FramefinderWindow;
      const broken = (await w.framefinder.catalog.listVideos({})).find((v) => v.name === 'broken.mp4')!;
      return (await w.framefinder.transcripts.tracks(broken.id)).flatMap((t) => t.warnings);
    });
    expect(warnings).toEqual([expect.stringMatching(/^broken\.srt: 2 SRT blocks could not be read/)]);

    // An edited subtitle file is read again by a rescan: its new line is found, its old one is gone.
    await writeOpfsFile(
      page,
      'subs',
      'talk.srt',
      Buffer.from('1\n00:00:03,000 --> 00:00:04,000\nA zeppelin drifts by.\n'),
    );
    await page.getByRole('button', { name: 'Rescan subs' }).click();
    await eventually(async () => (await saidLines(page, 'zeppelin')).map((l) => l.label), 20_000).toEqual([
      'Play talk.mp4 from 0:03.0',
    ]);
    const gone = await searchSaid(page, 'lighthouse');
    await gone.getByText('No subtitle line says this.').waitFor({ timeout: 10_000 });

    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test.skipIf(!existsSync(mediaDevDir))(
    'subtitle tracks inside real MKV files (media-dev): SRT, ASS and overlapping lines found, PGS skipped with a note',
    async () => {
      const context = await app.newContext();
      await stubDirectoryPicker(context, 'subs');
      const page = await context.newPage();
      await openApp(page, app.server.url);
      const names = [
        'mkv_sample_with_srt.mkv',
        'mkv_sample_with_ass_subtitles.mkv',
        'mkv_sample_with_vtt_subtitles.mkv',
        'mkv_sample_with_overlapping_srt.mkv',
        'mkv_sample_with_pgs_subtitles.mkv',
      ];
      await importFolder(page, folderFiles(mediaDevDir, names));
      await waitForJobsIdle(page, 120_000);
      expect(await catalogJobs(page, 'failed')).toEqual([]);
      expect((await saidLines(page, 'first subtitle')).map((l) => l.label).sort()).toEqual([
        'Play mkv_sample_with_ass_subtitles.mkv from 0:00.0',
        'Play mkv_sample_with_overlapping_srt.mkv from 0:00.0',
        'Play mkv_sample_with_overlapping_srt.mkv from 0:00.1',
        'Play mkv_sample_with_srt.mkv from 0:00.0',
      ]);
      // Overlapping lines are all kept.
      expect((await saidLines(page, 'subtitle overlaps')).map((l) => l.text).sort()).toEqual([
        'First subtitle - end overlaps second',
        'Second subtitle - beginning overlaps first',
      ]);
      expect((await saidLines(page, 'encompasses')).map((l) => l.label)).toEqual([
        'Play mkv_sample_with_overlapping_srt.mkv from 0:00.1',
      ]);
      const notes = await page.evaluate(async () => {
        const w = window as unknown as FramefinderWindow;
        const out: Record<string, string[]> = {};
        for (const v of await w.framefinder.catalog.listVideos({}))
          out[v.name] = (await w.framefinder.transcripts.tracks(v.id)).flatMap((t) => t.warnings);
        return out;
      });
      expect(notes['mkv_sample_with_pgs_subtitles.mkv']).toEqual([expect.stringMatching(/PGS subtitles are pictures/)]);
      // ffmpeg knows no decoder for this file's WebVTT track: noted, not a failure.
      expect(notes['mkv_sample_with_vtt_subtitles.mkv']).toEqual([expect.stringMatching(/cannot be read here/)]);
    },
  );
});

if (!existsSync(mediaDevDir))
  console.log(`subtitles.e2e: ${mediaDevDir} is missing, so the media-dev MKV case is skipped`);
