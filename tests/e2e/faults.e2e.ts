// Faults made for real in Chromium, each checked for what the user sees and that nothing saved is lost: storage
// full (a small quota over CDP), folder access withdrawn while jobs run, a catalog copy with a bad checksum, and a
// catalog written by a newer version of the app. `npm test` runs this file with every core busy (scripts/test.mjs).
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, test } from 'vitest';
import { eventually, openApp, statusBar, waitForWriter } from './app';
import { fixtureFiles, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
import { newestSave, slotNames } from './catalog-files';

const folder = 'library';

interface AppCatalog {
  jobCounts(): Promise<{ queued: number; running: number; done: number; failed: number }>;
  listJobs(status: 'failed'): Promise<{ stage: string; error: string | null }[]>;
  flush(): Promise<void>;
  listCollections(): Promise<{ name: string }[]>;
  listLibraries(): Promise<{ name: string }[]>;
  addLibrary(name: string, source: string): Promise<unknown>;
  createCollection(name: string): Promise<unknown>;
}
const inCatalog = <R>(page: Page, fn: (c: AppCatalog) => Promise<R>): Promise<R> =>
  page.evaluate<R>(`(${fn.toString()})(window.framefinder.catalog)`);

/** Each slot file's bytes, base64, by name (null: no such file). */
function slotFiles(page: Page): Promise<Record<string, string | null>> {
  return page.evaluate(async (names) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog', { create: true });
    const out: Record<string, string | null> = {};
    for (const name of names) {
      try {
        const bytes = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        out[name] = btoa(text);
      } catch {
        out[name] = null; // not written yet
      }
    }
    return out;
  }, slotNames);
}

/** The slot holding the newest generation. */
function newestSlot(page: Page): Promise<string> {
  return page.evaluate(async (names) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog');
    let best = { name: names[0], generation: -1 };
    for (const name of names) {
      const handle = await dir.getFileHandle(name).catch(() => null); // a slot is written on the second image
      if (!handle) continue;
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      const generation = bytes.byteLength >= 64 ? new DataView(bytes.buffer).getFloat64(8) : -1;
      if (generation > best.generation) best = { name, generation };
    }
    return best.name;
  }, slotNames);
}

