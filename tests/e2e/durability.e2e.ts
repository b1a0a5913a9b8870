// Every edit the app reports as done survives a reload made the moment it shows, five times in a row for each
// kind of edit (a finished scan, a removed library, tags, collections, the Trash, a setting, a fixed transcript line).
// `npm test` runs this file with every core busy (scripts/test.mjs), and the fixtures are being indexed meanwhile:
// the way a user's machine runs (issue 12: a removed library came back after a reload).
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { eventually, openApp, statusBar, waitForWriter } from './app';
import { expectedLibrary, fixtureFiles, repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
import { card, clickCard, facetCounts, gridNames, selectionBar, showLibrary } from './library-helpers';

const rounds = 5;
const timeout = 15 * 60_000;
const folder = 'library';
/** The fixture videos' names in the library's default order (by path, ignoring case). */
const names = expectedLibrary()
  .map((v) => v.path)
  .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
  .map((p) => p.split('/').pop()!);

describe('edits survive a reload made as soon as they show, under load', () => {
  const app = useApp();
  let page: Page;
  let pageErrors: string[];

  beforeEach(async () => {
    pageErrors = [];
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, folder, fixtureFiles());
  });

  /** The user reloads at once; the app is back once this tab writes again. */
  async function reload(): Promise<void> {
    await page.reload();
    await waitForWriter(page);
  }

  async function importFolder(): Promise<void> {
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 60_000).toContain('Scan finished: 6 videos');
  }

  const libraries = () => page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: folder });

  test(
    'a finished scan and a removed library',
    async () => {
      for (let round = 1; round <= rounds; round++) {
        await importFolder();
        await reload();
        await eventually(async () => (await gridNames(page)).sort(), 30_000).toEqual([...names].sort());

        await page.getByRole('button', { name: `Remove ${folder}` }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Remove library' }).click();
        // Reload the instant the sidebar drops the library (checked every frame, not on a polling interval).
        await page.waitForFunction(
          (name) => !document.querySelector(`nav[aria-label="Libraries"] section[aria-label="${name}"]`),
          folder,
          { polling: 'raf', timeout: 30_000 },
        );
        await reload();
        await page.getByRole('heading', { name: 'Your videos, searchable, on this device' }).waitFor();
        expect(await libraries().count(), `round ${round}: the removed library came back`).toBe(0);
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );

  test(
    'tags: added, renamed',
    async () => {
      await importFolder();
      for (let round = 1; round <= rounds; round++) {
        await showLibrary(page, folder);
        await eventually(() => gridNames(page), 30_000).toEqual(names);
        await clickCard(page, names[round % names.length]);
        await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Tags of 1 video' });
        await dialog.getByRole('combobox', { name: 'Add a tag' }).fill(`new ${round}`);
        await dialog.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
        await eventually(async () => (await facetCounts(page, 'Tags'))[`new ${round}`]).toBe(1);
        await reload();
        await eventually(async () => (await facetCounts(page, 'Tags'))[`new ${round}`], 30_000).toBe(1);

        await page.getByRole('button', { name: `Edit tag new ${round}` }).click();
        const edit = page.getByRole('dialog', { name: 'Edit tag' });
        await edit.getByLabel('Name').fill(`kept ${round}`);
        await edit.getByRole('button', { name: 'Rename' }).click();
        await eventually(async () => (await facetCounts(page, 'Tags'))[`kept ${round}`]).toBe(1);
        await reload();
        const tags = () => facetCounts(page, 'Tags');
        await eventually(async () => (await tags())[`kept ${round}`], 30_000).toBe(1);
        expect(Object.keys(await tags()), `round ${round}: the rename was lost`).not.toContain(`new ${round}`);
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );

  test(
    'a collection made from the selection, videos moved to the Trash and restored',
    async () => {
      await importFolder();
      for (let round = 1; round <= rounds; round++) {
        await showLibrary(page, folder);
        await eventually(() => gridNames(page), 30_000).toEqual(names);
        const video = names[round % names.length];
        await clickCard(page, video);
        await selectionBar(page).getByRole('button', { name: 'Add to collection…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Add 1 video to a collection' });
        await dialog.getByLabel('New collection').fill(`Picks ${round}`);
        await dialog.getByRole('button', { name: 'Create and add' }).click();
        const collection = page.getByRole('button', { name: `Picks ${round}: 1 video` });
        await collection.waitFor();
        await reload();
        await collection.waitFor({ timeout: 30_000 });

        await showLibrary(page, folder);
        await eventually(() => gridNames(page), 30_000).toEqual(names);
        await clickCard(page, video);
        await selectionBar(page).getByRole('button', { name: 'Remove from library' }).click();
        await eventually(() => gridNames(page)).not.toContain(video);
        await reload();
        await showLibrary(page, folder);
        await eventually(async () => (await gridNames(page)).length, 30_000).toBe(names.length - 1);
        expect(await gridNames(page), `round ${round}: the removed video came back`).not.toContain(video);

        await page.getByRole('button', { name: 'Trash: 1 video' }).click();
        await eventually(() => gridNames(page)).toEqual([video]);
        await clickCard(page, video);
        await selectionBar(page).getByRole('button', { name: 'Restore' }).click();
        await page.getByText('The Trash is empty.').waitFor();
        await reload();
        await page.getByRole('button', { name: 'Trash: 0 videos' }).waitFor({ timeout: 30_000 });
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );

  test(
    'a setting: processing paused and resumed',
    async () => {
      await importFolder();
      await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
      for (let round = 1; round <= rounds; round++) {
        await page.getByRole('button', { name: 'Pause processing' }).click();
        await page.getByRole('button', { name: 'Resume processing' }).waitFor();
        await reload();
        await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
        await page.getByRole('button', { name: 'Resume processing' }).waitFor({ timeout: 30_000 });

        await page.getByRole('button', { name: 'Resume processing' }).click();
        await page.getByRole('button', { name: 'Pause processing' }).waitFor();
        await reload();
        await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
        await page.getByRole('button', { name: 'Pause processing' }).waitFor({ timeout: 30_000 });
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );
  test(
    'a transcript line fixed in the player',
    async () => {
      // The library plus a talk with its subtitles; the other videos are indexed while the line is edited.
      const subtitles = join(repoRoot, 'tests', 'fixtures', 'subtitles');
      const talk = ['talk.mp4', 'talk.srt'].map((path) => ({ path, bytes: readFileSync(join(subtitles, path)) }));
      await seedOpfsFolder(page, folder, [...fixtureFiles(), ...talk]);
      await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
      await eventually(() => statusBar(page).innerText(), 60_000).toContain('Scan finished: 7 videos');
      const player = page.getByRole('dialog', { name: 'Player' });
      const transcript = player.getByRole('region', { name: 'Transcript' });
      const line = transcript.getByRole('list', { name: 'Lines' }).getByRole('listitem').nth(1);
      const lineText = async () => (await line.getByRole('button').first().innerText()).replace(/\s+/g, ' ').trim();
      const openTalk = async () => {
        await showLibrary(page, folder);
        await card(page, 'talk.mp4').waitFor({ timeout: 30_000 });
        await card(page, 'talk.mp4').focus();
        await page.keyboard.press('Enter');
        await transcript.getByRole('list', { name: 'Lines' }).getByRole('listitem').nth(3).waitFor({ timeout: 60_000 });
      };
      for (let round = 1; round <= rounds; round++) {
        await openTalk();
        await transcript.getByRole('button', { name: 'Edit the line at 0:02.4' }).click();
        const field = transcript.getByRole('textbox', { name: 'Text of the line at 0:02.4' });
        await field.fill(`Fixed in round ${round}.`);
        await field.press('Enter');
        // Reload the moment the line shows as edited.
        await eventually(lineText).toBe(`0:02.4 Fixed in round ${round}. edited`);
        await reload();
        await openTalk();
        expect(await lineText(), `round ${round}: the fixed line was lost`).toBe(
          `0:02.4 Fixed in round ${round}. edited`,
        );
        await page.keyboard.press('Escape');
        await player.waitFor({ state: 'hidden' });
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );
});
