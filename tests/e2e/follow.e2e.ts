// A read-only tab follows the writer's edits by applying only the change files each save wrote, without reading the
// whole catalog again; after a whole image it does read it again (issue 16).
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { eventually, flushCatalog, importViaInput, openApp, waitForJobsIdle } from './app';
import { fixtureLibraryDir, useApp } from './harness';
import { clickCard, facetCounts, selectionBar, showLibrary } from './library-helpers';

/** How often the tab's catalog worker read the whole catalog, and how many change files it applied instead. */
function catalogReads(page: Page): Promise<{ wholeLoads: number; changeFiles: number }> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.catalogReads());
}

function role(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.state.catalog.role);
}

/** Saves the catalog as a whole new image (VACUUM cannot be saved as changes). */
function saveWholeImage(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.compact());
}

describe('a read-only tab following the writer', () => {
  const app = useApp();

  test('shows a tag added and renamed in the writer, from the change files alone', async () => {
    const context = await app.newContext();
    const a = await context.newPage();
    await openApp(a, app.server.url);
    // Alone, the first tab becomes the writer with the catalog it opened: it is read whole once, not again.
    await eventually(() => role(a)).toBe('writer');
    expect((await catalogReads(a)).wholeLoads).toBe(1);
    await importViaInput(a, fixtureLibraryDir);
    await waitForJobsIdle(a);
    // A fresh image with no change files after it, so this test's edits are saved as change files and nothing else.
    await saveWholeImage(a);
    await flushCatalog(a);

    const b = await context.newPage();
    await b.goto(app.server.url);
    await b.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await eventually(() => role(b)).toBe('reader');
    await showLibrary(b, 'library');
    const opened = await catalogReads(b);
    expect(opened.wholeLoads).toBeGreaterThanOrEqual(1);

    // A tags two videos: B shows the tag.
    await showLibrary(a, 'library');
    await clickCard(a, 'clouds.webm');
    await clickCard(a, 'sunrise.mp4', ['ControlOrMeta']);
    await selectionBar(a).getByRole('button', { name: 'Tags…' }).click();
    const dialog = a.getByRole('dialog', { name: 'Tags of 2 videos' });
    await dialog.getByRole('combobox', { name: 'Add a tag' }).fill('Beach');
    await dialog.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await eventually(() => facetCounts(a, 'Tags')).toEqual({ Beach: 2 });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await eventually(() => facetCounts(b, 'Tags')).toEqual({ Beach: 2 });

    // A renames it: B shows the new name.
    await a.getByRole('button', { name: 'Edit tag Beach' }).click();
    const edit = a.getByRole('dialog', { name: 'Edit tag' });
    await edit.getByLabel('Name').fill('Seaside');
    await edit.getByRole('button', { name: 'Rename' }).click();
    await eventually(() => facetCounts(a, 'Tags')).toEqual({ Seaside: 2 });
    await eventually(() => facetCounts(b, 'Tags')).toEqual({ Seaside: 2 });

    // B got there by applying the writer's change files (one per save, at least the two edits'), not by reading the
    // catalog image again.
    const followed = await catalogReads(b);
    expect(followed.wholeLoads).toBe(opened.wholeLoads);
    expect(followed.changeFiles).toBeGreaterThanOrEqual(opened.changeFiles + 2);
    expect(await b.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.listTags())).toEqual(
      await a.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.listTags()),
    );

    // A whole image (a new generation) cannot be followed file by file: B reads the catalog whole, then follows again.
    await saveWholeImage(a);
    await eventually(async () => (await catalogReads(b)).wholeLoads).toBe(opened.wholeLoads + 1);
    await a.getByRole('button', { name: 'Edit tag Seaside' }).click();
    await edit.getByLabel('Name').fill('Coast');
    await edit.getByRole('button', { name: 'Rename' }).click();
    await eventually(() => facetCounts(b, 'Tags')).toEqual({ Coast: 2 });
    expect((await catalogReads(b)).wholeLoads).toBe(opened.wholeLoads + 1);
    expect(await role(b)).toBe('reader');
  });
});
