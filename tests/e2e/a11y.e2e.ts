// axe-core in real Chromium, in the light and the dark theme: no serious or critical violation on the library
// (grid, list, facets in use, a selection and its dialogs), in the player, or in the Settings panel.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { catalogVideos, jobCounts, waitForWriter } from './app';
import { fixtureLibraryDir, launchBrowser, startServer, type TestServer } from './harness';
import { waitUntil } from '../shared/poll';
import { clickCard, facetValue, gridNames, selectionBar } from './library-helpers';

/** Serious and critical violations, one line each: rule, what it says, and where. */
async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    describe(`${colorScheme} theme`, () => {
      let page: Page;

      beforeAll(async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme });
        page = await context.newPage();
        await page.goto(server.url);
        await waitForWriter(page);
        await page.getByLabel('Choose a folder of videos').first().setInputFiles(fixtureLibraryDir);
        await waitUntil(async () => (await catalogVideos(page)).length === 6, 'the scan');
        await waitUntil(async () => {
          const c = await jobCounts(page);
          return c.queued + c.running === 0;
        }, 'the jobs');
      });

      test('the library: grid, list, facets in use, a selection and its dialogs', async () => {
        await waitUntil(async () => (await gridNames(page)).length === 6, 'the grid');
        expect(await violations(page)).toEqual([]);

        await facetValue(page, 'Resolution', 'SD').click();
        await clickCard(page, 'sunrise.mp4');
        await clickCard(page, 'clouds.webm', ['ControlOrMeta']);
        await selectionBar(page).waitFor();
        expect(await violations(page)).toEqual([]);

        await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
        const tags = page.getByRole('dialog', { name: 'Tags of 2 videos' });
        await tags.getByRole('combobox', { name: 'Add a tag' }).fill('beach');
        await tags.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
        await tags.getByRole('listitem').first().waitFor();
        expect(await violations(page)).toEqual([]);
        await tags.getByRole('button', { name: 'Done' }).click();

        await selectionBar(page).getByRole('button', { name: 'Add to collection…' }).click();
        const add = page.getByRole('dialog', { name: 'Add 2 videos to a collection' });
        await add.waitFor();
        expect(await violations(page)).toEqual([]);
        await add.getByRole('button', { name: 'Cancel' }).click();

        await selectionBar(page).getByRole('button', { name: 'Video tools…' }).click();
        const tools = page.getByRole('dialog', { name: 'Video tools for 2 videos' });
        await tools.waitFor();
        expect(await violations(page)).toEqual([]);
        await tools.getByRole('button', { name: 'Close' }).click();

        await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'List' }).click();
        await page.getByRole('table', { name: 'Videos' }).waitFor();
        expect(await violations(page)).toEqual([]);

        await page.getByRole('button', { name: 'Trash: 0 videos' }).click();
        await page.getByText('The Trash is empty.').waitFor();
        expect(await violations(page)).toEqual([]);
      });

      test('the player', async () => {
        // Not a reload: the folder was chosen for this visit only, and the player needs its files.
        await page.getByRole('button', { name: /^All videos/ }).click();
        await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Grid' }).click();
        await waitUntil(async () => (await gridNames(page)).length === 6, 'the grid');
        await clickCard(page, 'sunrise.mp4');
        await page.keyboard.press('Enter');
        const player = page.getByRole('dialog', { name: 'Player' });
        await player.waitFor();
        // Checked once the video shows its first frame (the player's controls depend on its metadata).
        await player
          .locator('video')
          .evaluate((v: HTMLVideoElement) =>
            v.readyState >= v.HAVE_CURRENT_DATA ? undefined : new Promise((loaded) => (v.onloadeddata = loaded)),
          );
        expect(await violations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        await player.waitFor({ state: 'hidden' });
      });

      test('the Settings panel', async () => {
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        const settings = page.getByRole('dialog', { name: 'Settings' });
        await settings.getByText(/^Using .+ available to Framefinder\.$/).waitFor();
        expect(await violations(page)).toEqual([]);
        await settings.getByRole('button', { name: 'Close' }).click();
      });
    });
  }

  test('the theme follows the system until Settings picks one, which stays through a reload', async () => {
    const page = await (await browser.newContext({ colorScheme: 'light' })).newPage();
    await page.goto(server.url);
    await waitForWriter(page);
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background()).toBe('rgb(246, 247, 249)');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('radio', { name: 'Dark' }).check();
    expect(await background()).toBe('rgb(20, 22, 26)');
    await page.reload();
    await waitForWriter(page);
    expect(await background()).toBe('rgb(20, 22, 26)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    expect(await settings.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await settings.getByRole('radio', { name: 'Light' }).check();
    expect(await background()).toBe('rgb(246, 247, 249)'); // light, though the system is dark
    await settings.getByRole('radio', { name: 'As the system' }).check();
    expect(await background()).toBe('rgb(20, 22, 26)');
    await page.context().close();
  });
});
