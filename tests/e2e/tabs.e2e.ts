// Two tabs of the app on one profile: one writes, the other is read-only, follows the writer's saves and
// takes over when the writer closes, and nothing either tab did is lost.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import {
  expectedLibrary,
  fixtureFiles,
  fixtureLibraryDir,
  seedOpfsFolder,
  stubDirectoryPicker,
  useApp,
  writeOpfsFile,
} from './harness';

import { videoNames } from './app';

type TabWindow = FramefinderWindow & { tabMarker?: string };

/** The OPFS folder "Open folder" returns; the library takes its name. */
const folder = 'Home videos';
const baseNames = (paths: string[]) => paths.map((p) => p.split('/').pop() ?? p);
const fixturePaths = expectedLibrary().map((v) => v.path);
const readOnlyNotice = /^\s*Read-only: Framefinder is open in another tab/;

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

async function statusText(page: Page): Promise<string> {
  return (await page.getByRole('contentinfo').getByRole('status').textContent()) ?? '';
}

async function shownNames(page: Page): Promise<string[]> {
  // The Name column by its header (the table has a poster column first), without badges or reasons.
  return videoNames(page);
}

function role(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.state.catalog.role);
}

async function noticeCount(page: Page): Promise<number> {
  const texts = await page.getByRole('alert').allTextContents();
  return texts.filter((t) => readOnlyNotice.test(t)).length;
}

/** Whether each of the buttons that change the catalog is disabled, by name. */
async function changeButtonsDisabled(page: Page, libraries: string[]): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {
    'Open folder': await page.getByRole('button', { name: 'Open folder' }).first().isDisabled(),
    'Choose folder': await page.getByRole('button', { name: 'Choose folder' }).first().isDisabled(),
  };
  for (const name of libraries) {
    out[`Rescan ${name}`] = await page.getByRole('button', { name: `Rescan ${name}` }).isDisabled();
    out[`Remove ${name}`] = await page.getByRole('button', { name: `Remove ${name}` }).isDisabled();
  }
  return out;
}

function flush(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.flush());
}

const all = (names: string[], value: boolean) => Object.fromEntries(names.map((n) => [n, value]));

