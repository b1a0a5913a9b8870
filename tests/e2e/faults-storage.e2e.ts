// Faults in where the app keeps its data: the writing tab closes right after an edit, the browser offers no OPFS (a
// private window), and a search data file in the app's own storage is cut short. Each case checks what the user
// sees and that nothing is lost. `npm test` runs this file under CPU load.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import {
  catalogVideos,
  eventually,
  jobCounts,
  openApp,
  statusBar,
  videoNames,
  waitForJobsIdle,
  waitForWriter,
} from './app';
import { fixtureFiles, fixtureLibraryDir, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
import { clickCard, facetCounts, selectionBar, showLibrary } from './library-helpers';
import { waitForIdle } from './media-helpers';
import { dropFile, filesUnder, grabFrame, searchFolder, searchLibraryDir, shownHits } from './search-helpers';

const folder = 'library';
const fixtureNames = fixtureFiles()
  .map((f) => f.path.split('/').pop()!)
  .filter((n) => n !== 'notes.txt')
  .sort();
const role = (page: Page) =>
  page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.state.catalog.role);

/** The user drops a still of `path` (at 2 s) on the app: that video comes first in the results. */
async function expectFound(page: Page, path: string): Promise<void> {
  const frame = await grabFrame(page, path, 2);
  await dropFile(page, { base64: frame.base64, name: 'still.png', type: 'image/png' });
  // Read until the results are this search's (the previous search's stay on screen until they are replaced).
  await eventually(async () => (await shownHits(page))[0]?.name, 30_000).toBe(path.split('/').pop());
}

