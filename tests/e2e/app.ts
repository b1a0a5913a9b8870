// Helpers for specs that drive the app's UI: open it, import a folder, read the video list and the
// Jobs panel the way a user sees them, and ask the catalog worker (window.framefinder) for exact state.
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Job, JobCounts, JobStatus, Video } from '../../src/lib/types';

/** `expect.poll` with room for the app's workers (its default gives up after 1 s). */
export function eventually<T>(fn: () => Promise<T> | T, timeout = 10_000) {
  return expect.poll(fn, { timeout, interval: 100 });
}

/** Saves the catalog now, as the app does on its own a moment after each change. */
export async function flushCatalog(page: Page): Promise<void> {
  // The handle appears once the app has started, which can be after the grid shows (a reload just before).
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 30_000 });
  await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.flush());
}

/** Loads the app and waits until this tab holds the catalog for writing (buttons are enabled then). */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForWriter(page);
}

export async function waitForWriter(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as Partial<FramefinderWindow>).framefinder?.state.catalog.role === 'writer',
    undefined,
    {
      timeout: 20_000,
    },
  );
}

/** Every video in the catalog, as `framefinder.catalog.listVideos({})` returns it. */
export function catalogVideos(page: Page): Promise<Video[]> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.listVideos({}));
}

export function jobCounts(page: Page): Promise<JobCounts> {
  return page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.catalog.jobCounts());
}

export function catalogJobs(page: Page, status: JobStatus): Promise<Job[]> {
  return page.evaluate((s) => (window as unknown as FramefinderWindow).framefinder.catalog.listJobs(s), status);
}

/** Waits until no job is queued or running. */
export async function waitForJobsIdle(page: Page, timeout = 30_000): Promise<void> {
  await eventually(async () => {
    const c = await jobCounts(page);
    return c.queued + c.running;
  }, timeout).toBe(0);
}

/** The footer's status line ("Scan finished: …", "Processing: …"). */
export function statusBar(page: Page): Locator {
  return page.getByRole('contentinfo').getByRole('status');
}

export async function waitForScan(page: Page, timeout = 20_000): Promise<string> {
  await eventually(() => statusBar(page).innerText(), timeout).toMatch(/Scan finished:/);
  return statusBar(page).innerText();
}

/** "Choose folder": picks tests/fixtures/library through the webkitdirectory input, then waits for the scan. */
export async function importViaInput(page: Page, dir: string): Promise<void> {
  await page.getByLabel('Choose a folder of videos').first().setInputFiles(dir);
  await waitForScan(page);
}

/** "Open folder" in the header (showDirectoryPicker must be stubbed), then waits for the scan. */
export async function importViaPicker(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
  await waitForScan(page);
}

export interface ListedVideo {
  name: string;
  folder: string;
  /** "Missing" / "Failed" badges shown after the name. */
  badges: string[];
}

/**
 * Shows the library as a list, the table these helpers read (the grid is the default layout). The layout goes in
 * the URL, so it stays through reloads.
 */
export async function showList(page: Page): Promise<void> {
  const list = page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'List' });
  if ((await list.count()) > 0 && (await list.getAttribute('aria-pressed')) !== 'true') await list.click();
}

/** The rows of the Videos table as shown, in display order (the fixture lists fit on one screen). */
export async function listedVideos(page: Page): Promise<ListedVideo[]> {
  await showList(page);
  const rows = page.getByRole('table', { name: 'Videos' }).getByRole('row');
  const shown = await rows.evaluateAll((elements) =>
    elements
      .filter((row) => row.querySelector('[role=cell]'))
      .map((row) => {
        // Cells by column header, so the table can gain columns (poster, duration …) without breaking this.
        const headers = [...(row.closest('[role=table]')?.querySelectorAll('[role=columnheader]') ?? [])].map(
          (h) => h.textContent?.trim() ?? '',
        );
        const cells = [...row.querySelectorAll('[role=cell]')];
        const nameCell = cells[headers.indexOf('Name')];
        const folderCell = cells[headers.indexOf('Folder')];
        const name = [...nameCell.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
        return {
          index: Number(row.getAttribute('aria-rowindex')),
          name,
          folder: folderCell?.textContent?.trim() ?? '',
          badges: [...nameCell.querySelectorAll('span')].map((s) => s.textContent?.trim() ?? ''),
        };
      }),
  );
  return shown.sort((a, b) => a.index - b.index).map(({ name, folder, badges }) => ({ name, folder, badges }));
}

/** The names in the Videos table, sorted, once no row is still "Loading…". */
export async function videoNames(page: Page): Promise<string[]> {
  return (await listedVideos(page)).map((v) => v.name).sort();
}

/** Opens the Jobs panel from the header and returns its dialog. */
export async function openJobs(page: Page): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name: /^Jobs/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Jobs' });
  await dialog.waitFor();
  return dialog;
}

