// The library as people browse it, in real Chromium: the facets and their counts against the fixtures, facets and
// the name filter together, the view in the URL (reload, back and forward), the keyboard in the grid, tags on a
// selection, a collection, the Trash, and an offline reload. The tests run in order on one imported library.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { videoDate } from '../../src/lib/facets';
import { waitUntil } from '../shared/poll';
import { catalogVideos, eventually, flushCatalog, jobCounts } from './app';
import {
  expectedLibrary,
  fixtureFiles,
  launchBrowser,
  repoRoot,
  seedOpfsFolder,
  startServer,
  stubDirectoryPicker,
  type TestServer,
} from './harness';
import {
  card,
  clickCard,
  facetCounts,
  facetValue,
  filterChips,
  focusedName,
  gridNames,
  pressedValues,
  selectionBar,
  showLibrary,
  summary,
} from './library-helpers';

/** A few files of tests/fixtures/media with what the facets need: 4K, portrait, AV1, VP9, a creation date. */
const mediaNames = ['4k.mp4', 'av1.mkv', 'h264.mp4', 'portrait.mp4', 'vp9.webm'];
/** The media files' modified time: the date they are filed under when their tags have none. */
const mediaModified = new Date('2023-03-15T12:00:00Z');

interface Truth {
  path: string;
  duration: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
}
const extensionLabels: Record<string, string> = { mp4: 'MP4', mov: 'MOV', webm: 'WebM', mkv: 'MKV' };
const codecLabels: Record<string, string> = { h264: 'H.264', vp9: 'VP9', av1: 'AV1' };

