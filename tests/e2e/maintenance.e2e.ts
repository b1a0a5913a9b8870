// Settings → Maintenance (issue 16): the catalog and search index sizes, pruning the job history and compacting,
// with the library intact after a reload.
import type { Locator, Page } from 'playwright-core';
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { encodeSnapshot } from '../../src/db/snapshot';
import type { FramefinderWindow } from '../../src/debug-handle';
import { eventually, importViaPicker, jobCounts, openApp, waitForJobsIdle, waitForWriter } from './app';
import { expectedLibrary, fixtureFiles, seedOpfsFolder, stubDirectoryPicker, useApp, writeOpfsFile } from './harness';
import { gridNames, showLibrary } from './library-helpers';

const folder = 'library';
const names = expectedLibrary()
  .map((v) => v.path)
  .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
  .map((p) => p.split('/').pop()!);
const day = 86_400_000;

async function openMaintenance(page: Page): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Maintenance' });
}

/** '1.7 KB' → 1700 */
function toBytes(size: string): number {
  const [, n, unit] = /^(\d+(?:\.\d)?) (B|KB|MB)$/.exec(size)!;
  return Number(n) * { B: 1, KB: 1e3, MB: 1e6 }[unit as 'B' | 'KB' | 'MB'];
}

/** The value shown for `term` in the sizes list. */
function shown(section: Locator, term: string): Promise<string> {
  return section.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').innerText();
}

/**
 * Forty days pass: every job in the saved catalog finished forty days earlier than it did. The clock of the
 * catalog worker cannot be moved from a test, so the saved catalog is rewritten (in Node, with sql.js) and put in
 * place as a newer save, which the reload opens.
 */
async function ageJobHistory(page: Page): Promise<void> {
  const image = await page.evaluate(async () => {
    const bytes = await (window as unknown as FramefinderWindow).framefinder.catalog.exportCatalog();
    return Array.from(bytes);
  });
  const SQL = await initSqlJs();
  const db = new SQL.Database(Uint8Array.from(image));
  db.run(`UPDATE jobs SET created_at = created_at - ?1, started_at = started_at - ?1, finished_at = finished_at - ?1`, [
    40 * day,
  ]);
  const snapshot = await encodeSnapshot(db.export(), 1_000_000);
  db.close();
  for (const slot of ['catalog-a.ffdb', 'catalog-b.ffdb']) await writeOpfsFile(page, 'catalog', slot, snapshot);
  await page.reload();
  await waitForWriter(page);
}

describe('maintenance', () => {
  const app = useApp();

  test('Settings shows the sizes, prunes the job history and compacts; the library is intact after a reload', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, folder, fixtureFiles());
    await importViaPicker(page); // the scan has queued every video's jobs when it says it finished
    await waitForJobsIdle(page, 120_000);
    const done = (await jobCounts(page)).done;
    expect(done).toBeGreaterThan(names.length);
    await ageJobHistory(page);

    let section = await openMaintenance(page);
    await eventually(() => shown(section, 'Job history to prune')).toBe(`${done} finished jobs`);
    // Pages freed by replaced rows (a video's frames saved again) are said, until compacting returns them.
    expect(await shown(section, 'Catalog')).toMatch(
      /^\d+(\.\d)? (KB|MB)( \(\d+(\.\d)? (KB|MB) of it free to compact\))?$/,
    );
    const index = await shown(section, 'Image and clip search index');
    expect(index).toMatch(/^\d+(\.\d)? (KB|MB)$/);

    // By keyboard: Tab to the button, Enter.
    const prune = section.getByRole('button', { name: 'Prune job history' });
    await prune.focus();
    await page.keyboard.press('Enter');
    const status = section.getByRole('status');
    await eventually(() => status.innerText()).toBe(
      `Pruned ${done} finished jobs older than 30 days. Compact to make the catalog smaller on disk.`,
    );
    expect(await shown(section, 'Job history to prune')).toBe('0 finished jobs');

    await section.getByRole('button', { name: 'Compact' }).focus();
    await page.keyboard.press('Space');
    await eventually(() => status.innerText(), 30_000).toMatch(
      /^Compacted: the catalog went from \d+(\.\d)? KB to \d+(\.\d)? KB, the search data from .+ to .+\.$/,
    );
    const [from, to] = [...(await status.innerText()).matchAll(/(\d+(?:\.\d)?) KB/g)].map((m) => Number(m[1]));
    // Six videos' jobs free no whole page of the catalog, but VACUUM packs the pages they leave half empty.
    expect(to).toBeLessThanOrEqual(from);
    expect(await shown(section, 'Catalog')).toBe(`${to} KB`);
    expect(await section.getByRole('button', { name: 'Compact' }).isEnabled()).toBe(true);
    // Compacting may shrink the search index too: a video whose frames were stored twice (a stage run again after
    // a slow first try on a busy machine) leaves dead data, which compacting drops. It never grows.
    const compacted = await shown(section, 'Image and clip search index');
    expect(toBytes(compacted)).toBeLessThanOrEqual(toBytes(index));

    // After a reload: every video, none queued for indexing again, the search index as it was.
    await page.reload();
    await waitForWriter(page);
    await showLibrary(page, folder);
    await eventually(() => gridNames(page), 30_000).toEqual(names);
    expect(await jobCounts(page)).toMatchObject({ queued: 0, running: 0, done: 0 });
    section = await openMaintenance(page);
    await eventually(() => shown(section, 'Catalog')).toBe(`${to} KB`);
    expect(await shown(section, 'Image and clip search index')).toBe(compacted);
    expect(await shown(section, 'Job history to prune')).toBe('0 finished jobs');
    expect(await section.getByRole('button', { name: 'Prune job history' }).isEnabled()).toBe(false);
    expect(errors).toEqual([]);
  });
});
