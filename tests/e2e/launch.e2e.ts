// The installed app as the operating system reaches it (issue 17): a screenshot shared to Framefinder is searched,
// a video opened with it asks "search for it, or add it", and the manifest's shortcuts put the focus on their
// button. The launches are delivered as Chromium delivers them: the share sheet POSTs a multipart form to the
// share_target action (handled by the real service worker), and File Handling hands FileSystemFileHandles to
// `window.launchQueue` (set up here before the app loads, since a test browser is not an installed app).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { eventually } from './app';
import { useApp, writeOpfsFile } from './harness';
import { grabFrame, openSearchLibrary, searchLibraryDir, secondsIn, shownHits } from './search-helpers';

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

/** What the system share sheet sends: a multipart POST of the file to the manifest's share_target action. */
async function shareFile(page: Page, file: { base64: string; name: string; type: string }): Promise<void> {
  await page.evaluate(({ base64, name, type }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const form = Object.assign(document.createElement('form'), {
      method: 'POST',
      action: './share',
      enctype: 'multipart/form-data',
    });
    const input = Object.assign(document.createElement('input'), { type: 'file', name: 'media' });
    const list = new DataTransfer();
    list.items.add(new File([bytes], name, { type }));
    input.files = list.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  }, file);
}

describe('share and open with Framefinder', () => {
  const app = useApp();

  test('a shared screenshot is searched; an opened video asks, then is searched for or added', async () => {
    const { context, page, pageErrors } = await openSearchLibrary(app);
    await waitForServiceWorker(page);

    // Share: the service worker takes the POST, the app opens on its results.
    const frame = await grabFrame(page, 'desert.mp4', 6.24);
    await shareFile(page, { base64: frame.base64, name: 'shared screenshot.png', type: 'image/png' });
    await page.waitForURL((url) => url.search === '' && url.pathname === '/');
    const hits = await shownHits(page, 60_000);
    expect(hits[0].name).toBe('desert.mp4');
    expect(Math.abs(secondsIn(hits[0].times[0]) - frame.time)).toBeLessThanOrEqual(1);
    expect(await page.getByRole('region', { name: 'Search results' }).innerText()).toContain('shared screenshot.png');
    // The shared file is not kept once the page has it.
    expect(await page.evaluate(async () => (await (await caches.open('framefinder-shared')).keys()).length)).toBe(0);
    await page.getByRole('button', { name: 'Close search results' }).click();

    // Open with: a video from the library, handed over by launchQueue at the next start.
    await writeOpfsFile(page, 'opened', 'desert copy.mp4', readFileSync(join(searchLibraryDir, 'desert.mp4')));
    await context.addInitScript(() => {
      if (!sessionStorage.getItem('launch')) return;
      sessionStorage.removeItem('launch');
      Object.defineProperty(window, 'launchQueue', {
        value: {
          setConsumer(consume: (p: { files: FileSystemHandle[] }) => void) {
            void navigator.storage
              .getDirectory()
              .then((root) => root.getDirectoryHandle('opened'))
              .then((dir) => dir.getFileHandle('desert copy.mp4'))
              .then((handle) => consume({ files: [handle] }));
          },
        },
      });
    });
    const launch = async () => {
      await page.evaluate(() => sessionStorage.setItem('launch', '1'));
      await page.reload();
      const dialog = page.getByRole('dialog', { name: 'Opened “desert copy.mp4”' });
      await dialog.waitFor({ timeout: 20_000 });
      return dialog;
    };
    let dialog = await launch();
    await dialog.getByRole('button', { name: 'Search for it' }).click();
    const clipHits = await shownHits(page, 120_000);
    expect(clipHits[0].name).toBe('desert.mp4');
    await page.getByRole('button', { name: 'Close search results' }).click();

    dialog = await launch();
    await dialog.getByRole('button', { name: 'Add to library' }).click();
    const opened = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'Opened files' });
    await opened.waitFor({ timeout: 20_000 });
    await opened.locator('button.view').click();
    await eventually(
      () => page.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label'))),
      20_000,
    ).toEqual(['desert copy.mp4']);
    expect(pageErrors).toEqual([]);
  });

  test('the manifest offers share, open with and shortcuts; a shortcut focuses its button', async () => {
    const context = await app.newContext();
    const page = await context.newPage();
    const manifest = await (await fetch(new URL('manifest.webmanifest', app.server.url))).json();
    expect(manifest.share_target).toMatchObject({ action: './share', method: 'POST', enctype: 'multipart/form-data' });
    const opens = Object.values(manifest.file_handlers[0].accept as Record<string, string[]>).flat();
    expect(opens.sort()).toEqual(['.jpeg', '.jpg', '.mkv', '.mov', '.mp4', '.png', '.webm', '.webp']);
    expect(manifest.launch_handler.client_mode[0]).toBe('focus-existing');
    expect(manifest.shortcuts.map((s: { name: string }) => s.name)).toEqual(['Search by image', 'Open folder']);

    await page.goto(new URL('./?action=search-image', app.server.url).href);
    await eventually(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Search by image or clip',
    );
    expect(new URL(page.url()).search).toBe(''); // a reload does not run the shortcut again
    await page.goto(new URL('./?action=open-folder', app.server.url).href);
    await eventually(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Open folder');
  });
});
