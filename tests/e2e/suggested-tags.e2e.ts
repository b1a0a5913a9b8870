// Suggested tags as a user meets them (issue 15): a folder imported, a CLIP model loaded (the tiny seeded one, which
// maps colours to words: sky-blue to "sky", sand-yellow to "beach"), and each video offers the words its frames
// show, with a confidence, never applied on its own. Accepting one makes it a real tag the library filters by;
// a dismissed one stays gone after a reload and after another model scores every video again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { eventually, waitForJobsIdle } from './app';
import { repoRoot, seedOpfsFolder, stubDirectoryPicker, useApp } from './harness';
import { clickCard, facetCounts, facetValue, gridNames, selectionBar } from './library-helpers';
import { waitForIdle } from './media-helpers';
import { filesUnder } from './search-helpers';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinyClip } from '../scripts/make-tiny-clip.mjs';

const folder = 'suggested-tags-library';
const semanticDir = join(repoRoot, 'tests', 'fixtures', 'semantic');
const modelsRoot = mkdtempSync(join(tmpdir(), 'ff-tiny-clip-'));
const modelA = join(modelsRoot, 'tiny-clip-a');
const modelB = join(modelsRoot, 'tiny-clip-b');
makeTinyClip(modelA, { seed: 1 });
makeTinyClip(modelB, { seed: 2 });
afterAll(() => rmSync(modelsRoot, { recursive: true, force: true }));

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as Partial<FramefinderWindow>).framefinder?.state.catalog.role === 'writer',
    undefined,
    { timeout: 20_000 },
  );
}

/** Loads a model folder through the Models panel and waits until every video is embedded with it and scored. */
async function loadModel(page: Page, dir: string, name: string): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
  const panel = page.getByRole('dialog', { name: 'Models' });
  await panel.getByLabel('Model folder to load', { exact: true }).setInputFiles(dir);
  await eventually(() => panel.getByRole('region', { name: 'In use' }).innerText(), 90_000).toMatch(
    new RegExp(`(^|\n)${name} · videos are embedded with it`),
  );
  await panel.getByRole('button', { name: 'Close' }).click();
  const modelId = await page.evaluate(
    () => (window as unknown as FramefinderWindow).framefinder.state.models.active?.modelId,
  );
  await eventually(
    () =>
      page.evaluate(async (id) => {
        const f = (window as unknown as FramefinderWindow).framefinder;
        const videos = await f.catalog.listVideos({});
        const models = await Promise.all(videos.map((v) => f.embed.videoEmbeddings(v.id)));
        return models.filter((e) => e?.modelId !== id).length;
      }, modelId),
    120_000,
  ).toBe(0);
  await waitForJobsIdle(page, 60_000);
}

/** The suggestions shown in `within` as "word percent [n of m]", in order. */
async function shownSuggestions(within: Locator): Promise<string[]> {
  const list = within.getByRole('list', { name: 'Tags the model suggests' });
  if ((await list.count()) === 0) return [];
  return list.getByRole('listitem').evaluateAll((items) =>
    items.map((li) =>
      [...li.querySelectorAll('span, small')]
        .map((e) => e.textContent?.trim())
        .join(' ')
        .trim(),
    ),
  );
}

async function openTagsOf(page: Page, names: string[]): Promise<Locator> {
  await clickCard(page, names[0]);
  for (const name of names.slice(1)) await clickCard(page, name, ['ControlOrMeta']);
  await selectionBar(page).getByRole('button', { name: 'Tags…' }).click();
  const count = names.length === 1 ? '1 video' : `${names.length} videos`;
  const dialog = page.getByRole('dialog', { name: `Tags of ${count}` });
  await dialog.waitFor();
  return dialog;
}

