// Keeping access to a folder across visits (issue 17, item 4). Chromium keeps a folder's read permission for the
// next visits once the user picks "Allow on every visit" in the prompt that `requestPermission` shows for a stored
// handle; it offers that choice when the page asks, in a click, for the same mode the picker was opened with. The
// app's side, tested here: it opens the picker and asks again for 'read' only, asks only from the user's click on
// "Reconnect folder" (never on load), and on a visit where the browser already answers 'granted' it needs no click.
// Headless Chromium shows no permission prompt, so the browser's answers are played by an init script: 'prompt' at
// the start of a visit until the user has allowed it on every visit, 'granted' after.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { eventually, flushCatalog, importViaPicker, openApp, statusBar, waitForWriter } from './app';
import { fixtureFiles, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';

interface PermissionLog {
  /** The options each showDirectoryPicker call got. */
  picker: { mode?: string }[];
  /** Each requestPermission call on this visit: its mode, and whether a user's click was behind it. */
  asked: { mode?: string; byClick: boolean }[];
}

const log = (page: Page) => page.evaluate(() => (window as unknown as { __permissions: PermissionLog }).__permissions);

describe('keeping access to a folder', () => {
  const app = useApp();

  test('a returning user clicks "Reconnect folder" once; allowed on every visit, the next visit needs no click', async () => {
    const context = await app.newContext();
    const page = await context.newPage();
    await stubDirectoryPicker(page, 'library');
    await page.addInitScript(() => {
      const w = window as unknown as {
        __permissions: PermissionLog;
        showDirectoryPicker(o?: { mode?: string }): Promise<FileSystemDirectoryHandle>;
      };
      const permissions: PermissionLog = { picker: [], asked: [] };
      w.__permissions = permissions;
      let grantedThisVisit = false;
      const everyVisit = () => localStorage.getItem('test:allowed-on-every-visit') === 'yes';
      const picker = w.showDirectoryPicker;
      w.showDirectoryPicker = (options) => {
        permissions.picker.push({ ...options });
        grantedThisVisit = true; // picking a folder grants access for this visit
        return picker(options);
      };
      const proto = FileSystemHandle.prototype as unknown as Record<string, unknown>;
      proto.queryPermission = async () => (grantedThisVisit || everyVisit() ? 'granted' : 'prompt');
      proto.requestPermission = async (descriptor?: { mode?: string }) => {
        permissions.asked.push({ mode: descriptor?.mode, byClick: navigator.userActivation.isActive });
        if (!navigator.userActivation.isActive) return 'prompt'; // Chromium shows no prompt without a click
        grantedThisVisit = true;
        localStorage.setItem('test:allowed-on-every-visit', 'yes'); // the user picks "Allow on every visit"
        return 'granted';
      };
    });
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'library', fixtureFiles());
    await importViaPicker(page);
    expect((await log(page)).picker).toEqual([{ id: 'framefinder', mode: 'read' }]);
    await flushCatalog(page);

    // The next visit: the browser has not kept the permission, so the sidebar offers "Reconnect folder"; the app
    // did not ask on its own.
    await page.reload();
    await waitForWriter(page);
    const reconnect = page
      .getByRole('navigation', { name: 'Libraries' })
      .getByRole('button', { name: 'Reconnect folder' });
    await reconnect.waitFor();
    expect((await log(page)).asked).toEqual([]);
    await reconnect.click();
    // The click's handler asks once its own awaits are done, not necessarily before click() returns.
    await eventually(async () => (await log(page)).asked).toEqual([{ mode: 'read', byClick: true }]);
    await eventually(() => statusBar(page).innerText(), 20_000).toContain(
      'Scan finished: 6 videos (0 new, 0 changed, 6 unchanged)',
    );
    expect(await page.getByText('Reconnect folder').count()).toBe(0);

    // The visit after: the browser answers 'granted' by itself, and the library is usable with no click.
    await page.reload();
    await waitForWriter(page);
    const lib = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'library' });
    await eventually(() => lib.getByRole('button', { name: 'Rescan library' }).isEnabled()).toBe(true);
    expect(await page.getByText('Reconnect folder').count()).toBe(0);
    expect((await log(page)).asked).toEqual([]);
    // And the folder is really read: a rescan runs and finds every video unchanged.
    await lib.getByRole('button', { name: 'Rescan library' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toContain(
      'Scan finished: 6 videos (0 new, 0 changed, 6 unchanged)',
    );
    await context.close();
  });
});