export type JobSection = 'Running' | 'Queued' | 'Failed' | 'Finished' | 'Cancelled';

export function jobSection(dialog: Locator, section: JobSection): Locator {
  return dialog.getByRole('region', { name: section });
}

/** Video names of the jobs listed in one section of the Jobs panel, sorted. */
export async function jobNames(dialog: Locator, section: JobSection): Promise<string[]> {
  const names = await jobSection(dialog, section)
    .getByRole('listitem')
    .evaluateAll((items) => items.map((li) => li.querySelector('span')?.textContent?.trim() ?? ''));
  return names.sort();
}

/** The count shown in a section's heading ("Finished 6" → 6). */
export async function jobSectionCount(dialog: Locator, section: JobSection): Promise<number> {
  const heading = await jobSection(dialog, section).getByRole('heading').innerText();
  const match = /(\d[\d,]*)\s*$/.exec(heading);
  return match ? Number(match[1].replace(/,/g, '')) : NaN;
}

/** Sorted base names of the fixture videos (library.json paths). */
export function baseNames(paths: string[]): string[] {
  return paths.map((p) => p.split('/').pop()!).sort();
}

/** Stage names as the Jobs panel shows them, by stage id: the stages a scan queues (not speech to text). */
export const stageLabels = {
  checksum: 'Checksum',
  probe: 'Metadata',
  sidecars: 'Subtitle files',
  poster: 'Poster',
  scenes: 'Scenes',
  frames: 'Frames for search',
  subtitles: 'Subtitle tracks',
  embeddings: 'Word search',
  'suggested-tags': 'Suggested tags',
} as const;

export interface ListedJob {
  /** "sunrise.mp4 · Metadata": the video and the stage, as the row shows them. */
  label: string;
  /** The row's error line ('' when none), e.g. "Skipped: probe failed". */
  error: string;
}

/** The rows of one section of the Jobs panel, sorted by label. */
export async function jobRows(dialog: Locator, section: JobSection): Promise<ListedJob[]> {
  const rows = await jobSection(dialog, section)
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((li) => {
        const [name, stage] = [...li.querySelectorAll('span')].map((s) => s.textContent?.trim() ?? '');
        return { label: `${name} · ${stage}`, error: li.querySelector('p')?.textContent?.trim() ?? '' };
      }),
    );
  return rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** Just the labels of `jobRows`, sorted. */
export async function jobLabels(dialog: Locator, section: JobSection): Promise<string[]> {
  return (await jobRows(dialog, section)).map((r) => r.label);
}

/** "name · Stage" labels for every stage of each of `names`, sorted like `jobLabels`. */
export function stageLabelsOf(
  names: string[],
  stages: (keyof typeof stageLabels)[] = Object.keys(stageLabels) as (keyof typeof stageLabels)[],
): string[] {
  return names.flatMap((n) => stages.map((s) => `${n} · ${stageLabels[s]}`)).sort();
}

/**
 * Every shown row of the Videos table as header → cell text (the poster column is "Poster"); "Name" holds the
 * name alone, "Badges" the badges joined by ",", "Reason" the failure reason shown under the name.
 */
export async function videoRows(page: Page): Promise<Record<string, string>[]> {
  await showList(page);
  const rows = page.getByRole('table', { name: 'Videos' }).getByRole('row');
  const shown = await rows.evaluateAll((elements) =>
    elements
      .filter((row) => row.querySelector('[role=cell]'))
      .map((row) => {
        const headers = [...(row.closest('[role=table]')?.querySelectorAll('[role=columnheader]') ?? [])].map(
          (h) => h.textContent?.trim() ?? '',
        );
        const cells = [...row.querySelectorAll('[role=cell]')];
        const out: Record<string, string> = { index: row.getAttribute('aria-rowindex') ?? '' };
        headers.forEach((h, i) => (out[h] = cells[i]?.textContent?.trim() ?? ''));
        const nameCell = cells[headers.indexOf('Name')];
        out.Name = [...(nameCell?.childNodes ?? [])]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
        out.Badges = [...(nameCell?.querySelectorAll('span') ?? [])].map((s) => s.textContent?.trim()).join(',');
        out.Reason = nameCell?.querySelector('small')?.textContent?.trim() ?? '';
        out.Poster = cells[0]?.querySelector('img') ? 'image' : 'placeholder';
        return out;
      }),
  );
  return shown.sort((a, b) => Number(a.index) - Number(b.index));
}