describe('faults', () => {
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
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 60_000).toContain('Scan finished: 6 videos');
  });

  /** Leaves the app for a same-origin page that is not the app (OPFS stays reachable), runs `fn`, comes back. */
  async function whileAway(fn: () => Promise<void>): Promise<void> {
    await page.goto(new URL('icon.svg', app.server.url).href);
    await fn();
    await page.goto(app.server.url);
    await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 30_000 });
  }

  test('storage full: the edit is refused with what to free, nothing saved is damaged, saving resumes', async () => {
    // Processing paused, so only the catalog writes; then a quota just under what the origin already uses.
    await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
    await page.getByRole('button', { name: 'Pause processing' }).click();
    await page.getByRole('button', { name: 'Resume processing' }).waitFor();
    await page.keyboard.press('Escape');
    await inCatalog(page, (c) => c.flush());
    const saved = await slotFiles(page);
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(app.server.url).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage });

    const error = await inCatalog(page, (c) =>
      c.createCollection('Keepers').then(
        () => 'saved',
        (err: Error) => `${err.name}: ${err.message}`,
      ),
    );
    expect(error).toMatch(/^StorageFullError: The browser storage for Framefinder is full\. Free some space/);
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringContaining('Your latest changes are not saved yet. The browser storage for Framefinder is full.'),
    );
    // The catalog still reads, and the copies on disk are the ones saved before.
    expect((await inCatalog(page, (c) => c.listLibraries())).map((l) => l.name)).toEqual([folder]);
    expect(await slotFiles(page)).toEqual(saved);

    // Room is made: the pending edit is saved on the next try, and the warning goes.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await eventually(() => page.getByRole('alert').count(), 30_000).toBe(0);
    await page.reload();
    await waitForWriter(page);
    expect((await inCatalog(page, (c) => c.listCollections())).map((c) => c.name)).toEqual(['Keepers']);
    expect(pageErrors).toEqual([]);
  });

  test('folder access withdrawn while jobs run: they wait for "Reconnect folder", none fails, then all finish', async () => {
    const counts = () => inCatalog(page, (c) => c.jobCounts());
    await eventually(async () => (await counts()).done, 60_000).toBeGreaterThan(0);
    // The page's handles to the folder now refuse, as after the user withdraws access in the browser.
    await page.evaluate(() => {
      const w = window as unknown as { accessWithdrawn: boolean };
      w.accessWithdrawn = true;
      const refuse = () => Promise.reject(new DOMException('Permission withdrawn', 'NotAllowedError'));
      for (const proto of [FileSystemDirectoryHandle.prototype, FileSystemFileHandle.prototype] as object[]) {
        for (const name of ['getFileHandle', 'getDirectoryHandle', 'getFile'] as const) {
          const original = (proto as Record<string, unknown>)[name] as ((...a: unknown[]) => unknown) | undefined;
          if (!original) continue;
          (proto as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
            return w.accessWithdrawn ? refuse() : original.apply(this, args);
          };
        }
      }
      const handle = FileSystemHandle.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const name of ['queryPermission', 'requestPermission']) {
        const original = handle[name];
        handle[name] = function (this: unknown, ...args: unknown[]) {
          return w.accessWithdrawn && name === 'queryPermission'
            ? Promise.resolve('prompt')
            : original.apply(this, args);
        };
      }
    });
    const withdrawnAt = await counts();
    await page.getByRole('button', { name: 'Reconnect folder' }).waitFor({ timeout: 60_000 });
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringContaining('Framefinder lost access to a folder. Click “Reconnect folder” to continue.'),
    );
    await eventually(async () => (await counts()).running, 60_000).toBe(0);
    const waiting = await counts();
    // The fixtures' empty.mp4 fails on its own ("The file is empty"); nothing else may.
    const failedForAccess = async () =>
      (await inCatalog(page, (c) => c.listJobs('failed'))).filter((j) => j.error !== 'The file is empty (0 bytes).');
    expect(await failedForAccess(), 'a job failed for good because access was withdrawn').toEqual([]);
    expect(waiting.queued, 'every job had finished before access was withdrawn').toBeGreaterThan(0);
    expect(waiting.done).toBeGreaterThanOrEqual(withdrawnAt.done);

    // The user allows access again: the rest runs, and nothing failed.
    await page.evaluate(() => ((window as unknown as { accessWithdrawn: boolean }).accessWithdrawn = false));
    await page.getByRole('button', { name: 'Reconnect folder' }).click();
    await eventually(async () => ((c) => c.queued + c.running)(await counts()), 120_000).toBe(0);
    expect(await failedForAccess()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  /** Pauses processing from the Jobs panel; once it says so, no job is still writing to the catalog. */
  async function pauseProcessing(): Promise<void> {
    await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
    await page.getByRole('button', { name: 'Pause processing' }).click();
    await page.getByRole('button', { name: 'Resume processing' }).waitFor();
  }

  test('a saved change with a bad checksum is skipped, said so, and the save before it opens', async () => {
    // Processing paused (and nothing still writing once it says so): the save that adds 'Later' is the newest.
    await pauseProcessing();
    await inCatalog(page, async (c) => {
      await c.addLibrary('Later', 'files');
    });
    const newest = await newestSave(page);
    expect(newest).toMatch(/^changes-/); // a small edit is saved as its changes, not the whole catalog again
    await whileAway(() =>
      page.evaluate(async (name) => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog');
        const handle = await dir.getFileHandle(name);
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        bytes[bytes.length - 10] ^= 0xff; // one flipped byte in the saved changes: the SHA-256 no longer matches
        const writable = await handle.createWritable();
        await writable.write(bytes);
        await writable.close();
      }, newest),
    );
    await eventually(() => page.getByRole('alert').allInnerTexts(), 30_000).toEqual([
      'A damaged copy of the catalog was found and skipped: the last intact save was opened.',
    ]);
    await waitForWriter(page);
    expect((await inCatalog(page, (c) => c.listLibraries())).map((l) => l.name)).toEqual([folder]);
    expect(pageErrors).toEqual([]);
  });

  test('a catalog written by a newer version opens read-only, says so, and is never overwritten', async () => {
    // As above: with jobs still saving, a later save would be the newest copy, and the changed one never opened.
    await pauseProcessing();
    await inCatalog(page, (c) => c.flush());
    const newest = await newestSlot(page);
    // The newest copy, re-signed with SQLite's user_version (the schema version) far in the future.
    await whileAway(() =>
      page.evaluate(async (name) => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('catalog');
        const handle = await dir.getFileHandle(name);
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        const body = bytes.subarray(64);
        new DataView(body.buffer, body.byteOffset).setUint32(60, 999); // the database header's user_version
        bytes.set(new Uint8Array(await crypto.subtle.digest('SHA-256', body)), 24);
        const writable = await handle.createWritable();
        await writable.write(bytes);
        await writable.close();
      }, newest),
    );
    await eventually(() => page.getByRole('alert').allInnerTexts(), 30_000).toContainEqual(
      expect.stringContaining('The saved catalog was written by a newer version of Framefinder (schema 999)'),
    );
    const before = await slotFiles(page);
    // The app does not offer to change it (opening a folder is disabled), and writes are refused with the reason.
    expect(await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).isDisabled()).toBe(true);
    const refused = await inCatalog(page, (c) => c.addLibrary('Mine', 'files').then(String, (e: Error) => e.message));
    expect(refused).toContain('newer version of Framefinder');
    await inCatalog(page, (c) => c.flush());
    expect(await slotFiles(page)).toEqual(before);
    expect(pageErrors).toEqual([]);
  });
});
