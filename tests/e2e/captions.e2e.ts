// Captions and the transcript in the player (issue 13, parts 4 and 5): the stored lines of any source as a real text
// track (CC, the track menu, C), the transcript panel that follows playback, seeks, filters and fixes a line (found by
// "Said" search at once and after a reload), and export as SRT / WebVTT, downloaded or saved beside the video (never
// over a file without asking; a refused folder loses nothing). Fixtures: tests/fixtures/subtitles.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { parseSubtitles } from '../../src/lib/subtitles/parse';
import { eventually, openApp, statusBar } from './app';
import { recordRequests, removeOpfsFile, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';

const fixtureDir = join(repoRoot, 'tests', 'fixtures', 'subtitles');
const names = ['talk.mp4', 'talk.srt', 'garden.mp4', 'garden.en.srt', 'garden.pt-BR.vtt', 'cafe.mp4', 'broken.mp4'];

type Win = FramefinderWindow & { __denyWrite?: boolean };

describe('captions and the transcript', () => {
  const app = useApp();

  test('captions, the transcript, a fixed line found by "Said" search after a reload, and export', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'subs');
    // Stands in for a folder whose write permission the browser refuses: writing any file of it fails.
    await context.addInitScript(() => {
      const w = window as unknown as Win;
      const createWritable = FileSystemFileHandle.prototype.createWritable;
      FileSystemFileHandle.prototype.createWritable = function (this: FileSystemFileHandle, ...args) {
        if (w.__denyWrite) return Promise.reject(new DOMException('Write permission withdrawn', 'NotAllowedError'));
        return createWritable.apply(this, args);
      };
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(
      page,
      'subs',
      names.map((path) => ({ path, bytes: readFileSync(join(fixtureDir, path)) })),
    );
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);
    const ids = await videoIds(page);
    // The subtitle files are read first in the queue.
    await eventually(() => trackCount(page, ids['garden.mp4']), 30_000).toBe(2);
    await eventually(() => trackCount(page, ids['talk.mp4']), 30_000).toBe(1);

    const dialog = page.getByRole('dialog', { name: 'Player' });
    const video = dialog.locator('video');
    const transcript = dialog.getByRole('region', { name: 'Transcript' });
    const lines = transcript.getByRole('list', { name: 'Lines' }).getByRole('listitem');
    const shownCaption = dialog.getByRole('region', { name: 'Captions' });
    const cc = dialog.getByRole('button', { name: 'Captions' });
    const open = async (name: string, time: number) => {
      await page.evaluate(([id, t]) => (window as unknown as Win).framefinder.state.player.open(id, t, false), [
        ids[name],
        time,
      ] as const);
      await expect.poll(() => dialog.getByRole('heading', { level: 2 }).textContent()).toBe(name);
      await eventually(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && !v.seeking), 20_000).toBe(
        true,
      );
    };
    const close = async () => {
      await page.keyboard.press('Escape');
      await eventually(() => dialog.isVisible()).toBe(false);
    };

    // A video with lines: the transcript is beside it, the line at the moment marked.
    await open('talk.mp4', 2.6);
    await expect.poll(() => lines.count()).toBe(4);
    await eventually(() => currentLine(transcript)).toBe('0:02.4 The lighthouse keeper waves at the passing ferry.');
    // Captions start off; C turns them on: the browser's own text track says which cue is active, and it shows.
    expect(await cc.getAttribute('aria-pressed')).toBe('false');
    await dialog.focus();
    await page.keyboard.press('c');
    await eventually(() => cc.getAttribute('aria-pressed')).toBe('true');
    await eventually(() => activeCues(video)).toEqual([
      { label: 'talk.srt', text: 'The lighthouse keeper waves\nat the passing ferry.' },
    ]);
    await eventually(() => shownCaption.innerText()).toBe('The lighthouse keeper waves\nat the passing ferry.');

    // A click on a line plays from it: the video is there, the line is current and captioned.
    await lines
      .filter({ hasText: 'Mind the gap' })
      .getByRole('button', { name: /Mind the gap/ })
      .click();
    await eventually(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThanOrEqual(4.2);
    expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(4.5);
    await eventually(() => currentLine(transcript)).toMatch(/Mind the gap/);
    await eventually(() => shownCaption.innerText()).toMatch(/^Mind the gap between the platform and the train\./);
    await video.evaluate((v: HTMLVideoElement) => v.pause());

    // The filter keeps the lines holding the words.
    await transcript.getByRole('searchbox', { name: 'Filter lines' }).fill('FERRY');
    await expect.poll(() => lines.count()).toBe(1);
    expect(await lineText(lines.first())).toMatch(/lighthouse keeper/);
    await transcript.getByRole('searchbox', { name: 'Filter lines' }).fill('');
    await expect.poll(() => lines.count()).toBe(4);

    // Fix a line in place: kept, marked edited, in the captions at once.
    await transcript.getByRole('button', { name: 'Edit the line at 0:02.4' }).click();
    const field = transcript.getByRole('textbox', { name: 'Text of the line at 0:02.4' });
    expect(await field.evaluate((f) => f === document.activeElement)).toBe(true);
    await field.fill('The zeppelin pilot waves\nat the passing ferry.');
    await field.press('Enter');
    await eventually(() => lineText(lines.nth(1))).toMatch(
      /The zeppelin pilot waves\s+at the passing ferry\.\s+edited/,
    );
    expect(
      await transcript
        .getByRole('button', { name: 'Edit the line at 0:02.4' })
        .evaluate((b) => b === document.activeElement),
    ).toBe(true);
    await lines
      .nth(1)
      .getByRole('button', { name: /zeppelin/ })
      .click();
    await eventually(() => shownCaption.innerText()).toBe('The zeppelin pilot waves\nat the passing ferry.');

    // A second fix, undone from its toast: the line is as the file has it, not marked.
    await transcript.getByRole('button', { name: 'Edit the line at 0:05.0' }).click();
    await transcript.getByRole('textbox', { name: 'Text of the line at 0:05.0' }).fill('Wait for us!');
    await transcript.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually(() => lineText(lines.nth(3))).toMatch(/Wait for us!\s+edited/);
    await dialog
      .getByRole('status')
      .filter({ hasText: 'Line at 0:05.0 saved' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await eventually(() => lineText(lines.nth(3))).toBe('0:05.0 - Wait for me!');
    // Escape in the field leaves the field, not the player.
    await transcript.getByRole('button', { name: 'Edit the line at 0:00.5' }).click();
    await page.keyboard.press('Escape');
    await eventually(() => transcript.getByRole('textbox').count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);

    // Export: the downloaded SRT reads back as the stored lines, the fix included.
    const srt = await downloaded(page, () => exportItem(transcript, 'Download SRT'));
    expect(srt.name).toBe('talk.srt');
    const stored = await page.evaluate(
      async (id) => (await (window as unknown as Win).framefinder.transcripts.tracks(id))[0].cues,
      ids['talk.mp4'],
    );
    expect(parseSubtitles(srt.text, 'srt')).toEqual({
      cues: stored.map(({ start, end, text }) => ({ start, end, text })),
      warnings: [],
    });
    expect(srt.text).toContain('The zeppelin pilot waves');

    // Saved beside the video: talk.srt is there already, so a new name is offered; the file is never replaced unasked.
    await exportItem(transcript, 'Save SRT beside the video');
    const conflict = page.getByRole('dialog', { name: '“talk.srt” is already beside the video' });
    await conflict.waitFor();
    expect(await conflict.getByRole('textbox', { name: 'Save as' }).inputValue()).toBe('talk.2.srt');
    await conflict.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually(() => page.getByText('Saved “talk.2.srt” beside talk.mp4.').isVisible()).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    expect(parseSubtitles((await opfsText(page, 'subs/talk.2.srt')) ?? '', 'srt').cues.map((c) => c.text)).toEqual(
      stored.map((c) => c.text),
    );
    expect(await opfsText(page, 'subs/talk.srt')).toBe(
      readFileSync(join(fixtureDir, 'talk.srt'), 'utf8').replace(/^\uFEFF/, ''),
    );

    // Write permission refused: said plainly, nothing written, nothing lost; the download is offered instead.
    await page.evaluate(() => ((window as unknown as Win).__denyWrite = true));
    await exportItem(transcript, 'Save WebVTT beside the video');
    const refusal = page.getByRole('alert').filter({ hasText: 'may not write into “subs”' });
    await eventually(() => refusal.isVisible()).toBe(true);
    expect(await opfsText(page, 'subs/talk.vtt')).toBeNull();
    expect(await lineText(lines.nth(1))).toMatch(/zeppelin/);
    const vtt = await downloaded(page, () => refusal.getByRole('button', { name: 'Download instead' }).click());
    expect(vtt.name).toBe('talk.vtt');
    expect(parseSubtitles(vtt.text, 'vtt').cues.map((c) => c.text)).toEqual(stored.map((c) => c.text));
    await page.evaluate(() => ((window as unknown as Win).__denyWrite = false));
    await close();

    // The language menu: two tracks of garden; the choice is kept for the next video.
    await open('garden.mp4', 1.5);
    const menu = dialog.getByRole('combobox', { name: 'Caption track' });
    const options = await menu.locator('option').allInnerTexts();
    expect(options).toEqual(['Off', 'English · garden.en.srt', 'Brazilian Portuguese · garden.pt-BR.vtt']);
    await menu.selectOption({ label: 'Brazilian Portuguese · garden.pt-BR.vtt' });
    await eventually(() => activeCues(video)).toEqual([
      { label: 'Brazilian Portuguese · garden.pt-BR.vtt', text: 'As rosas florescem à noite neste jardim.' },
    ]);
    await eventually(() => shownCaption.innerText()).toBe('As rosas florescem à noite neste jardim.');
    await eventually(() => currentLine(transcript)).toMatch(/As rosas florescem/);
    await menu.selectOption({ label: 'English · garden.en.srt' });
    await eventually(() => shownCaption.innerText()).toBe('The roses bloom at night in this garden.');
    await menu.selectOption({ label: 'Brazilian Portuguese · garden.pt-BR.vtt' });
    await close();

    // Lines from speech recognition arrive through the same store: shown the same way.
    await page.evaluate(async (id) => {
      const w = window as unknown as Win;
      const video = (await w.framefinder.catalog.getVideo(id))!;
      await w.framefinder.transcripts.storeTracks(id, video.libraryId, 'speech', [
        {
          source: 'speech',
          language: 'pt-BR',
          label: 'Speech',
          modelId: 'whisper-tiny',
          cues: [{ start: 0.5, end: 2.5, text: 'Uma frase ouvida.' }],
          warnings: [],
        },
      ]);
    }, ids['broken.mp4']);
    await open('broken.mp4', 1);
    // The language chosen last (pt-BR) is chosen here too, captions on.
    expect(await menu.inputValue()).toBe('speech:Speech');
    await eventually(() => shownCaption.innerText()).toBe('Uma frase ouvida.');
    await close();

    // No lines: the transcript says so, not an error.
    await open('cafe.mp4', 1);
    await dialog.getByRole('tab', { name: 'Transcript' }).click();
    await eventually(() => transcript.getByRole('heading', { name: 'No lines for this video' }).isVisible()).toBe(true);
    expect(await cc.isDisabled()).toBe(true);
    await close();

    // A subtitle file deleted since the scan: its lines still show, from the copy read then, and it says so.
    await removeOpfsFile(page, 'subs', 'garden.en.srt');
    await open('garden.mp4', 1.5);
    await eventually(() => menu.locator('option').allInnerTexts()).toContain('English · garden.en.srt (file gone)');
    await menu.selectOption({ label: 'English · garden.en.srt (file gone)' });
    await eventually(() => transcript.getByText('garden.en.srt is no longer beside the video').isVisible()).toBe(true);
    await eventually(() => shownCaption.innerText()).toBe('The roses bloom at night in this garden.');
    await close();

    // The fix is found by "Said" search, and after a reload too.
    const said = async (words: string) => {
      const field = page.getByRole('search', { name: 'Word search' }).getByRole('searchbox');
      await field.fill(words);
      await field.press('Enter');
      const section = page.getByRole('region', { name: 'Said' });
      await section.getByRole('listitem').first().waitFor({ timeout: 10_000 });
      return section.getByRole('button').evaluateAll((b) => b.map((x) => x.getAttribute('aria-label')));
    };
    expect(await said('zeppelin pilot')).toEqual(['Play talk.mp4 from 0:02.4']);
    await page.reload();
    await openApp(page, app.server.url);
    expect(await said('zeppelin pilot')).toEqual(['Play talk.mp4 from 0:02.4']);
    await page.getByRole('region', { name: 'Said' }).getByRole('button', { name: 'Play talk.mp4 from 0:02.4' }).click();
    await eventually(() => lineText(lines.nth(1)), 15_000).toMatch(/zeppelin pilot.*\s+edited/s);

    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

async function videoIds(page: Page): Promise<Record<string, number>> {
  const videos = await page.evaluate(() => (window as unknown as Win).framefinder.catalog.listVideos({}));
  return Object.fromEntries(videos.map((v) => [v.name, v.id]));
}

function trackCount(page: Page, id: number): Promise<number> {
  return page.evaluate(async (id) => (await (window as unknown as Win).framefinder.transcripts.tracks(id)).length, id);
}

/** The transcript's current line as shown ("0:02.4 The lighthouse …"), or '' when none is. */
async function currentLine(transcript: Locator): Promise<string> {
  const current = transcript.locator('li[aria-current="true"]');
  return (await current.count()) === 1 ? lineText(current) : '';
}

/** A transcript line as its button reads ("0:02.4 The lighthouse … edited"), spaces and line breaks as one space. */
async function lineText(li: Locator): Promise<string> {
  return (await li.getByRole('button').first().innerText()).replace(/\s+/g, ' ').trim();
}

/** The cues the <video> element's own text tracks say are active, with their track's label. */
function activeCues(video: Locator) {
  return video.evaluate((v: HTMLVideoElement) =>
    [...v.textTracks].flatMap((t) =>
      [...(t.activeCues ?? [])].map((c) => ({ label: t.label, text: (c as VTTCue).getCueAsHTML().textContent })),
    ),
  );
}

async function exportItem(transcript: Locator, name: string): Promise<void> {
  await transcript.getByText('Export', { exact: true }).click();
  await transcript.getByRole('button', { name }).click();
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** A file's text in the page origin's OPFS, or null when there is no such file. */
function opfsText(page: Page, path: string): Promise<string | null> {
  return page.evaluate(async (path) => {
    const parts = path.split('/');
    let dir = await navigator.storage.getDirectory();
    try {
      for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
      return await (await (await dir.getFileHandle(parts[parts.length - 1])).getFile()).text();
    } catch {
      return null; // not there
    }
  }, path);
}
