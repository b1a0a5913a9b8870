// The user journeys every engine must pass (issue 17), written once over `Driver`: choose the fixture folder,
// see every video with its metadata and poster, reload and keep it, find a screenshot's video and moment, play a
// video, search by words with the tiny CLIP model, and open the app offline. Each step reads what the user sees (the
// grid, the results, the status line).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectedLibrary, fixtureLibraryDir, startServer, type TestServer } from '../harness';
import type { Driver, EngineName } from './drivers';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinyClip } from '../../scripts/make-tiny-clip.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'ff-browsers-'));
console.log(`screenshots of failed steps: ${scratch}`);

/** Polls `check` in the page until it returns something truthy; fails with the last value seen. */
export async function until<T>(driver: Driver, body: string, timeout = 30_000, ...args: unknown[]): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await driver.run<T>(body, ...args).catch(() => undefined);
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for: ${body.slice(0, 160)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

const videos = expectedLibrary();
const names = videos.map((v) => v.path.split('/').pop()!).sort((a, b) => a.localeCompare(b));
const playable = videos.filter((v) => v.duration !== null);

/** The cards the grid shows: name, the text under it and whether its poster has loaded. */
const readCards = `
  return [...document.querySelectorAll('[role=gridcell]')].map((card) => {
    const img = card.querySelector('img');
    return { name: card.getAttribute('aria-label'), text: card.innerText, poster: !!img && img.complete && img.naturalWidth > 0 };
  });`;

const statusLine = `return document.querySelector('footer [role=status]')?.innerText ?? ''`;

/** A PNG of `path` at `time` seconds, as a screenshot of it would look (made by the system ffmpeg). */
function screenshotOf(path: string, time: number): string {
  const out = join(scratch, `${path.replace(/\W/g, '_')}-${time}.png`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-ss',
    String(time),
    '-i',
    join(fixtureLibraryDir, path),
    '-frames:v',
    '1',
    out,
  ]);
  return out;
}

