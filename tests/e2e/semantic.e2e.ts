// Word search as a user meets it: without a model the app works and the word search field says what it needs;
// a model folder loaded through the Models panel (the tiny seeded CLIP, made at test time) embeds every scene in
// the background; words find their scenes, unmatched words say so, "More like this" finds neighbours; another
// model re-embeds everything; and all of it with the server stopped, and without a request leaving the origin.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import { recordRequests, repoRoot, seedOpfsFolder, startServer, stubDirectoryPicker, useApp } from './harness';
import { waitForJobsIdle } from './app';
import { dropFile, filesUnder, grabFrame, resultsRegion, searchFolder } from './search-helpers';
import { waitForIdle } from './media-helpers';
// @ts-expect-error -- a plain .mjs script without types
import { makeTinyClip } from '../scripts/make-tiny-clip.mjs';

const semanticDir = join(repoRoot, 'tests', 'fixtures', 'semantic');
const truth = JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'semantic.json'), 'utf8')) as {
  path: string;
  shots: { colour: string; start: number; end: number }[];
}[];
/** The picker stub's OPFS folder (the reverse search helpers grab frames from it). */
const folder = searchFolder;
const shotOf = (video: string, colour: string) =>
  truth.find((t) => t.path === video)!.shots.find((s) => s.colour === colour)!;

/** Two tiny models (seeds 1 and 2) in folders named as a user's would be. */
const modelsRoot = mkdtempSync(join(tmpdir(), 'ff-tiny-clip-'));
const modelA = join(modelsRoot, 'tiny-clip-a');
const modelB = join(modelsRoot, 'tiny-clip-b');
makeTinyClip(modelA, { seed: 1 });
makeTinyClip(modelB, { seed: 2 });
afterAll(() => rmSync(modelsRoot, { recursive: true, force: true }));

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
}

const activeModelId = (page: Page) =>
  page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.state.models.active?.modelId ?? null);

