// The catalog on disk: it survives reloads, a page killed mid-save and a torn or garbled slot file, the
// blob store keeps large binaries outside the catalog image, and Settings reports the storage in use.
import type { Remote } from 'comlink';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogApi } from '../../src/workers/catalog.worker';
import {
  expectedLibrary,
  fixtureFiles,
  launchBrowser,
  seedOpfsFolder,
  startServer,
  stubDirectoryPicker,
  writeOpfsFile,
} from './harness';
import type { TestServer } from './harness';
import { videoNames } from './app';
import { damageCatalogFile, newestSave, slotNames } from './catalog-files';

/** The catalog API; this file also keeps keys outside the settings registry (stored unchecked) to fatten it. */
type Catalog = Omit<Remote<CatalogApi>, 'getSetting' | 'setSetting'> & {
  getSetting(key: string, fallback?: unknown): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;
};

/** Runs `fn` in the page on the app's catalog API (window.framefinder.catalog); `arg` goes as JSON. */
function inCatalog<R, A = null>(page: Page, fn: (catalog: Catalog, arg: A) => Promise<R>, arg?: A): Promise<R> {
  return page.evaluate<R>(`(${fn.toString()})(window.framefinder.catalog, ${JSON.stringify(arg ?? null)})`);
}

const folder = 'library';
const fixturePaths = expectedLibrary()
  .map((v) => v.path)
  .sort();
const fixtureNames = fixturePaths.map((p) => p.split('/').pop() ?? p).sort();
const emptyHeading = 'Your videos, searchable, on this device';
const sunrise = () => fixtureFiles().find((f) => f.path === 'sunrise.mp4')!.bytes;

/** Loads the app and waits until its catalog is open (window.framefinder appears then). */
async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('contentinfo').getByRole('status').textContent()) ?? '';
}

/** Fills the OPFS folder with the fixtures and imports it through "Open folder" (stubbed picker). */
async function importFixtures(page: Page): Promise<void> {
  await seedOpfsFolder(page, folder, fixtureFiles());
  await page.getByRole('button', { name: 'Open folder' }).first().click();
  await expect
    .poll(() => statusText(page), { timeout: 20_000 })
    .toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
}

/** File names in the Videos table, as shown (sorted). */
async function shownNames(page: Page): Promise<string[]> {
  // The Name column by its header (the table has a poster column first), without badges or reasons.
  return videoNames(page);
}

/**
 * Waits until the job queue is idle, then saves: the catalog on disk is now the one in memory. Indexing the
 * fixtures is CPU-bound: a loaded machine (other tests, other work) needs more than the 20 s an idle one does.
 */
async function settle(page: Page): Promise<void> {
  const busy = () => inCatalog(page, async (c) => ((n) => n.queued + n.running)(await c.jobCounts()));
  await expect.poll(busy, { timeout: 60_000 }).toBe(0);
  await inCatalog(page, (c) => c.flush());
}