/** The counts the sidebar should show for files, worked out from the fixtures' JSON, not from the catalog. */
function expectedFacets(files: Truth[]) {
  const count = (keys: (string | null)[]) => {
    const out: Record<string, number> = {};
    for (const k of keys) if (k) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  const probed = files.filter((f) => f.duration !== null && f.width && f.height);
  return {
    Duration: count(probed.map((f) => (f.duration! < 60 ? '< 1 min' : f.duration! < 300 ? '1–5 min' : '5–20 min'))),
    Resolution: count(probed.map((f) => (Math.min(f.width!, f.height!) >= 2160 ? '4K' : 'SD'))),
    Format: count(
      probed.map((f) => `${extensionLabels[f.path.split('.').pop()!.toLowerCase()]} · ${codecLabels[f.codec!]}`),
    ),
  };
}

const libraryTruth: Truth[] = expectedLibrary();
const mediaTruth: Truth[] = (
  JSON.parse(readFileSync(join(repoRoot, 'tests/fixtures/media.json'), 'utf8')) as (Truth & { videoCodec: string })[]
)
  .filter((t) => mediaNames.includes(t.path))
  .map((t) => ({ ...t, codec: t.videoCodec }));

/** Base names in the library's default order (by path, ignoring case). */
const byPath = (truth: Truth[]) =>
  [...truth]
    .sort((a, b) => a.path.toLowerCase().localeCompare(b.path.toLowerCase()))
    .map((t) => t.path.split('/').pop()!);

describe('library browsing', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let mediaDir: string;
  const libraryNames = byPath(libraryTruth);

  async function home(): Promise<void> {
    await flushCatalog(page);
    await page.goto(server.url);
    await eventually(() => gridNames(page)).toHaveLength(libraryTruth.length + mediaNames.length);
  }

  beforeAll(async () => {
    // The media files from a folder of their own, with a known modified time.
    const dir = mkdtempSync(join(tmpdir(), 'ff-library-'));
    mediaDir = join(dir, 'media');
    mkdirSync(mediaDir);
    for (const name of mediaNames) {
      cpSync(join(repoRoot, 'tests/fixtures/media', name), join(mediaDir, name));
      utimesSync(join(mediaDir, name), mediaModified, mediaModified);
    }
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await stubDirectoryPicker(context, 'library');
    page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await seedOpfsFolder(page, 'library', fixtureFiles());
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await waitUntil(async () => (await catalogVideos(page)).length === 6, 'the first scan');
    await page.getByLabel('Choose a folder of videos').first().setInputFiles(mediaDir);
    await waitUntil(async () => (await catalogVideos(page)).length === 11, 'the second scan');
    await waitUntil(async () => {
      const c = await jobCounts(page);
      return c.queued + c.running === 0;
    }, 'the jobs');
    await flushCatalog(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (mediaDir) rmSync(join(mediaDir, '..'), { recursive: true, force: true });
  });

  test('each facet counts what the fixture library holds', async () => {
    await home();
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
    const want = expectedFacets(libraryTruth);
    await eventually(() => facetCounts(page, 'Format')).toEqual(want.Format);
    expect(want.Format).toEqual({ 'MP4 · H.264': 3, 'MOV · H.264': 1, 'WebM · VP9': 1 }); // the truth, spelled out
    expect(await facetCounts(page, 'Duration')).toEqual(want.Duration);
    expect(await facetCounts(page, 'Resolution')).toEqual(want.Resolution);
    // empty.mp4 has no picture: it failed, and nothing is missing.
    expect(await facetCounts(page, 'Status')).toEqual({ 'Failed files': 1 });
    // Years from the catalog's dates (creation date, else the file's modified time, in UTC).
    const mine = (await catalogVideos(page)).filter((v) => libraryNames.includes(v.name));
    const years: Record<string, number> = {};
    for (const v of mine) {
      const y = String(new Date(videoDate(v)).getUTCFullYear());
      years[y] = (years[y] ?? 0) + 1;
    }
    expect(await facetCounts(page, 'By date')).toEqual(years);
    const folders = page.getByRole('navigation', { name: 'Libraries' });
    expect(await folders.getByRole('button', { name: 'trips, 3 videos' }).count()).toBe(1);
    expect(await folders.getByRole('button', { name: '2024, 2 videos' }).count()).toBe(1);

    await showLibrary(page, 'media');
    await eventually(() => gridNames(page)).toEqual(mediaNames);
    const media = expectedFacets(mediaTruth);
    expect(media.Resolution).toEqual({ '4K': 1, SD: 4 });
    await eventually(() => facetCounts(page, 'Resolution')).toEqual(media.Resolution);
    expect(await facetCounts(page, 'Format')).toEqual(media.Format);
    expect(await facetCounts(page, 'Duration')).toEqual(media.Duration);
    expect(await facetCounts(page, 'Status')).toEqual({});
    // h264.mp4 carries a creation date (June 2021); the others are filed under their modified time.
    expect(await facetCounts(page, 'By date')).toEqual({ '2021': 1, '2023': 4 });
    await page.getByRole('button', { name: 'Months of 2021' }).click();
    expect(await facetCounts(page, 'By date')).toEqual({ '2021': 1, 'June 2021': 1, '2023': 4 });
    await facetValue(page, 'By date', 'June 2021').click();
    await eventually(() => gridNames(page)).toEqual(['h264.mp4']);
  });

  test('facets combine with each other and with the name filter, and the counts follow', async () => {
    await home();
    await showLibrary(page, 'media');
    await eventually(() => gridNames(page)).toEqual(mediaNames);
    await facetValue(page, 'Resolution', 'SD').click();
    await eventually(() => gridNames(page)).toEqual(['av1.mkv', 'h264.mp4', 'portrait.mp4', 'vp9.webm']);
    // A facet's own counts ignore its own selection; the others narrow to it.
    await eventually(() => facetCounts(page, 'Format')).toEqual({ 'MP4 · H.264': 2, 'MKV · AV1': 1, 'WebM · VP9': 1 });
    expect(await facetCounts(page, 'Resolution')).toEqual({ '4K': 1, SD: 4 });

    await facetValue(page, 'Format', 'MP4 · H.264').click();
    await eventually(() => gridNames(page)).toEqual(['h264.mp4', 'portrait.mp4']);
    await eventually(() => facetCounts(page, 'Resolution')).toEqual({ '4K': 1, SD: 2 });
    // Two values of one facet: either one.
    await facetValue(page, 'Format', 'WebM · VP9').click();
    await eventually(() => gridNames(page)).toEqual(['h264.mp4', 'portrait.mp4', 'vp9.webm']);
    await facetValue(page, 'Format', 'WebM · VP9').click();

    await page.getByLabel('Filter videos by name').fill('PORTRAIT');
    await eventually(() => gridNames(page)).toEqual(['portrait.mp4']);
    expect(await summary(page)).toBe('1 video matching “PORTRAIT”');
    expect(await filterChips(page)).toEqual(['Name: “PORTRAIT”', 'SD', 'MP4 · H.264']);
    await page.getByRole('button', { name: 'Remove filter SD' }).click();
    await eventually(() => filterChips(page)).toEqual(['Name: “PORTRAIT”', 'MP4 · H.264']);
    expect(await gridNames(page)).toEqual(['portrait.mp4']);
    expect(await pressedValues(page, 'Resolution')).toEqual([]);

    // Nothing left: say so, and offer the way back.
    await page.getByLabel('Filter videos by name').fill('nothing like this');
    await page.getByText('No videos match these filters.').waitFor();
    await page.getByRole('main').getByRole('button', { name: 'Clear filters' }).first().click();
    await eventually(() => gridNames(page)).toEqual(mediaNames);
    expect(await page.getByLabel('Filter videos by name').inputValue()).toBe('');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('media');
  });

  test('the view lives in the URL: a reload keeps it, back and forward walk through it', async () => {
    await home();
    await showLibrary(page, 'media');
    await eventually(() => gridNames(page)).toEqual(mediaNames);
    await facetValue(page, 'Resolution', 'SD').click();
    await eventually(() => gridNames(page)).toHaveLength(4);
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByRole('button', { name: 'Ascending order' }).click();
    await eventually(() => gridNames(page)).toEqual(['vp9.webm', 'portrait.mp4', 'h264.mp4', 'av1.mkv']);
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'List' }).click();
    const params = new URL(page.url()).searchParams;
    expect(params.getAll('res')).toEqual(['SD']);
    expect(params.get('sort')).toBe('name');
    expect(params.get('order')).toBe('desc');
    expect(params.get('layout')).toBe('list');

    const listNames = () =>
      page
        .getByRole('table', { name: 'Videos' })
        .getByRole('row')
        .evaluateAll((rows) => rows.slice(1).map((r) => r.querySelector('.name')?.firstChild?.textContent?.trim()));
    await page.reload();
    await eventually(listNames).toEqual(['vp9.webm', 'portrait.mp4', 'h264.mp4', 'av1.mkv']);
    const nameHeader = page.getByRole('columnheader', { name: 'Name' });
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await pressedValues(page, 'Resolution')).toEqual(['SD']);
    expect(await page.getByLabel('Sort by').inputValue()).toBe('name');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('media');

    await page.goBack(); // the grid again
    await eventually(() => gridNames(page)).toEqual(['vp9.webm', 'portrait.mp4', 'h264.mp4', 'av1.mkv']);
    await page.goBack(); // ascending
    await eventually(() => gridNames(page)).toEqual(['av1.mkv', 'h264.mp4', 'portrait.mp4', 'vp9.webm']);
    await page.goBack(); // no sort
    await page.goBack(); // no facet
    await eventually(() => gridNames(page)).toEqual(mediaNames);
    expect(await pressedValues(page, 'Resolution')).toEqual([]);
    await page.goBack(); // all videos
    await eventually(() => gridNames(page)).toHaveLength(11);
    for (let i = 0; i < 5; i++) await page.goForward();
    await eventually(listNames).toEqual(['vp9.webm', 'portrait.mp4', 'h264.mp4', 'av1.mkv']);
    expect(await pressedValues(page, 'Resolution')).toEqual(['SD']);

    // The list's columns sort: a click sorts by one, a second click turns the order round.
    // Ties go by name either way, as the catalog orders them.
    const sd = (await catalogVideos(page)).filter((v) =>
      ['av1.mkv', 'h264.mp4', 'portrait.mp4', 'vp9.webm'].includes(v.name),
    );
    const byDuration = (sign: number) =>
      [...sd].sort((a, b) => sign * (a.duration! - b.duration!) || (a.name < b.name ? -1 : 1)).map((v) => v.name);
    await page.getByRole('columnheader', { name: 'Duration' }).getByRole('button').click();
    await eventually(listNames).toEqual(byDuration(1));
    expect(await page.getByRole('columnheader', { name: 'Duration' }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('columnheader', { name: 'Duration' }).getByRole('button').click();
    await eventually(listNames).toEqual(byDuration(-1));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('duration');
  });

  test('the keyboard moves through the grid, selects, and opens the player', async () => {
    await home();
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
    const grid = page.getByRole('grid', { name: 'Videos' });
    const columns = Number(await grid.getAttribute('aria-colcount'));
    expect(columns).toBeGreaterThan(2); // 1280 px wide: 4 columns, so there is a second row below the first
    expect(columns).toBeLessThan(5);
    // One card takes Tab (a roving tabindex); Tab from the layout buttons lands on it.
    expect(await grid.locator('[role=gridcell][tabindex="0"]').count()).toBe(1);
    await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'List' }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe(libraryNames[0]);

    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe(libraryNames[1]);
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe(libraryNames[1 + columns]);
    await page.keyboard.press('Home');
    expect(await focusedName(page)).toBe(libraryNames[columns]);
    await page.keyboard.press('ControlOrMeta+End');
    expect(await focusedName(page)).toBe(libraryNames.at(-1));
    await page.keyboard.press('ControlOrMeta+Home');
    expect(await focusedName(page)).toBe(libraryNames[0]);
    expect(await selectionBar(page).count()).toBe(0);

    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await eventually(() =>
      selectionBar(page)
        .getByText(/selected$/)
        .innerText(),
    ).toBe('3 videos selected');
    expect(await card(page, libraryNames[2]).getAttribute('aria-selected')).toBe('true');
    expect(await card(page, libraryNames[3]).getAttribute('aria-selected')).toBe('false');
    await clickCard(page, libraryNames[4], ['ControlOrMeta']);
    await eventually(() =>
      selectionBar(page)
        .getByText(/selected$/)
        .innerText(),
    ).toBe('4 videos selected');
    await clickCard(page, libraryNames[4], ['ControlOrMeta']);
    await eventually(() =>
      selectionBar(page)
        .getByText(/selected$/)
        .innerText(),
    ).toBe('3 videos selected');
    await clickCard(page, libraryNames[1]);
    await clickCard(page, libraryNames[3], ['Shift']);
    await eventually(() =>
      selectionBar(page)
        .getByText(/selected$/)
        .innerText(),
    ).toBe('3 videos selected');
    expect(await card(page, libraryNames[0]).getAttribute('aria-selected')).toBe('false');
    await page.keyboard.press('Escape');
    await eventually(() => selectionBar(page).count()).toBe(0);

    // Enter plays the focused video; closing the player gives focus back to its card.
    await page.keyboard.press('Enter');
    const player = page.getByRole('dialog', { name: 'Player' });
    await player.waitFor();
    await eventually(() => player.innerText()).toContain(libraryNames[3]);
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'hidden' });
    expect(await focusedName(page)).toBe(libraryNames[3]);
  });

  test('tags: add to several videos with autocomplete, filter by one, rename, remove and delete', async () => {
    await home();
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
    await clickCard(page, 'clouds.webm');
    await clickCard(page, 'sunrise.mp4', ['ControlOrMeta']);
    await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Tags of 2 videos' });
    const field = dialog.getByRole('combobox', { name: 'Add a tag' });
    await field.fill('Beach');
    await field.press('Enter');
    await field.fill('sky');
    await field.press('Enter');
    const onThem = dialog.getByRole('list', { name: 'Tags on these videos' });
    await eventually(() => onThem.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('Beach'),
      expect.stringContaining('sky'),
    ]);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Beach: 2, sky: 2 });

    // Autocomplete from the tags there are.
    await clickCard(page, 'CLIP.MP4');
    await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
    dialog = page.getByRole('dialog', { name: 'Tags of 1 video' });
    await dialog.getByRole('combobox', { name: 'Add a tag' }).fill('bE');
    await dialog.getByRole('option', { name: /^Beach/ }).waitFor();
    await dialog.getByRole('combobox', { name: 'Add a tag' }).press('ArrowDown');
    await dialog.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Beach: 3, sky: 2 });
    await dialog.getByRole('button', { name: 'Done' }).click();

    // On a selection, a tag some of the videos carry says so, and comes off all of them.
    await clickCard(page, 'clouds.webm');
    await clickCard(page, 'CLIP.MP4', ['Shift']);
    await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
    dialog = page.getByRole('dialog', { name: `Tags of ${libraryNames.length} videos` });
    await eventually(() => dialog.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^Beach\s+3 of 6/),
      expect.stringMatching(/^sky\s+2 of 6/),
    ]);
    await dialog.getByRole('button', { name: 'Remove tag “sky”' }).click();
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Beach: 3, sky: 0 });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.keyboard.press('Escape');

    await facetValue(page, 'Tags', 'Beach').click();
    await eventually(() => gridNames(page)).toEqual(['clouds.webm', 'sunrise.mp4', 'CLIP.MP4']);
    await page.getByRole('button', { name: 'Edit tag Beach' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit tag' });
    await edit.getByLabel('Name').fill('Seaside');
    await edit.getByRole('button', { name: 'Rename' }).click();
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Seaside: 3, sky: 0 });
    expect(await filterChips(page)).toEqual(['Tag: Seaside']);
    expect(await gridNames(page)).toEqual(['clouds.webm', 'sunrise.mp4', 'CLIP.MP4']);

    await page.getByRole('button', { name: 'Edit tag sky' }).click();
    await edit.getByRole('button', { name: 'Delete tag' }).click();
    await edit.getByRole('button', { name: 'Delete tag: are you sure?' }).click();
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ Seaside: 3 });
  });

  test('a collection: add from the selection, keep its order, reorder by keyboard, drag and buttons, remove', async () => {
    await home();
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
    await clickCard(page, libraryNames[0]);
    await clickCard(page, libraryNames[2], ['Shift']);
    await selectionBar(page).getByRole('button', { name: 'Add to collection…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add 3 videos to a collection' });
    await dialog.getByLabel('New collection').fill('Picks');
    await dialog.getByRole('button', { name: 'Create and add' }).click();
    await page.getByRole('status').filter({ hasText: '3 videos added to “Picks”' }).waitFor();
    await page.getByRole('button', { name: 'Picks: 3 videos' }).click();
    const [a, b, c] = libraryNames;
    await eventually(() => gridNames(page)).toEqual([a, b, c]);
    expect(await page.getByLabel('Sort by').inputValue()).toBe('');

    await clickCard(page, a);
    await page.keyboard.press('Alt+ArrowRight');
    await eventually(() => gridNames(page)).toEqual([b, a, c]);
    expect(await focusedName(page)).toBe(a);

    await card(page, c).dragTo(card(page, b), { targetPosition: { x: 10, y: 40 } });
    await eventually(() => gridNames(page)).toEqual([c, b, a]);

    await clickCard(page, a);
    await selectionBar(page).getByRole('button', { name: 'Move earlier' }).click();
    await eventually(() => gridNames(page)).toEqual([c, a, b]);

    await clickCard(page, b);
    await selectionBar(page).getByRole('button', { name: 'Remove from collection' }).click();
    await eventually(() => gridNames(page)).toEqual([c, a]);
    await eventually(() => page.getByRole('button', { name: 'Picks: 2 videos' }).count()).toBe(1);
    await flushCatalog(page);
    await page.reload();
    await eventually(() => gridNames(page)).toEqual([c, a]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Picks');
  });

  test('"Remove from library" moves videos to the Trash (with Undo); the Trash restores them', async () => {
    await home();
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
    await clickCard(page, 'beach day.mp4');
    await clickCard(page, 'Café Ünïcode.mov', ['ControlOrMeta']);
    await selectionBar(page).getByRole('button', { name: 'Remove from library' }).click();
    const kept = libraryNames.filter((n) => n !== 'beach day.mp4' && n !== 'Café Ünïcode.mov');
    await eventually(() => gridNames(page)).toEqual(kept);
    const toast = page.getByRole('status').filter({ hasText: '2 videos moved to the Trash' });
    await toast.getByRole('button', { name: 'Undo' }).click();
    await eventually(() => gridNames(page)).toEqual(libraryNames);

    await clickCard(page, 'beach day.mp4');
    await clickCard(page, 'Café Ünïcode.mov', ['ControlOrMeta']);
    await selectionBar(page).getByRole('button', { name: 'Remove from library' }).click();
    await eventually(() => gridNames(page)).toEqual(kept);
    expect(await page.getByRole('button', { name: 'trips, 1 videos' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Trash: 2 videos' }).click();
    await eventually(async () => (await gridNames(page)).sort()).toEqual(['Café Ünïcode.mov', 'beach day.mp4']);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Trash');

    await clickCard(page, 'beach day.mp4');
    await page.keyboard.press('ControlOrMeta+a');
    await eventually(() =>
      selectionBar(page)
        .getByText(/selected$/)
        .innerText(),
    ).toBe('2 videos selected');
    await selectionBar(page).getByRole('button', { name: 'Restore' }).click();
    await page.getByText('The Trash is empty.').waitFor();
    await page.getByRole('button', { name: 'Trash: 0 videos' }).waitFor();
    // The files were never touched.
    const onDisk = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const dir = await (await root.getDirectoryHandle('library')).getDirectoryHandle('trips');
      const year = await dir.getDirectoryHandle('2024');
      const names: string[] = [];
      for await (const name of (year as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names.sort();
    });
    expect(onDisk).toEqual(['Café Ünïcode.mov', 'beach day.mp4']);
    await showLibrary(page, 'library');
    await eventually(() => gridNames(page)).toEqual(libraryNames);
  });

  test('offline, a reload keeps the grid, posters, scrub strips, facets, tags and collections', async () => {
    await home();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    await flushCatalog(page);
    const { port } = server;
    await server.stop();
    try {
      await page.reload();
      await eventually(() => gridNames(page)).toHaveLength(11);
      // Every video with a picture shows its poster (empty.mp4 has none).
      await eventually(() =>
        page.getByRole('grid', { name: 'Videos' }).locator('[role=gridcell] img[src^="blob:"]').count(),
      ).toBe(10);
      await card(page, 'sunrise.mp4').hover({ position: { x: 40, y: 40 } });
      await card(page, 'sunrise.mp4').locator('.scrub').waitFor();
      await eventually(() => facetCounts(page, 'Tags')).toEqual({ Seaside: 3 });
      await facetValue(page, 'Resolution', '4K').click();
      await eventually(() => gridNames(page)).toEqual(['4k.mp4']);
      await page.getByRole('button', { name: 'Picks: 2 videos' }).click();
      await eventually(() => gridNames(page)).toHaveLength(2);
      expect(await page.getByRole('button', { name: 'Trash: 0 videos' }).count()).toBe(1);
    } finally {
      server = await startServer({ port });
    }
  });
});