/** For every video: its stored embeddings' model, and whether each scene's representative frame has a row. */
function embeddingReport(page: Page) {
  return page.evaluate(async () => {
    const f = (window as unknown as FramefinderWindow).framefinder;
    const out: { name: string; modelId: string | null; scenes: number; scenesEmbedded: number; rows: number }[] = [];
    for (const v of await f.catalog.listVideos({})) {
      const [e, scenes] = await Promise.all([f.embed.videoEmbeddings(v.id), f.catalog.listScenes(v.id)]);
      const sceneTimes = e ? e.times.filter((_, i) => e.scene[i]) : [];
      const embedded = scenes.filter((s) => sceneTimes.some((t) => Math.abs(t - s.keyframeTime) < 0.06)).length;
      out.push({
        name: v.name,
        modelId: e?.modelId ?? null,
        scenes: scenes.length,
        scenesEmbedded: embedded,
        rows: e?.times.length ?? 0,
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Waits until every video's embeddings are `modelId`'s, then until no job is left. */
async function waitForEmbeddings(page: Page, modelId: string): Promise<void> {
  await expect
    .poll(async () => (await embeddingReport(page)).filter((r) => r.modelId !== modelId).map((r) => r.name), {
      timeout: 120_000,
      interval: 250,
    })
    .toEqual([]);
  await waitForJobsIdle(page, 60_000);
}

async function loadModelFolder(page: Page, dir: string, name: string): Promise<string> {
  const before = await activeModelId(page);
  await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
  const panel = page.getByRole('dialog', { name: 'Models' });
  await panel.waitFor();
  await panel.getByLabel('Model folder to load', { exact: true }).setInputFiles(dir);
  await expect
    .poll(() => panel.getByRole('region', { name: 'In use' }).innerText(), { timeout: 90_000 })
    .toMatch(new RegExp(`(^|\n)${name} · videos are embedded with it`));
  const id = await activeModelId(page);
  expect(id).not.toBe(before);
  await panel.getByRole('button', { name: 'Close' }).click();
  return id!;
}

async function searchWords(page: Page, words: string): Promise<Locator> {
  const field = page.getByLabel('Search scenes by words');
  await field.fill(words);
  await field.press('Enter');
  const region = page.getByRole('region', { name: 'Scene results' });
  await region.waitFor();
  await expect.poll(() => region.getByRole('heading', { level: 2 }).innerText()).toContain(words);
  await expect.poll(() => region.getByText('Searching scenes…').count(), { timeout: 20_000 }).toBe(0);
  return region;
}

/** The scene results as shown: per video its name and its scenes' timestamps, in order. */
function shownScenes(region: Locator) {
  return region.locator('li.video').evaluateAll((items) =>
    items.map((li) => ({
      name: li.querySelector('h3')?.textContent?.trim() ?? '',
      times: [...li.querySelectorAll('.time')].map((t) => t.textContent?.trim() ?? ''),
    })),
  );
}
const seconds = (stamp: string) => stamp.split(':').reduce((s, part) => s * 60 + Number(part), 0);

describe('word search with CLIP', () => {
  const app = useApp();

  test('works without a model, offline, through a model folder, across a model switch, with no request leaving', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    await stubDirectoryPicker(context, folder);
    const pageErrors: string[] = [];
    context.on('weberror', (e) => pageErrors.push(e.error().message));
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);
    await waitForServiceWorker(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // The Models panel offers the default model with its size, and fetches nothing until asked.
    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    const panel = page.getByRole('dialog', { name: 'Models' });
    await panel.getByRole('button', { name: /^Download \(1\d\d MB\)$/ }).waitFor();
    expect(await panel.getByText(/About 1\d\d MB from huggingface\.co/).count()).toBe(1);
    expect(await panel.getByRole('region', { name: 'In use' }).innerText()).toContain('No model');
    await page.screenshot({ path: join(tmpdir(), 'ff-models-panel.png') });
    await panel.getByRole('button', { name: 'Close' }).click();

    // Without a model the library is imported and indexed as always.
    await seedOpfsFolder(page, folder, filesUnder(semanticDir));
    await page.getByRole('button', { name: 'Open folder' }).first().click();
    await waitForIdle(page, 120_000);
    expect(await page.getByLabel('Filter videos by name').count()).toBe(1);

    // From here on the server is down: word search, model loading and embedding need no network.
    const { port } = app.server;
    await app.server.stop();
    try {
      await page.reload();
      await waitForApp(page);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const field = page.getByLabel('Search scenes by words');
      expect(await field.getAttribute('placeholder')).toBe('Word search needs a model: open Models');
      let region = await searchWords(page, 'red');
      await region.getByText('Word search needs a model: open Models.').waitFor();

      // One frame a second besides the scenes' own (the default, 5 s, would add none to these 4 s shots).
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByLabel('Embedding interval (seconds)').fill('1');
      await settings.getByLabel('Embedding interval (seconds)').press('Tab');
      await settings.getByRole('button', { name: 'Close' }).click();

      // A model folder, copied into OPFS: every scene's frame gets an embedding with the model's id.
      const first = await loadModelFolder(page, modelA, 'tiny-clip-a');
      expect(first).toMatch(/^tiny-clip:q8:[0-9a-f]{16}$/);
      await waitForEmbeddings(page, first);
      const report = await embeddingReport(page);
      expect(report.map((r) => r.name)).toEqual(['colours.mp4', 'sky-yellow.mp4']);
      for (const r of report) {
        expect(r.modelId, r.name).toBe(first);
        expect(r.scenes, r.name).toBeGreaterThanOrEqual(2);
        expect(r.scenesEmbedded, r.name).toBe(r.scenes);
        expect(r.rows, r.name).toBeGreaterThan(r.scenes); // plus the interval frames
      }

      // "red" ranks the red scene first; words naming nothing in the library say so.
      region = await searchWords(page, 'red');
      let shown = await shownScenes(region);
      expect(shown[0]?.name, await region.innerText()).toBe('colours.mp4');
      const red = shotOf('colours.mp4', 'red');
      const t = seconds(shown[0].times[0]);
      expect(t).toBeGreaterThanOrEqual(red.start);
      expect(t).toBeLessThan(red.end);
      expect(shown.flatMap((s) => s.times)).toHaveLength(1); // only the red scene matches
      await expect
        .poll(() => region.getByRole('img', { name: /^colours\.mp4 at / }).count(), { timeout: 20_000 })
        .toBe(1);
      await page.screenshot({ path: join(tmpdir(), 'ff-scene-results.png') });

      region = await searchWords(page, 'yellow');
      shown = await shownScenes(region);
      expect(shown[0]?.name, await region.innerText()).toBe('sky-yellow.mp4');
      expect(seconds(shown[0].times[0])).toBeGreaterThanOrEqual(shotOf('sky-yellow.mp4', 'yellow').start);

      region = await searchWords(page, 'night');
      await region.getByText('No scene matches these words well.').waitFor();
      expect(await shownScenes(region)).toEqual([]);

      // "More like this" from the yellow scene: other scenes, nearest first, its own left out.
      region = await searchWords(page, 'yellow');
      await region
        .getByRole('button', { name: /^More like sky-yellow\.mp4 at / })
        .first()
        .click();
      await expect
        .poll(() => region.getByRole('heading', { level: 2 }).innerText())
        .toMatch(/^Scenes like sky-yellow\.mp4/);
      await expect.poll(async () => (await shownScenes(region)).length, { timeout: 20_000 }).toBeGreaterThan(0);
      shown = await shownScenes(region);
      const yellow = shotOf('sky-yellow.mp4', 'yellow');
      const own = shown.find((s) => s.name === 'sky-yellow.mp4');
      expect(own?.times.every((s) => seconds(s) < yellow.start) ?? true).toBe(true);

      // A screenshot dropped for reverse search also shows scenes that look like it, by embedding.
      const blue = shotOf('colours.mp4', 'blue');
      const frame = await grabFrame(page, 'colours.mp4', blue.start + 1.5);
      await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
      const similar = resultsRegion(page).getByRole('region', { name: 'Similar scenes' });
      await expect.poll(async () => (await shownScenes(similar)).length, { timeout: 20_000 }).toBeGreaterThan(0);
      shown = await shownScenes(similar);
      expect(shown[0]?.name, await similar.innerText()).toBe('colours.mp4');
      expect(seconds(shown[0].times[0])).toBeGreaterThanOrEqual(blue.start);
      await page.getByRole('button', { name: 'Close search results' }).click();

      // Another model: every video is embedded again with it, in the background.
      const second = await loadModelFolder(page, modelB, 'tiny-clip-b');
      expect(second).not.toBe(first);
      await waitForEmbeddings(page, second);
      for (const r of await embeddingReport(page)) {
        expect(r.modelId, r.name).toBe(second);
        expect(r.scenesEmbedded, r.name).toBe(r.scenes);
      }

      // A fresh start, still offline: the model comes back from OPFS and word search works.
      await page.reload();
      await waitForApp(page);
      await expect.poll(() => activeModelId(page), { timeout: 30_000 }).toBe(second);
      region = await searchWords(page, 'red');
      shown = await shownScenes(region);
      expect(shown[0]?.name, await region.innerText()).toBe('colours.mp4');
      expect(seconds(shown[0].times[0])).toBeLessThan(red.end);
    } finally {
      app.server = await startServer({ port });
    }
    expect(requests.foreign(app.server.url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  test('the default model downloads only when asked, with progress, can be cancelled, and resumes', async () => {
    const context = await app.newContext();
    const requests = recordRequests(context);
    // The hub, played by the tiny model's files: the test machine has no internet, and tests never fetch weights.
    const hub = 'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/';
    const fetched: string[] = [];
    let holdWeights = true;
    let heldWeights = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route('https://huggingface.co/**', async (route) => {
      const url = route.request().url();
      const path = url.startsWith(hub) ? decodeURIComponent(url.slice(hub.length)) : '';
      const range = route.request().headers().range; // transformers.js asks for byte 0 first, to learn the size
      if (!range) fetched.push(path);
      if (holdWeights && path.endsWith('.onnx')) {
        heldWeights += 1;
        await held; // the download is under way until the test cancels it
      }
      const headers = { 'access-control-allow-origin': '*', 'content-type': 'application/octet-stream' };
      let body: Buffer;
      try {
        body = readFileSync(join(modelA, path));
      } catch {
        return route.fulfill({ status: 404, headers }).catch(() => undefined);
      }
      const whole = body.byteLength;
      if (range === 'bytes=0-0') Object.assign(headers, { 'content-range': `bytes 0-0/${whole}` });
      // A request of a terminated worker (the cancelled download) may be gone by now.
      await route
        .fulfill({ status: range ? 206 : 200, body: range ? body.subarray(0, 1) : body, headers })
        .catch(() => undefined);
    });
    const page = await context.newPage();
    await page.goto(app.server.url);
    await waitForApp(page);

    await page.getByRole('banner').getByRole('button', { name: 'Models' }).click();
    const panel = page.getByRole('dialog', { name: 'Models' });
    const download = panel.getByRole('button', { name: /^Download \(1\d\d MB\)$/ });
    await download.waitFor();
    expect(fetched).toEqual([]); // nothing before the click

    await download.click();
    await panel.getByRole('progressbar', { name: 'Download progress' }).waitFor();
    await expect.poll(() => fetched.filter((p) => p.endsWith('.json')).length, { timeout: 20_000 }).toBeGreaterThan(3);
    // A request for the weights is held: this is a download under way.
    await expect.poll(() => heldWeights, { timeout: 20_000 }).toBeGreaterThan(0);
    await panel.getByRole('button', { name: 'Cancel download' }).click();
    await panel.getByText(/^Download cancelled\./).waitFor();
    release();
    await panel.getByText(/from an earlier download are kept; it resumes from there\./).waitFor();
    expect(await activeModelId(page)).toBeNull();

    holdWeights = false;
    const before = fetched.length;
    await download.click();
    await expect
      .poll(() => panel.getByRole('region', { name: 'In use' }).innerText(), { timeout: 90_000 })
      .toMatch(/(^|\n)CLIP ViT-B\/32 .* · videos are embedded with it/);
    const again = fetched.slice(before);
    expect(again.filter((p) => p.endsWith('.onnx')).sort()).toEqual([
      'onnx/text_model_quantized.onnx',
      'onnx/vision_model_quantized.onnx',
    ]);
    expect(again).not.toContain('config.json'); // kept from the cancelled attempt
    expect(await activeModelId(page)).toMatch(/^tiny-clip:q8:/);
    await panel
      .getByRole('list', { name: 'Installed models' })
      .getByText(/CLIP ViT-B\/32/)
      .waitFor();
    expect(requests.foreign(app.server.url).every((u) => u.startsWith(hub))).toBe(true);
  });
});