describe('suggested tags', () => {
  const app = useApp();

  test('are offered once a model is active, accepted as real tags, and dismissed for good', async () => {
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    const pageErrors: string[] = [];
    context.on('weberror', (e) => pageErrors.push(e.error().message));
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    await seedOpfsFolder(page, folder, filesUnder(semanticDir));
    await page.getByRole('button', { name: 'Open folder' }).first().click();
    await waitForIdle(page, 120_000);
    await eventually(() => gridNames(page)).toEqual(['colours.mp4', 'sky-yellow.mp4']);

    // Without a model nothing is suggested.
    let dialog = await openTagsOf(page, ['colours.mp4', 'sky-yellow.mp4']);
    expect(await shownSuggestions(dialog)).toEqual([]);
    await dialog.getByRole('button', { name: 'Done' }).click();

    await loadModel(page, modelA, 'tiny-clip-a');

    // Over the selection: "sky" and "beach" are offered to one of the two videos, and nothing is tagged yet.
    dialog = await openTagsOf(page, ['colours.mp4', 'sky-yellow.mp4']);
    await eventually(() => shownSuggestions(dialog), 20_000).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sky \d+% 1 of 2$/),
        expect.stringMatching(/^beach \d+% 1 of 2$/),
      ]),
    );
    expect(await dialog.getByText('No tags yet.').count()).toBe(1);
    // By keyboard: the focus then moves on to another word's Accept, not out of the dialog.
    await dialog.getByRole('button', { name: 'Dismiss suggested tag “beach” for 1 of 2 videos' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => shownSuggestions(dialog)).not.toContainEqual(expect.stringMatching(/^beach /));
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Accept suggested tag “\w+” for 1 of 2 videos$/,
    );
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.keyboard.press('Escape'); // clears the selection

    // In the video's details: "sky" with its confidence; accepting it makes it a tag.
    await clickCard(page, 'sky-yellow.mp4');
    await page.keyboard.press('Enter');
    const player = page.getByRole('dialog', { name: 'Player' });
    await player.waitFor();
    await player.getByRole('tab', { name: 'Details' }).click();
    const details = player.getByRole('region', { name: 'Details' });
    await eventually(() => shownSuggestions(details)).toContainEqual(expect.stringMatching(/^sky \d+%$/));
    expect(await shownSuggestions(details)).not.toContainEqual(expect.stringMatching(/^beach /));
    await details.getByRole('button', { name: 'Accept suggested tag “sky”' }).click();
    await eventually(() => shownSuggestions(details)).not.toContainEqual(expect.stringMatching(/^sky /));
    await page.keyboard.press('Escape');
    await player.waitFor({ state: 'hidden' });

    // A real tag: in the Tags facet, and the library filters by it.
    await eventually(() => facetCounts(page, 'Tags')).toEqual({ sky: 1 });
    await facetValue(page, 'Tags', 'sky').click();
    await eventually(() => gridNames(page)).toEqual(['sky-yellow.mp4']);

    // After a reload the tag is there, and neither answered word is offered again.
    await page.reload();
    await waitForApp(page);
    await eventually(() => gridNames(page)).toEqual(['sky-yellow.mp4']);
    dialog = await openTagsOf(page, ['sky-yellow.mp4']);
    await eventually(() =>
      dialog.getByRole('list', { name: 'Tags on these videos' }).getByRole('listitem').allInnerTexts(),
    ).toEqual([expect.stringContaining('sky')]);
    let offered = await shownSuggestions(dialog);
    expect(offered.filter((s) => /^(sky|beach) /.test(s))).toEqual([]);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.keyboard.press('Escape');

    // Another model scores every video again: it offers new words, never the dismissed one.
    await loadModel(page, modelB, 'tiny-clip-b');
    await facetValue(page, 'Tags', 'sky').click(); // off: every video
    await eventually(() => gridNames(page)).toEqual(['colours.mp4', 'sky-yellow.mp4']);
    dialog = await openTagsOf(page, ['colours.mp4', 'sky-yellow.mp4']);
    await eventually(() => shownSuggestions(dialog), 20_000).toContainEqual(
      expect.stringMatching(/^night \d+% 1 of 2$/),
    );
    offered = await shownSuggestions(dialog);
    expect(
      offered.filter((s) => /^(sky|beach) /.test(s)),
      offered.join(', '),
    ).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