describe('catalog storage', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await context?.close();
  });

  async function newPage(): Promise<Page> {
    const p = await context.newPage();
    p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.message}`));
    return p;
  }

  async function fresh(): Promise<void> {
    pageErrors = [];
    context = await browser.newContext();
    await stubDirectoryPicker(context, folder);
    page = await newPage();
    await openApp(page, server.url);
  }

  test('a reload shows the same catalog', async () => {
    await fresh();
    await importFixtures(page);
    await settle(page);
    const before = await inCatalog(page, (c) => c.listVideos({}));
    expect(before.map((v) => v.path).sort()).toEqual(fixturePaths);

    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window);
    await expect.poll(() => shownNames(page)).toEqual(fixtureNames);
    await expect.poll(() => page.getByText('6 videos', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'trips, 3 videos' }).count()).toBe(1);
    expect(await inCatalog(page, (c) => c.listVideos({}))).toEqual(before);
    expect(pageErrors).toEqual([]);
  });

  test('changes are kept when the page reloads right after them', async () => {
    await fresh();
    // The user sees "Scan finished" and reloads at once.
    await importFixtures(page);
    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window);
    const imported = 'after the reload the imported videos are gone: the import was never saved';
    await expect.poll(() => shownNames(page), { timeout: 15_000, message: imported }).toEqual(fixtureNames);

    // One quick change, and a reload as soon as the user sees it: removing the library.
    await page.getByRole('button', { name: 'Remove library' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove library' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'library' }).count()).toBe(0);
    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window);
    const removed = 'after the reload the removed library is back: the removal was never saved';
    const heading = page.getByRole('heading', { name: emptyHeading });
    await expect.poll(() => heading.count(), { timeout: 15_000, message: removed }).toBe(1);
    expect(await page.getByRole('region', { name: 'library' }).count()).toBe(0);
    expect(await inCatalog(page, (c) => c.listLibraries())).toEqual([]);
  });

  test('a page killed while saving reopens with every completed save', async () => {
    await fresh();
    await importFixtures(page);
    await settle(page);
    // Back-to-back saves of a fat catalog (8 MB of settings), so that a save is nearly always under way. Each
    // setting is a user edit, saved before its call returns: `saving` marks the save of a round's last one.
    await inCatalog(page, async (catalog) => {
      const w = window as unknown as { savedRounds: number; saving: boolean };
      w.savedRounds = 0;
      w.saving = false;
      await catalog.setSetting('ballast', 'x'.repeat(8_000_000));
      void (async () => {
        for (let round = 1; ; round++) {
          for (let i = 0; i < 5; i++) await catalog.setSetting(`burst-${i}`, round);
          w.saving = true;
          await catalog.setSetting('round', round);
          w.saving = false;
          w.savedRounds = round;
        }
      })();
    });
    // Crash as a save starts, after a few have landed: a save takes ~100 ms here, the crash command far less.
    const saved = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          const w = window as unknown as { savedRounds: number; saving: boolean };
          const wait = () => (w.saving && w.savedRounds >= 3 ? done(w.savedRounds) : setTimeout(wait, 1));
          wait();
        }),
    );
    const crashed = new Promise<void>((done) => page.once('crash', () => done()));
    const cdp = await context.newCDPSession(page);
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await page.close().catch(() => undefined);

    page = await newPage();
    await openApp(page, server.url);
    await expect.poll(() => shownNames(page)).toEqual(fixtureNames);
    const state = await inCatalog<{ round: number; burst: number[]; writer: boolean }>(page, async (catalog) => {
      const round = Number(await catalog.getSetting('round', 0));
      const burst = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => Number(await catalog.getSetting(`burst-${i}`, 0))),
      );
      return { round, burst, writer: await catalog.isWriter() };
    });
    expect(state.writer).toBe(true);
    expect(state.round).toBeGreaterThanOrEqual(saved);
    // One transaction's worth of state: every burst value comes from the same round (or the next, unfinished one).
    expect(new Set(state.burst).size).toBeLessThanOrEqual(2);
    expect(Math.min(...state.burst)).toBeGreaterThanOrEqual(state.round);
    expect(pageErrors.filter((e) => !e.includes('Target crashed'))).toEqual([]);
  });

  test('a torn newest save falls back to the save before it, and saving still works', async () => {
    await fresh();
    await importFixtures(page);
    await settle(page);
    // One more change, saved once: the newest save has it, the ones before it the 6 imported videos only.
    await inCatalog(page, async (c) => void (await c.addLibrary('Later', 'files'), await c.flush()));
    const newest = await newestSave(page);

    // Leave the app (a same-origin non-app page keeps OPFS reachable), tear the newest save, come back.
    await page.goto(new URL('icon.svg', server.url).href);
    await damageCatalogFile(page, newest);
    await openApp(page, server.url);
    await expect.poll(() => shownNames(page)).toEqual(fixtureNames);
    expect((await inCatalog(page, (c) => c.listLibraries())).map((l) => l.name)).toEqual([folder]);
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([
      'A damaged copy of the catalog was found and skipped: the last intact save was opened.',
    ]);

    // The app keeps working: a rescan finds a new file, its save lands, a reload shows it with no word of damage.
    await writeOpfsFile(page, folder, 'trips/new clip.mp4', sunrise());
    await page.getByRole('button', { name: 'Rescan library' }).click();
    await expect
      .poll(() => statusText(page), { timeout: 20_000 })
      .toContain('Scan finished: 7 videos (1 new, 0 changed, 6 unchanged)');
    await settle(page);
    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await expect.poll(() => shownNames(page), { timeout: 20_000 }).toEqual([...fixtureNames, 'new clip.mp4'].sort());
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('a torn newest image is rebuilt from the image before it and the changes saved after that', async () => {
    await fresh();
    await importFixtures(page);
    await settle(page);
    // Compacting saves a whole image; 'Later' is saved as a change after it; compacting again makes a newer image.
    await inCatalog(page, async (c) => {
      await c.compact();
      await c.addLibrary('Later', 'files');
      await c.compact();
      await c.flush();
    });
    const newest = await newestSave(page);
    expect(slotNames).toContain(newest);

    await page.goto(new URL('icon.svg', server.url).href);
    await damageCatalogFile(page, newest);
    await openApp(page, server.url);
    await expect.poll(() => shownNames(page)).toEqual(fixtureNames);
    // Nothing is lost: the older image and its log hold everything the torn one did.
    expect((await inCatalog(page, (c) => c.listLibraries())).map((l) => l.name).sort()).toEqual(['Later', folder]);
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([
      'A damaged copy of the catalog was found and skipped: the last intact save was opened.',
    ]);
    expect(pageErrors).toEqual([]);
  });

  test('slot files of garbage open an empty catalog rather than crash, and the next import saves', async () => {
    await fresh();
    await page.goto(new URL('icon.svg', server.url).href);
    await damageCatalogFile(page, slotNames[0], 300_000);
    await damageCatalogFile(page, slotNames[1], 64);
    const consoleErrors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));

    await openApp(page, server.url);
    await expect.poll(() => page.getByRole('heading', { name: emptyHeading }).count()).toBe(1);
    // The app says what it did rather than starting empty without a word.
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([
      expect.stringContaining('The saved catalog was damaged and could not be read'),
    ]);
    expect(await inCatalog(page, (c) => c.isWriter())).toBe(true);

    await importFixtures(page);
    await settle(page);
    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
    await expect.poll(() => shownNames(page), { timeout: 20_000 }).toEqual(fixtureNames);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('the blob store appends, slices, lists, survives a reload and deletes, outside the catalog image', async () => {
    await fresh();
    const first = await inCatalog(page, async (catalog) => {
      const before = (await catalog.exportCatalog()).byteLength;
      const a = new Uint8Array(1_000_000).map((_, i) => i % 251);
      const b = new Uint8Array([1, 2, 3, 4, 5]);
      const offsets = [await catalog.blobAppend('vectors-1', a), await catalog.blobAppend('vectors-1', b)];
      const whole = (await catalog.blobRead('vectors-1'))!;
      const slice = Array.from((await catalog.blobRead('vectors-1', 999_998, 1_000_003))!);
      await catalog.flush();
      return {
        offsets,
        wholeLength: whole.byteLength,
        wholeMatches: whole.subarray(0, 1_000_000).every((x, i) => x === i % 251) && whole[1_000_004] === 5,
        slice,
        list: await catalog.blobList(),
        missing: await catalog.blobRead('no-such-blob'),
        exportGrowth: (await catalog.exportCatalog()).byteLength - before,
      };
    });
    expect(first).toEqual({
      offsets: [0, 1_000_000],
      wholeLength: 1_000_005,
      wholeMatches: true,
      slice: [999_998 % 251, 999_999 % 251, 1, 2, 3],
      list: [{ key: 'vectors-1', size: 1_000_005 }],
      missing: null,
      exportGrowth: 0, // the megabyte is not in the catalog image, which every save copies whole
    });
    // Bad keys are refused rather than escaping the blob folder.
    const badKey = inCatalog(page, (c) => c.blobAppend('../catalog/x', new Uint8Array(1)));
    await expect(badKey).rejects.toThrow(/Invalid blob key/);

    await page.reload();
    await page.waitForFunction(() => 'framefinder' in window);
    const second = await inCatalog(page, async (catalog) => {
      const list = await catalog.blobList();
      const tail = Array.from((await catalog.blobRead('vectors-1', 1_000_000))!);
      await catalog.blobDelete('vectors-1');
      await catalog.blobDelete('vectors-1'); // deleting twice is fine
      return { list, tail, afterDelete: await catalog.blobList(), read: await catalog.blobRead('vectors-1') };
    });
    expect(second).toEqual({
      list: [{ key: 'vectors-1', size: 1_000_005 }],
      tail: [1, 2, 3, 4, 5],
      afterDelete: [],
      read: null,
    });
    expect(pageErrors).toEqual([]);
  });

  test('Settings shows the storage used, the quota and the OPFS backend', async () => {
    await fresh();
    await importFixtures(page);
    await settle(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await expect.poll(() => dialog.getByText(/^Using .+ of .+ available to Framefinder\.$/).count()).toBe(1);
    expect(await dialog.getByText('Catalog kept in: Origin private file system').count()).toBe(1);

    const estimate = await page.evaluate(async () => ({
      ...(await navigator.storage.estimate()),
      persisted: await navigator.storage.persisted(),
    }));
    const meter = dialog.getByRole('meter', { name: 'Storage used' });
    expect(Number(await meter.getAttribute('max'))).toBe(estimate.quota);
    expect(Number(await meter.getAttribute('value'))).toBeGreaterThan(0);
    const usingText = (await dialog.getByText(/^Using /).textContent()) ?? '';
    expect(usingText).not.toMatch(/Using 0 B/);
    expect(await dialog.getByRole('button', { name: 'Keep data on this device' }).count()).toBe(
      estimate.persisted ? 0 : 1,
    );
    expect(pageErrors).toEqual([]);
  });
});