describe('tabs', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  test('a second tab is read-only, follows the writer, takes over when it closes, and nothing is lost', async () => {
    context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const pageErrors: string[] = [];
    context.on('weberror', (e) => pageErrors.push(e.error().message));

    // Tab A imports the fixtures.
    const a = await context.newPage();
    await openApp(a, app.server.url);
    expect(await role(a)).toBe('writer');
    await seedOpfsFolder(a, folder, fixtureFiles());
    await a.getByRole('button', { name: 'Open folder' }).first().click();
    await expect
      .poll(() => statusText(a), { timeout: 20_000 })
      .toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
    // On disk before B opens, so B starts out knowing the library (the other order is the next test).
    await flush(a);

    // Tab B opens: read-only, same videos, nothing that changes the catalog is enabled.
    const b = await context.newPage();
    await openApp(b, app.server.url);
    await b.evaluate(() => void ((window as unknown as TabWindow).tabMarker = 'B, first load'));
    expect(await role(b)).toBe('reader');
    await expect.poll(() => noticeCount(b)).toBe(1);
    await expect.poll(() => shownNames(b)).toEqual(baseNames(fixturePaths).sort());
    const buttons = ['Open folder', 'Choose folder', `Rescan ${folder}`, `Remove ${folder}`];
    expect(await changeButtonsDisabled(b, [folder])).toEqual(all(buttons, true));
    expect(await noticeCount(a)).toBe(0);
    expect(await changeButtonsDisabled(a, [folder])).toEqual(all(buttons, false));
    // The worker refuses writes from the read-only tab too, not only the buttons.
    await expect(
      b.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.addLibrary('sneaky', 'files')),
    ).rejects.toThrow();

    // A finds a new file; B shows it without a reload.
    await writeOpfsFile(a, folder, 'new/sunrise copy.mp4', fixtureFiles().find((f) => f.path === 'sunrise.mp4')!.bytes);
    await a.getByRole('button', { name: `Rescan ${folder}` }).click();
    await expect
      .poll(() => statusText(a), { timeout: 20_000 })
      .toContain('Scan finished: 7 videos (1 new, 0 changed, 6 unchanged)');
    await expect
      .poll(() => shownNames(b), { timeout: 10_000 })
      .toEqual([...baseNames(fixturePaths), 'sunrise copy.mp4'].sort());
    await expect.poll(() => b.getByRole('button', { name: 'new, 1 videos' }).count()).toBe(1);
    expect(await b.evaluate(() => (window as unknown as TabWindow).tabMarker)).toBe('B, first load');

    // A closes: B takes over as the writer.
    await a.close();
    await expect.poll(() => role(b), { timeout: 10_000 }).toBe('writer');
    await expect.poll(() => noticeCount(b)).toBe(0);
    expect(await changeButtonsDisabled(b, [folder])).toEqual(all(buttons, false));
    expect(await b.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.isWriter())).toBe(true);

    // B imports a second library (the webkitdirectory way) and reloads as soon as it shows.
    await b.getByLabel('Choose a folder of videos').first().setInputFiles(fixtureLibraryDir);
    await expect
      .poll(() => statusText(b), { timeout: 20_000 })
      .toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
    await expect.poll(() => shownNames(b)).toHaveLength(13);
    await b.reload();
    await b.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });

    const expectedNames = [...baseNames(fixturePaths), 'sunrise copy.mp4', ...baseNames(fixturePaths)].sort();
    await expect.poll(() => shownNames(b)).toEqual(expectedNames);
    await expect.poll(() => b.getByText('13 videos', { exact: true }).count()).toBe(1);
    expect(await b.getByRole('region', { name: folder }).count()).toBe(1);
    expect(await b.getByRole('region', { name: 'library' }).count()).toBe(1);
    expect(await b.getByRole('button', { name: 'new, 1 videos' }).count()).toBe(1);
    const catalog = await b.evaluate(async () => {
      const { catalog } = (window as unknown as FramefinderWindow).framefinder;
      const libraries = await catalog.listLibraries();
      const videos = await catalog.listVideos({});
      const names = new Map(libraries.map((l) => [l.id, l.name]));
      return {
        libraries: libraries.map((l) => [l.name, l.videoCount]),
        videos: videos.map((v) => `${names.get(v.libraryId)}/${v.path}`).sort(),
      };
    });
    expect(catalog.libraries).toEqual([
      [folder, 7],
      ['library', 6],
    ]);
    expect(catalog.videos).toEqual(
      [
        ...fixturePaths.map((p) => `${folder}/${p}`),
        `${folder}/new/sunrise copy.mp4`,
        ...fixturePaths.map((p) => `library/${p}`),
      ].sort(),
    );
    expect(await role(b)).toBe('writer');
    expect(pageErrors).toEqual([]);
  });

  test('a tab that takes over can rescan a library the writer added while it was open', async () => {
    context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const a = await context.newPage();
    await openApp(a, app.server.url);
    const b = await context.newPage();
    await openApp(b, app.server.url);
    expect(await role(b)).toBe('reader');

    // A imports while B is already open; B follows.
    await seedOpfsFolder(a, folder, fixtureFiles());
    await a.getByRole('button', { name: 'Open folder' }).first().click();
    await expect
      .poll(() => statusText(a), { timeout: 20_000 })
      .toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
    await expect.poll(() => shownNames(b), { timeout: 10_000 }).toEqual(baseNames(fixturePaths).sort());
    await flush(a);
    await a.close();

    // B is the writer now: the library's folder is as readable for it as it was for A.
    await expect.poll(() => role(b), { timeout: 10_000 }).toBe('writer');
    await expect.poll(() => noticeCount(b)).toBe(0);
    const rescan = b.getByRole('button', { name: `Rescan ${folder}` });
    const message = `"Rescan ${folder}" stays disabled in the tab that became the writer`;
    await expect.poll(() => rescan.isEnabled(), { timeout: 5_000, message }).toBe(true);
    await writeOpfsFile(b, folder, 'later.mp4', fixtureFiles().find((f) => f.path === 'sunrise.mp4')!.bytes);
    await rescan.click();
    await expect
      .poll(() => statusText(b), { timeout: 20_000 })
      .toContain('Scan finished: 7 videos (1 new, 0 changed, 6 unchanged)');
    await expect.poll(() => shownNames(b)).toEqual([...baseNames(fixturePaths), 'later.mp4'].sort());
  });
});
