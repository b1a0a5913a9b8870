// Importing a folder, as a user does it: through the webkitdirectory input or the folder picker (an OPFS
// folder stands in for it), then browsing, reloading, rescanning after changes on disk, and removing it.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  baseNames,
  catalogVideos,
  eventually,
  flushCatalog,
  importViaInput,
  importViaPicker,
  listedVideos,
  openApp,
  statusBar,
  videoNames,
  waitForJobsIdle,
  waitForWriter,
} from './app';
import {
  expectedLibrary,
  fixtureFiles,
  fixtureLibraryDir,
  removeOpfsFile,
  seedOpfsFolder,
  stubDirectoryPicker,
  useApp,
  writeOpfsFile,
} from './harness';

const expectedNames = baseNames(expectedLibrary().map((v) => v.path));

describe('importing a folder', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  async function newPage(): Promise<Page> {
    context = await app.newContext();
    return context.newPage();
  }

  /** A page whose folder picker returns the OPFS folder "library", seeded with the fixture files. */
  async function pickerPage(): Promise<Page> {
    const page = await newPage();
    await stubDirectoryPicker(page, 'library');
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'library', fixtureFiles());
    return page;
  }

  test('"Choose folder" lists exactly the fixture videos, with folder counts, folder and name filters', async () => {
    const page = await newPage();
    await openApp(page, app.server.url);
    await importViaInput(page, fixtureLibraryDir);

    expect(await statusBar(page).innerText()).toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    expect(expectedNames).not.toContain('notes.txt');
    await eventually(() => page.getByText(/^6 videos$/).count()).toBe(1);

    const nav = page.getByRole('navigation', { name: 'Libraries' });
    expect(await nav.getByRole('button', { name: /^All videos\s*6$/ }).count()).toBe(1);
    const lib = nav.getByRole('region', { name: 'library' });
    expect(await lib.getByRole('button', { name: /^library\s*6$/ }).count()).toBe(1);
    expect(await lib.getByRole('button', { name: 'trips, 3 videos' }).count()).toBe(1);
    expect(await lib.getByRole('button', { name: '2024, 2 videos' }).count()).toBe(1);

    await lib.getByRole('button', { name: '2024, 2 videos' }).click();
    await eventually(() => videoNames(page)).toEqual(['Café Ünïcode.mov', 'beach day.mp4']);
    await eventually(() => page.getByText(/^2 videos$/).count()).toBe(1);

    await nav.getByRole('button', { name: /^All videos/ }).click();
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    await page.getByRole('searchbox', { name: 'Filter videos by name' }).fill('clip');
    await eventually(() => videoNames(page)).toEqual(['CLIP.MP4']);
    await eventually(() => page.getByText('1 video matching “clip”').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Filter videos by name' }).fill('.mp4');
    await eventually(() => videoNames(page)).toEqual(['CLIP.MP4', 'beach day.mp4', 'empty.mp4', 'sunrise.mp4']);
  });

  test('the name filter ignores case in non-ASCII names too', async () => {
    const page = await newPage();
    await openApp(page, app.server.url);
    await importViaInput(page, fixtureLibraryDir);
    const search = page.getByRole('searchbox', { name: 'Filter videos by name' });
    // ASCII case folding works: "CAFÉ" is typed in capitals except for the É the name also has.
    await search.fill('CAFé');
    await eventually(() => videoNames(page)).toEqual(['Café Ünïcode.mov']);
    // The name has "Ünïcode" with a capital Ü; a user typing it in lower case must still find it.
    await search.fill('ünïcode');
    await eventually(() => videoNames(page), 3000).toEqual(['Café Ünïcode.mov']);
  });

  test('"Open folder" lists the fixture videos; after a reload the same catalog shows, still connected', async () => {
    const page = await pickerPage();
    await importViaPicker(page);
    expect(await statusBar(page).innerText()).toContain('Scan finished: 6 videos (6 new, 0 changed, 0 unchanged)');
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    const before = (await catalogVideos(page)).map((v) => [v.id, v.path]);
    expect(before.map(([, path]) => path).sort()).toEqual(
      expectedLibrary()
        .map((v) => v.path)
        .sort(),
    );
    // The app saves a moment after each change; the next test covers a reload inside that moment.
    await flushCatalog(page);

    await page.reload();
    await waitForWriter(page);
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    expect((await catalogVideos(page)).map((v) => [v.id, v.path])).toEqual(before);
    const lib = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'library' });
    expect(await lib.getByRole('button', { name: /^library\s*6$/ }).count()).toBe(1);
    // OPFS handles keep their permission: no reconnect prompt, rescanning is possible right away.
    expect(await page.getByText('Reconnect folder').count()).toBe(0);
    expect(await lib.getByRole('button', { name: 'Rescan library' }).isEnabled()).toBe(true);
    // Nothing was rescanned and the picker was not asked again.
    expect(await statusBar(page).innerText()).not.toContain('Scan');
    expect(
      await page.evaluate(() => (window as unknown as { __directoryPickerCalls: number }).__directoryPickerCalls),
    ).toBe(0);
  });

  test('a reload right after "Scan finished" keeps the library', async () => {
    const page = await pickerPage();
    await importViaPicker(page);
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    // The user saw the finished scan and its list; reloading now must not lose them.
    await page.reload();
    await waitForWriter(page);
    await eventually(() => videoNames(page), 5000).toEqual(expectedNames);
  });

  test('a rescan finds new, changed, moved and deleted files; a moved file keeps its catalog entry', async () => {
    const page = await pickerPage();
    await importViaPicker(page);
    await waitForJobsIdle(page); // every video has its quick hash: moves can be recognised
    const before = await catalogVideos(page);
    expect(before.every((v) => v.quickHash)).toBe(true);
    const idOf = (videos: typeof before, path: string) => videos.find((v) => v.path === path)?.id;

    const bytes = new Map(fixtureFiles().map((f) => [f.path, f.bytes]));
    await writeOpfsFile(page, 'library', 'sunrise copy.mp4', bytes.get('sunrise.mp4')!); // new
    await writeOpfsFile(page, 'library', 'trips/CLIP.MP4', bytes.get('trips/CLIP.MP4')!.subarray(0, 9000)); // changed
    await removeOpfsFile(page, 'library', 'clouds.webm'); // deleted
    await writeOpfsFile(page, 'library', 'archive/beach day.mp4', bytes.get('trips/2024/beach day.mp4')!); // moved
    await removeOpfsFile(page, 'library', 'trips/2024/beach day.mp4');

    const lib = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'library' });
    await lib.getByRole('button', { name: 'Rescan library' }).click();
    await eventually(() => statusBar(page).innerText(), 20_000).toContain(
      'Scan finished: 6 videos (1 new, 1 changed, 3 unchanged, 1 moved, 1 missing)',
    );

    // The new and changed files are processed; empty.mp4 (0 bytes) and the cut CLIP.MP4 (its first 9000 bytes,
    // without the index at the end of the file) are not videos that can be read, and say so.
    await waitForJobsIdle(page);
    await eventually(() => listedVideos(page)).toEqual([
      { name: 'beach day.mp4', folder: 'archive', badges: [] },
      { name: 'clouds.webm', folder: '—', badges: ['Missing'] },
      { name: 'empty.mp4', folder: '—', badges: ['Failed'] },
      { name: 'sunrise copy.mp4', folder: '—', badges: [] },
      { name: 'sunrise.mp4', folder: '—', badges: [] },
      { name: 'Café Ünïcode.mov', folder: 'trips/2024', badges: [] },
      { name: 'CLIP.MP4', folder: 'trips', badges: ['Failed'] },
    ]);
    expect(await lib.getByRole('button', { name: 'archive, 1 videos' }).count()).toBe(1);
    expect(await lib.getByRole('button', { name: 'trips, 2 videos' }).count()).toBe(1);
    expect(await lib.getByRole('button', { name: '2024, 1 videos' }).count()).toBe(1);

    const after = await catalogVideos(page);
    expect(idOf(after, 'archive/beach day.mp4')).toBe(idOf(before, 'trips/2024/beach day.mp4'));
    expect(idOf(after, 'trips/2024/beach day.mp4')).toBeUndefined();
    expect(idOf(after, 'trips/CLIP.MP4')).toBe(idOf(before, 'trips/CLIP.MP4'));
    expect(after.find((v) => v.path === 'trips/CLIP.MP4')?.size).toBe(9000);
    expect(after.find((v) => v.path === 'clouds.webm')?.missing).toBe(true);
    expect(after.find((v) => v.path === 'sunrise copy.mp4')?.missing).toBe(false);
    expect(after).toHaveLength(7);
  });

  test('removing a library empties the list and leaves the files on disk alone', async () => {
    const page = await pickerPage();
    await importViaPicker(page);
    await eventually(() => videoNames(page)).toEqual(expectedNames);

    const lib = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'library' });
    await lib.getByRole('button', { name: 'Remove library' }).click();
    const confirm = page.getByRole('dialog', { name: /Remove “library”/ });
    await confirm.getByRole('button', { name: 'Remove library' }).click();

    await page.getByText(/Open a folder of videos/).waitFor();
    expect(await page.getByRole('table', { name: 'Videos' }).count()).toBe(0);
    expect(await lib.count()).toBe(0);
    expect(await catalogVideos(page)).toEqual([]);

    const onDisk = await page.evaluate(async () => {
      const paths: string[] = [];
      const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
        for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
          if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
          else paths.push(`${prefix}${name}:${(await (handle as FileSystemFileHandle).getFile()).size}`);
        }
      };
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle('library'), '');
      return paths.sort();
    });
    expect(onDisk).toEqual(
      fixtureFiles()
        .map((f) => `${f.path}:${f.bytes.byteLength}`)
        .sort(),
    );
  });

  test('removing asks first: "Cancel" keeps the library', async () => {
    const page = await pickerPage();
    await importViaPicker(page);
    const lib = page.getByRole('navigation', { name: 'Libraries' }).getByRole('region', { name: 'library' });
    await lib.getByRole('button', { name: 'Remove library' }).click();
    const confirm = page.getByRole('dialog', { name: /Remove “library”/ });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => confirm.isVisible()).toBe(false);
    await eventually(() => videoNames(page)).toEqual(expectedNames);
    expect(await catalogVideos(page)).toHaveLength(6);
  });
});