describe('faults in the app’s own storage', () => {
  const app = useApp();

  function watchErrors(context: BrowserContext): string[] {
    const errors: string[] = [];
    context.on('weberror', (e) => errors.push(e.error().message));
    return errors;
  }

  test('the writing tab closes right after an edit: the other tab takes over with the edit', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const errors = watchErrors(context);
    const writer = await context.newPage();
    await openApp(writer, app.server.url);
    await seedOpfsFolder(writer, folder, fixtureFiles());
    await writer.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(writer).innerText(), 60_000).toContain('Scan finished: 6 videos');
    const other = await context.newPage();
    await other.goto(app.server.url);
    await eventually(() => role(other), 20_000).toBe('reader');

    // While the videos are being indexed (the writer saves over and over), the user tags one and closes the tab the
    // moment the tag shows.
    await showLibrary(writer, folder);
    await clickCard(writer, 'sunrise.mp4');
    await selectionBar(writer).getByRole('button', { name: 'Tags…' }).click();
    const dialog = writer.getByRole('dialog', { name: 'Tags of 1 video' });
    await dialog.getByRole('combobox', { name: 'Add a tag' }).fill('keeper');
    await dialog.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await writer.waitForFunction(
      () => !!document.querySelector('nav[aria-label="Libraries"] button[aria-label^="keeper: 1 video"]'),
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    await writer.close();

    await eventually(() => role(other), 20_000).toBe('writer');
    await eventually(async () => (await facetCounts(other, 'Tags')).keeper, 20_000).toBe(1);
    expect(await other.getByRole('alert').allInnerTexts()).toEqual([]);
    // The tab that took over goes on indexing and saving: a reload keeps the tag and every video.
    await waitForJobsIdle(other, 120_000);
    await other.reload();
    await waitForWriter(other);
    await eventually(async () => (await facetCounts(other, 'Tags')).keeper, 20_000).toBe(1);
    await eventually(() => videoNames(other)).toEqual(fixtureNames);
    expect(errors).toEqual([]);
  }, 240_000);

  test('no OPFS (a private window): the catalog is kept in IndexedDB, says so, and survives a reload', async () => {
    // As in a private window of a browser without OPFS there: every document and worker is refused the origin's
    // file system. Scripts are served with the refusal in front (workers get no init script), and the service
    // worker is kept out so that every script goes through the route.
    const refuse = `if (self.StorageManager && !self.__noOpfs) { self.__noOpfs = true;
      StorageManager.prototype.getDirectory = () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')); }\n`;
    const context = await app.browser.newContext({ serviceWorkers: 'block' });
    app.context = context;
    await context.addInitScript(refuse);
    await context.route(/\.m?js(\?|$)/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: refuse + (await response.text()) });
    });
    const errors = watchErrors(context);
    const page = await context.newPage();
    await openApp(page, app.server.url);
    expect(await page.evaluate(() => navigator.storage.getDirectory().then(String, (e: Error) => e.name))).toBe(
      'SecurityError',
    );

    await page.getByLabel('Choose a folder of videos').first().setInputFiles(fixtureLibraryDir);
    await waitForIdle(page, 120_000);
    // Tagged, so the reload shows an edit kept as well as the scan.
    await showLibrary(page, folder);
    await clickCard(page, 'clouds.webm');
    await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
    const tags = page.getByRole('dialog', { name: 'Tags of 1 video' });
    await tags.getByRole('combobox', { name: 'Add a tag' }).fill('sky');
    await tags.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await eventually(async () => (await facetCounts(page, 'Tags')).sky).toBe(1);
    const before = await catalogVideos(page);

    await page.reload();
    await waitForWriter(page);
    await eventually(() => videoNames(page)).toEqual(fixtureNames);
    expect(await catalogVideos(page)).toEqual(before);
    await eventually(async () => (await facetCounts(page, 'Tags')).sky).toBe(1);
    // Indexed videos keep their posters too.
    const posters = page.getByRole('table', { name: 'Videos' }).locator('img');
    await eventually(() => posters.count(), 20_000).toBe(fixtureNames.length - 1);

    // And their search data: each indexed video is found by image; only the empty file failed.
    const search = await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.search.stats());
    expect(search.videos).toBe(fixtureNames.length - 1);
    expect((await jobCounts(page)).failed).toBe(1);

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await eventually(() => settings.getByText('Catalog kept in: IndexedDB').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 240_000);

  test('a search data file cut short: the app says so, the other videos stay searchable, the damaged one is redone', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, searchFolder);
    const errors = watchErrors(context);
    const page = await context.newPage();
    await openApp(page, app.server.url);
    const files = filesUnder(searchLibraryDir).filter((f) => ['city.mp4', 'forest.mp4', 'ocean.mp4'].includes(f.path));
    await seedOpfsFolder(page, searchFolder, files);
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await waitForIdle(page, 180_000);
    await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.flush());

    // Away from the app, the end of the fingerprints file is lost (a disk error, a sync tool): its last video's
    // data is cut in two.
    await page.goto(new URL('icon.svg', app.server.url).href);
    const damaged = await page.evaluate(async () => {
      const blobs = await (await navigator.storage.getDirectory()).getDirectoryHandle('blobs');
      const handle = await blobs.getFileHandle('frames-1-0');
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      // The last chunk starts at the last 'FFCK' magic; its video id follows.
      let last = bytes.length - 4;
      while (
        last >= 0 &&
        !(bytes[last] === 0x46 && bytes[last + 1] === 0x46 && bytes[last + 2] === 0x43 && bytes[last + 3] === 0x4b)
      )
        last--;
      const videoId = new DataView(bytes.buffer).getInt32(last + 4, true);
      const writable = await handle.createWritable({ keepExistingData: true });
      await writable.truncate(bytes.length - 40);
      await writable.close();
      return videoId;
    });
    await page.goto(app.server.url);
    await waitForWriter(page);
    const videos = await catalogVideos(page);
    const lost = videos.find((v) => v.id === damaged)!;
    expect(lost, 'the cut chunk belongs to a video of the library').toBeDefined();

    await eventually(() => page.getByRole('alert').allInnerTexts(), 30_000).toEqual([
      'The search data of 1 video was damaged and has been dropped: it is being indexed again.',
    ]);
    // The other videos are found at once; the damaged one again once it is indexed again.
    for (const v of videos.filter((x) => x.id !== damaged)) await expectFound(page, v.path);
    await waitForJobsIdle(page, 120_000);
    await expectFound(page, lost.path);
    expect(errors).toEqual([]);
  }, 300_000);
});
