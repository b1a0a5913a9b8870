// Speech to text as a user meets it: the Models panel offers Whisper with its sizes and fetches nothing; a speech
// model folder (the tiny random-weights CTC model, made at test time) is loaded through the panel; "Transcribe every
// video" runs the transcribe stage on the espeak fixtures (Opus in WebM and AAC in MP4 through WebCodecs, MP3 in AVI
// through ffmpeg.wasm), silence and a file without sound; the lines land inside each file's sound, in order, one
// per spoken phrase and none over the held tone; "Said" search finds them; no request leaves the origin.
// Random weights spell random letters: the test checks times, order and counts, never words.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { speechTracks } from './speech-tracks';
import { catalogJobs, eventually, openApp, statusBar, waitForJobsIdle } from './app';
import { recordRequests, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinySpeech } from '../scripts/make-tiny-speech.mjs';

const fixtureDir = join(repoRoot, 'tests', 'fixtures', 'speech');
const truth = JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'speech.json'), 'utf8')) as {
  duration: number;
  speech: { start: number; end: number }[];
  tone: { start: number; end: number };
};
const modelsRoot = mkdtempSync(join(tmpdir(), 'ff-tiny-speech-'));
const modelDir = join(modelsRoot, 'tiny-speech');
makeTinySpeech(modelDir, { seed: 1 });
afterAll(() => rmSync(modelsRoot, { recursive: true, force: true }));

describe('speech to text', () => {
  const app = useApp();

  test('a speech model from a folder transcribes the library on request, and "Said" finds the lines', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, 'speech');
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page, app.server.url);

    // Whisper tiny and base, multilingual and English-only, with their sizes: nothing fetched until a click.
    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    const panel = page.getByRole('dialog', { name: 'Models' });
    const offers = panel.getByRole('list', { name: 'Speech models to download' });
    await offers.waitFor();
    expect(await offers.getByRole('button', { name: /^Download Whisper (tiny|base) .*\(\d+ MB\)$/ }).count()).toBe(4);
    expect(await panel.getByText('No speech model: speech to text is off.').count()).toBe(1);
    await panel.getByRole('button', { name: 'Close' }).click();

    // The library is imported and indexed as always: nothing is transcribed without a request.
    await seedOpfsFolder(
      page,
      'speech',
      readdirSync(fixtureDir).map((name) => ({ path: name, bytes: readFileSync(join(fixtureDir, name)) })),
    );
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toMatch(/Scan finished:/);
    await waitForJobsIdle(page, 120_000);
    expect((await catalogJobs(page, 'done')).filter((j) => j.stage === 'transcribe')).toEqual([]);

    // A speech model folder, copied into OPFS through the panel, then "Transcribe every video".
    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    await panel.getByLabel('Speech model folder to load').setInputFiles(modelDir);
    await panel.getByText('tiny-speech is the speech model.').waitFor({ timeout: 90_000 });
    await panel.getByRole('button', { name: 'Transcribe every video' }).click();
    await panel.getByText('5 videos will be transcribed in the background.').waitFor();
    await panel.getByRole('button', { name: 'Close' }).click();
    await waitForJobsIdle(page, 180_000);
    const done = (await catalogJobs(page, 'done')).filter((j) => j.stage === 'transcribe');
    expect(done.map((j) => j.videoName).sort()).toEqual(readdirSync(fixtureDir).sort());

    const tracks = await speechTracks(page);
    for (const name of ['speech.webm', 'speech.mp4', 'speech.avi']) {
      const t = tracks[name]!;
      expect(t.warnings, name).toEqual([]);
      // One line per phrase (the CTC model hears a window of speech as one line), inside the sound, in order.
      expect(t.cues, name).toHaveLength(truth.speech.length);
      t.cues.forEach((c, i) => {
        expect(c.text.length, name).toBeGreaterThan(0);
        expect(c.start, name).toBeGreaterThanOrEqual(i ? t.cues[i - 1].end : 0);
        expect(c.end, name).toBeLessThanOrEqual(t.duration! + 0.05);
        expect(Math.abs(c.start - truth.speech[i].start), `${name} line ${i} start`).toBeLessThan(0.6);
        expect(Math.abs(c.end - truth.speech[i].end), `${name} line ${i} end`).toBeLessThan(0.6);
        expect(c.start < truth.tone.end && c.end > truth.tone.start, `${name}: a line over the tone`).toBe(false);
      });
    }
    expect(tracks['silence.webm']).toMatchObject({
      cues: [],
      warnings: ['No speech was heard: the transcript is empty.'],
    });
    expect(tracks['no-audio.webm']).toMatchObject({ cues: [], warnings: ['No audio'] });

    // The player says so too: a file without a sound track is marked "No audio", one with sound is not.
    const dialog = page.getByRole('dialog', { name: 'Player' });
    const noAudio = dialog.getByRole('note').filter({ hasText: 'No audio' });
    for (const [name, marked] of [
      ['no-audio.webm', 1],
      ['speech.webm', 0],
    ] as const) {
      await page.evaluate(async (name) => {
        const f = (window as unknown as FramefinderWindow).framefinder;
        const video = (await f.catalog.listVideos({})).find((v) => v.name === name)!;
        await f.state.player.open(video.id, 0, false);
      }, name);
      await expect.poll(() => dialog.getByRole('heading', { level: 2 }).textContent()).toBe(name);
      expect(await noAudio.count(), name).toBe(marked);
      await page.keyboard.press('Escape');
      await eventually(() => dialog.isVisible()).toBe(false);
    }

    // "Said" finds a line by a word the model wrote, at its moment.
    const line = tracks['speech.webm']!.cues[1];
    const word = line.text.split(' ').sort((a, b) => b.length - a.length)[0];
    const field = page.getByRole('search', { name: 'Word search' }).getByRole('searchbox');
    await field.fill(word);
    await field.press('Enter');
    const said = page.getByRole('region', { name: 'Said' });
    // The moment as m:ss.s: the whole seconds are certain, the tenth depends on rounding.
    const stamp = new RegExp(`^Play speech\\.webm from 0:0${Math.floor(line.start)}\\.\\d$`);
    await said.getByRole('button', { name: stamp }).first().waitFor({ timeout: 15_000 });

    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
