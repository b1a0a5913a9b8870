// Backup: the catalog exported from Settings in one browser profile is restored in another, with its tags and
// collections, and re-links to the folder when that folder is opened there. `npm test` runs it under CPU load.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { eventually, openApp, statusBar, waitForWriter } from './app';
import { expectedLibrary, fixtureFiles, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
import { clickCard, facetCounts, gridNames, selectionBar, showLibrary } from './library-helpers';

const folder = 'library';
const names = expectedLibrary()
  .map((v) => v.path)
  .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
  .map((p) => p.split('/').pop()!);

async function openSettings(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' });
}

describe('backup', () => {
  const app = useApp();

  async function browserProfile(): Promise<{ page: Page; errors: string[] }> {
    const context = await app.browser.newContext({ acceptDownloads: true });
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, folder, fixtureFiles());
    return { page, errors };
  }

  async function openFolder(page: Page): Promise<void> {
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 60_000).toContain('Scan finished: 6 videos');
  }

  test('exported in one browser, restored in another with tags and collections, re-linked on open', async () => {
    const first = await browserProfile();
    let page = first.page;
    await openFolder(page);
    await showLibrary(page, folder);
    await eventually(() => gridNames(page), 30_000).toEqual(names);
    await clickCard(page, names[1]);
    await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
    const tags = page.getByRole('dialog', { name: 'Tags of 1 video' });
    await tags.getByRole('combobox', { name: 'Add a tag' }).fill('Keep');
    await tags.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await tags.getByRole('button', { name: 'Done' }).click();
    await clickCard(page, names[2]);
    await selectionBar(page).getByRole('button', { name: 'Add to collection…' }).click();
    const add = page.getByRole('dialog', { name: 'Add 1 video to a collection' });
    await add.getByLabel('New collection').fill('Best');
    await add.getByRole('button', { name: 'Create and add' }).click();
    await page.getByRole('button', { name: 'Best: 1 video' }).waitFor();

    let settings = await openSettings(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      settings.getByRole('button', { name: 'Export catalog' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^framefinder-catalog-\d{4}-\d{2}-\d{2}\.sqlite$/);
    const backup = readFileSync((await download.path())!);
    expect(backup.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // Restoring is not offered over a catalog that has libraries.
    expect(await settings.getByLabel('Restore the catalog from a backup file').isDisabled()).toBe(true);
    expect(first.errors).toEqual([]);

    // Another browser profile: nothing in its storage but the same folder of videos.
    const second = await browserProfile();
    page = second.page;
    settings = await openSettings(page);
    await settings.getByLabel('Restore the catalog from a backup file').setInputFiles({
      name: download.suggestedFilename(),
      mimeType: 'application/vnd.sqlite3',
      buffer: backup,
    });
    await page
      .getByRole('status')
      .filter({ hasText: 'Restored 1 library with 6 videos. Open its folder again to index them here.' })
      .waitFor({ timeout: 30_000 });
    await settings.getByRole('button', { name: 'Close' }).click();
    // On disk at once: a reload keeps it.
    await page.reload();
    await waitForWriter(page);
    await showLibrary(page, folder);
    await eventually(() => gridNames(page), 30_000).toEqual(names);
    expect(await facetCounts(page, 'Tags')).toEqual({ Keep: 1 });
    await page.getByRole('button', { name: 'Best: 1 video' }).waitFor();
    expect(await page.getByText('Choose this folder again to index new files.').count()).toBe(1);

    // Opening the folder re-links it: the same library (no second one), its tags kept, its files readable.
    await openFolder(page);
    const libraries = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: folder });
    expect(await libraries.count()).toBe(1);
    expect(await page.getByText('Choose this folder again to index new files.').count()).toBe(0);
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Keep: 1 });
    expect(second.errors).toEqual([]);
  });

  test('a file that is not a backup is refused and changes nothing', async () => {
    const { page, errors } = await browserProfile();
    const settings = await openSettings(page);
    await settings.getByLabel('Restore the catalog from a backup file').setInputFiles({
      name: 'notes.sqlite',
      mimeType: 'application/vnd.sqlite3',
      buffer: Buffer.from('these are my notes, not a database'),
    });
    await page
      .getByRole('alert')
      .filter({ hasText: 'Could not restore the backup: This file is not a Framefinder catalog backup.' })
      .waitFor({ timeout: 30_000 });
    await settings.getByRole('button', { name: 'Close' }).click();
    await openFolder(page);
    expect(errors).toEqual([]);
  });
});