export function userJourneys(engine: EngineName, launch: () => Promise<Driver>) {
  describe(`${engine}: user journeys`, () => {
    let server: TestServer;
    let driver: Driver;
    const shot = (name: string) => driver.screenshot(join(scratch, `${engine}-${name}.png`)).catch(() => undefined);

    beforeAll(async () => {
      server = await startServer();
      driver = await launch();
      await driver.goto(server.url);
    });
    afterAll(async () => {
      await driver?.close();
      await server?.stop();
    });

    test('Choose folder lists every video with its metadata and poster', { timeout: 200_000 }, async () => {
      await until(driver, `return document.querySelector('input[webkitdirectory]') !== null`);
      await driver.chooseFolder('input[aria-label="Choose a folder of videos"]', fixtureLibraryDir);
      await until(driver, `${statusLine.replace('return ', 'return /Scan finished/.test(')})`, 60_000);
      const cards = await until<{ name: string; text: string; poster: boolean }[]>(
        driver,
        `const cards = (() => {${readCards}})(); return cards.filter((c) => c.poster).length >= ${playable.length} && cards;`,
        120_000,
      ).catch(async (err) => {
        await shot('posters');
        throw err;
      });
      expect(cards.map((c) => c.name).sort((a, b) => a.localeCompare(b))).toEqual(names);
      for (const v of playable) {
        const card = cards.find((c) => c.name === v.path.split('/').pop())!;
        expect(card.poster, `${card.name} has its poster`).toBe(true);
        expect(card.text).toContain(`0:0${Math.round(v.duration!)}`);
        expect(card.text).toContain(v.codec === 'vp9' ? 'VP9' : v.codec === 'h264' ? 'H.264' : '');
      }
    });

    test('search by image finds the right video and moment', async () => {
      // Indexing has to finish first: the status line stops saying "Processing".
      await until(driver, `return !/Processing/.test(document.body.innerText)`, 180_000).catch(async (err) => {
        await shot('indexing');
        throw err;
      });
      await driver.chooseFiles('input[aria-label="Image or clip to search for"]', [screenshotOf('sunrise.mp4', 2.5)]);
      const best = await until<{ name: string; time: string }>(
        driver,
        `const r = document.querySelector('[aria-label="Search results"]');
         const summary = r && r.querySelector('.summary');
         if (!summary || /finding the exact/.test(summary.innerText)) return null;
         const li = r.querySelector('ol.hits > li');
         const play = li && li.querySelector('button[aria-label^="Play "]');
         return play && { name: li.querySelector('h3').innerText, time: play.getAttribute('aria-label') };`,
        60_000,
      );
      expect(best.name).toBe('sunrise.mp4');
      expect(best.time).toMatch(/^Play sunrise\.mp4 from /);
      const [m, s] = best.time
        .replace(/^.* from /, '')
        .split(':')
        .map(Number);
      expect(Math.abs(m * 60 + s - 2.5)).toBeLessThanOrEqual(0.5);
      await driver.run(`document.querySelector('[aria-label="Search results"] button.close')?.click()`);
    }, 300_000);

    test('the player plays a video', async () => {
      await until(
        driver,
        `const play = document.querySelector('button[aria-label="Play sunrise.mp4"]'); play?.click(); return !!play;`,
      );
      const played = await until<number>(
        driver,
        `const v = document.querySelector('dialog video, [role=dialog] video');
         if (v && v.paused && !v.ended) { v.muted = true; await v.play().catch(() => undefined); }
         const played = v && v.played.length > 0 ? v.played.end(v.played.length - 1) : 0;
         return played > 0.5 && played;`,
        30_000,
      ).catch(async (err) => {
        await shot('player');
        throw err;
      });
      expect(played).toBeGreaterThan(0.5);
      await driver.run(`document.querySelector('button[aria-label="Close player"]').click()`);
      await until(driver, `return !document.querySelector('dialog[open] video')`);
    }, 60_000);

    // The tiny CLIP model (random weights, except that colour words sit on their colours) goes in through the
    // Models panel as a user's folder would; every scene is embedded, and "sky" finds the sky-blue clouds.
    test('word search with the tiny CLIP model finds the sky', async () => {
      const modelDir = join(scratch, 'tiny-clip');
      makeTinyClip(modelDir, { seed: 1 });
      await driver.run(
        `[...document.querySelectorAll('header button')].find((b) => b.innerText.trim() === 'Models').click()`,
      );
      // WebKitGTK has no OPFS, where models are kept: the panel says so plainly and offers nothing that would fail.
      if (!(await driver.run<boolean>(`return typeof navigator.storage?.getDirectory === 'function'`))) {
        expect(engine, 'only WebKit lacks OPFS').toBe('WebKit');
        const panel = await until<string>(driver, `return document.querySelector('dialog[open]')?.innerText`);
        expect(panel).toContain('no private file storage (OPFS)');
        expect(panel).toContain('word search and speech to text are off here');
        expect(await driver.run(`return !!document.querySelector('input[aria-label="Model folder to load"]')`)).toBe(
          false,
        );
        await driver.run(`document.querySelector('dialog[open] button[aria-label="Close"]').click()`);
        return;
      }
      await driver.chooseFolder('input[aria-label="Model folder to load"]', modelDir);
      await until(driver, `return /videos are embedded with it/.test(document.body.innerText)`, 90_000).catch(
        async (err) => {
          await shot('model');
          throw err;
        },
      );
      await driver.run(`document.querySelector('dialog[open] button[aria-label="Close"]').click()`);
      const shown = await until<{ name: string; times: string[] }[]>(
        driver,
        `const field = document.querySelector('input[aria-label="Search scenes by words"]');
         if (field.value !== 'sky') {
           field.value = 'sky';
           field.dispatchEvent(new Event('input', { bubbles: true }));
           field.form.requestSubmit();
           return null;
         }
         const region = document.querySelector('[aria-label="Scene results"]');
         if (!region || !/sky/.test(region.querySelector('h2').innerText)) return null;
         // Until the background embedding is done the app says so, and the user searches again.
         const status = document.querySelector('footer [role=status]')?.innerText ?? '';
         const note = region.querySelector('p.note');
         if (/embedded in the background/.test(note?.innerText) || (region.querySelector('.summary') && /Processing/.test(status))) {
           field.form.requestSubmit();
           return null;
         }
         if (note && !note.querySelector('.spinner')) return [{ name: note.innerText, times: [] }];
         if (!region.querySelector('.summary')) return null;
         return [...region.querySelectorAll('li.video')].map((li) => ({
           name: li.querySelector('h3').innerText.trim(),
           times: [...li.querySelectorAll('.time')].map((t) => t.innerText.trim()),
         }));`,
        180_000,
      ).catch(async (err) => {
        await shot('words');
        throw err;
      });
      expect(shown[0]?.name, JSON.stringify(shown)).toBe('clouds.webm');
      expect(shown[0].times.length).toBeGreaterThan(0);
      await driver.run(`document.querySelector('[aria-label="Scene results"] button.close').click()`);
    }, 240_000);

    // Files given to <input webkitdirectory> last as long as the page: after a reload the catalog is there, and the
    // folder must be chosen again before more indexing or playing (the app says so).
    test('a reload keeps the catalog', async () => {
      await driver.reload();
      const cards = await until<{ name: string }[]>(
        driver,
        `const cards = (() => {${readCards}})(); return cards.length === ${names.length} && cards;`,
      );
      expect(cards.map((c) => c.name).sort((a, b) => a.localeCompare(b))).toEqual(names);
      // Nothing new was built: no update prompt.
      expect(await driver.run(`return document.body.innerText`)).not.toContain('New version available');
    });

    test('with the server stopped, a reload shows the catalog', async () => {
      await until(driver, `return navigator.serviceWorker.controller !== null`, 30_000);
      const { port } = server;
      await server.stop();
      try {
        await driver.reload();
        const cards = await until<{ name: string }[]>(
          driver,
          `const cards = (() => {${readCards}})(); return cards.length === ${names.length} && cards;`,
        );
        expect(cards.map((c) => c.name).sort((a, b) => a.localeCompare(b))).toEqual(names);
      } finally {
        server = await startServer({ port });
      }
    });
  });
}
