// Speech to text with a Whisper-shaped model, as a user meets it: the tiny random-weights Whisper (made at test time
// by make-tiny-whisper.mjs, laid out like onnx-community/whisper-tiny) is loaded through the Models panel; the
// spoken language is left on "Detect", so each video's language is detected and stored with its lines; lines come
// with each word's time; choosing a language afterwards is what the next transcript is heard in; no request leaves
// the origin. Random weights write random letters: the test checks times, order and languages, never words.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { speechTracks } from './speech-tracks';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle } from './app';
import { recordRequests, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
// @ts-expect-error -- a plain .mjs script without types
import { LANGUAGES, makeTinyWhisper } from '../scripts/make-tiny-whisper.mjs';

const fixtureDir = join(repoRoot, 'tests', 'fixtures', 'speech');
const truth = JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'speech.json'), 'utf8')) as {
  duration: number;
  tone: { start: number; end: number };
};
const modelsRoot = mkdtempSync(join(tmpdir(), 'ff-tiny-whisper-'));
const modelDir = join(modelsRoot, 'tiny-whisper');
makeTinyWhisper(modelDir, { seed: 1 });
afterAll(() => rmSync(modelsRoot, { recursive: true, force: true }));
const spoken = ['speech.webm', 'speech.mp4', 'speech.avi'];

describe('speech to text with Whisper', () => {
  const app = useApp();

  test('a Whisper model detects each video’s language, times lines and words, and honours a chosen language', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'speech');
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);

    await seedOpfsFolder(
      page,
      'speech',
      readdirSync(fixtureDir).map((name) => ({ path: name, bytes: readFileSync(join(fixtureDir, name)) })),
    );
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);
    await waitForJobsIdle(page, 120_000);

    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    const panel = page.getByRole('dialog', { name: 'Models' });
    await panel.getByLabel('Speech model folder to load').setInputFiles(modelDir);
    await panel.getByText('tiny-whisper is the speech model.').waitFor({ timeout: 90_000 });
    const language = panel.getByLabel('Spoken language');
    expect(await language.isDisabled()).toBe(false);
    expect(await language.locator('option:checked').textContent()).toBe('Detect');
    await panel.getByRole('button', { name: 'Transcribe every video' }).click();
    await panel.getByText('5 videos will be transcribed in the background.').waitFor();
    await panel.getByRole('button', { name: 'Close' }).click();
    await waitForJobsIdle(page, 180_000);
    const done = (await catalogJobs(page, 'done')).filter((j) => j.stage === 'transcribe');
    expect(done.map((j) => j.videoName).sort()).toEqual(readdirSync(fixtureDir).sort());

    const checkLines = (tracks: Awaited<ReturnType<typeof speechTracks>>) => {
      for (const name of spoken) {
        const t = tracks[name]!;
        expect(t.warnings, name).toEqual([]);
        expect(t.cues.length, name).toBeGreaterThan(0);
        t.cues.forEach((c, i) => {
          const at = `${name} line ${i}`;
          expect(c.text.length, at).toBeGreaterThan(0);
          expect(c.start, at).toBeGreaterThanOrEqual(i ? t.cues[i - 1].start : 0);
          expect(c.end, at).toBeGreaterThanOrEqual(c.start);
          expect(c.end, at).toBeLessThanOrEqual(t.duration! + 0.05);
          // Nothing is heard over the held tone: the voice check keeps it from the model.
          expect(c.start < truth.tone.end && c.end > truth.tone.start, `${at} over the tone`).toBe(false);
          // Each word of the line, with its time inside the line's, in order.
          expect(c.words?.map((w) => w.text).join(' '), at).toBe(c.text);
          c.words!.forEach((w, j) => {
            expect(w.start, `${at} word ${j}`).toBeGreaterThanOrEqual(j ? c.words![j - 1].start : c.start);
            expect(w.end, `${at} word ${j}`).toBeGreaterThanOrEqual(w.start);
            expect(w.end, `${at} word ${j}`).toBeLessThanOrEqual(c.end);
          });
        });
      }
    };
    const detected = await speechTracks(page);
    checkLines(detected);
    for (const name of spoken) expect(LANGUAGES, name).toContain(detected[name]!.language);
    expect(detected['silence.webm']).toMatchObject({
      cues: [],
      warnings: ['No speech was heard: the transcript is empty.'],
    });
    expect(detected['no-audio.webm']).toMatchObject({ cues: [], warnings: ['No audio'] });

    // The transcript names the language it was heard in.
    const languageNames: Record<string, string> = {
      en: 'English',
      de: 'German',
      fr: 'French',
      es: 'Spanish',
      it: 'Italian',
      nl: 'Dutch',
      pt: 'Portuguese',
      ja: 'Japanese',
    };
    const dialog = page.getByRole('dialog', { name: 'Player' });
    await page.evaluate(async () => {
      const f = (window as unknown as FramefinderWindow).framefinder;
      const video = (await f.catalog.listVideos({})).find((v) => v.name === 'speech.webm')!;
      await f.state.player.open(video.id, 0, false);
    });
    await dialog.getByRole('tab', { name: 'Transcript' }).click();
    const about = dialog.getByRole('region', { name: 'Transcript' }).getByText(/transcribed speech/);
    await eventually(() => about.innerText(), 20_000).toContain(
      `${languageNames[detected['speech.webm']!.language!]} ·`,
    );
    await page.keyboard.press('Escape');
    await eventually(() => dialog.isVisible()).toBe(false);

    // A language the user chooses is the one every video is heard in, and is stored with the lines.
    const chosen = LANGUAGES.find((l: string) => l !== detected['speech.webm']!.language) as string;
    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    await language.selectOption(chosen);
    await panel.getByRole('button', { name: 'Transcribe every video' }).click();
    await panel.getByText('5 videos will be transcribed in the background.').waitFor();
    await panel.getByRole('button', { name: 'Close' }).click();
    await eventually(async () => {
      const tracks = await speechTracks(page);
      return spoken.map((name) => tracks[name]?.language);
    }, 180_000).toEqual(spoken.map(() => chosen));
    await waitForJobsIdle(page, 180_000);
    const heardIn = await speechTracks(page);
    checkLines(heardIn);
    for (const name of spoken) expect(heardIn[name]!.language, name).toBe(chosen);

    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
