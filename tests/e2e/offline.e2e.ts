// The installed app works with the server gone, and nothing it does reaches beyond its own origin.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import {
  distDir,
  expectedLibrary,
  fixtureFiles,
  recordRequests,
  seedOpfsFolder,
  startServer,
  stubDirectoryPicker,
  useApp,
} from './harness';

import { videoNames } from './app';

const folder = 'library';
const fixtureNames = expectedLibrary()
  .map((v) => v.path.split('/').pop() ?? v.path)
  .sort();

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('contentinfo').getByRole('status').textContent()) ?? '';
}

async function shownNames(page: Page): Promise<string[]> {
  // The Name column by its header (the table has a poster column first), without badges or reasons.
  return videoNames(page);
}

/** Waits until the service worker is active and controls the page: from then on the shell is cached. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

async function importFixtures(page: Page): Promise<void> {
  await seedOpfsFolder(page, folder, fixtureFiles());
  await page.getByRole('button', { name: 'Open folder' }).first().click();
  await expect
    .poll(() => statusText(page), { timeout: 20_000 })
    .toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const c = await (window as unknown as FramefinderWindow).framefinder.catalog.jobCounts();
          return c.queued + c.running;
        }),
      { timeout: 20_000 },
    )
    .toBe(0);
  await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.flush());
}

/** What a user sees of the library: the header, the 6 videos and the folder tree. */
async function expectLibraryShown(page: Page): Promise<void> {
  await expect.poll(() => shownNames(page), { timeout: 10_000 }).toEqual(fixtureNames);
  expect(await page.getByRole('banner').getByText('Framefinder', { exact: true }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(1);
  expect(await page.getByText('6 videos', { exact: true }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'trips, 3 videos' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: '2024, 2 videos' }).count()).toBe(1);
}

/** The built sql.js wasm file, as the server serves it. */
function builtWasm(): { path: string; size: number } {
  const assets = join(distDir(), 'assets');
  const names = readdirSync(assets).filter((n) => /^sql-wasm.*\.wasm$/.test(n));
  expect(names).toHaveLength(1);
  return { path: `/assets/${names[0]}`, size: statSync(join(assets, names[0])).size };
}

describe('offline and private', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  test('after one online visit the app and its catalog load with the server stopped', async () => {
    context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const pageErrors: string[] = [];
    context.on('weberror', (e) => pageErrors.push(e.error().message));
    let page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    await waitForServiceWorker(page);
    await importFixtures(page);

    const { port, url } = app.server;
    await app.server.stop();
    try {
      await expect(fetch(url)).rejects.toThrow(); // really down
      await page.reload();
      await waitForApp(page);
      await expectLibraryShown(page);
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

      // A cold start in a new tab, still offline, and browsing a folder works too.
      await page.close();
      page = await context.newPage();
      await page.goto(url);
      await waitForApp(page);
      await expectLibraryShown(page);
      await page.getByRole('button', { name: 'trips, 3 videos' }).click();
      await expect.poll(() => shownNames(page)).toEqual(['CLIP.MP4', 'Café Ünïcode.mov', 'beach day.mp4'].sort());
      expect(pageErrors).toEqual([]);
    } finally {
      app.server = await startServer({ port });
    }
    expect(app.server.url).toBe(url);
  });

  test('no request leaves the origin, and the sql.js wasm comes from the app and sits in the service worker cache', async () => {
    context = await app.newContext();
    const requests = recordRequests(context);
    const fromServiceWorker: string[] = [];
    context.on('response', (r) => void (r.fromServiceWorker() && fromServiceWorker.push(r.url())));
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    await waitForServiceWorker(page);
    await importFixtures(page);
    await expectLibraryShown(page);

    // Browse folders, filter, open the panels.
    await page.getByRole('button', { name: 'trips, 3 videos' }).click();
    await expect.poll(() => shownNames(page)).toHaveLength(3);
    await page.getByRole('button', { name: '2024, 2 videos' }).click();
    await expect.poll(() => shownNames(page)).toEqual(['Café Ünïcode.mov', 'beach day.mp4'].sort());
    await page.getByRole('button', { name: 'All videos' }).click();
    await page.getByLabel('Filter videos by name').fill('beach');
    await expect.poll(() => shownNames(page)).toEqual(['beach day.mp4']);
    await page.getByLabel('Filter videos by name').fill('');
    await expect.poll(() => shownNames(page)).toEqual(fixtureNames);
    for (const panel of ['Jobs', 'Settings']) {
      await page.getByRole('button', { name: panel, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: panel });
      await dialog.waitFor();
      if (panel === 'Settings') await dialog.getByText(/^Using .+ available to Framefinder\.$/).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.reload();
    await waitForApp(page);
    await expectLibraryShown(page);

    const origin = new URL(app.server.url).origin;
    expect(requests.urls.length).toBeGreaterThan(5); // the log saw the traffic
    expect(requests.foreign(app.server.url)).toEqual([]);

    const wasm = builtWasm();
    const wasmUrl = `${origin}${wasm.path}`;
    expect(requests.urls).toContain(wasmUrl);
    // After the reload the catalog worker got the wasm from the service worker, not the network.
    expect(fromServiceWorker).toContain(wasmUrl);
    const cached = await page.evaluate(async (path) => {
      const names = await caches.keys();
      for (const name of names) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (new URL(request.url).pathname !== path) continue;
          const response = await cache.match(request);
          return { names, cache: name, ok: response?.ok, size: (await response?.arrayBuffer())?.byteLength };
        }
      }
      return { names, cache: null, ok: false, size: 0 };
    }, wasm.path);
    expect(cached.cache).toMatch(/precache/);
    expect(cached.ok).toBe(true);
    expect(cached.size).toBe(wasm.size);
  });
});
