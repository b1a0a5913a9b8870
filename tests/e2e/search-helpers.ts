// Reverse search in the e2e specs: the search fixture library in OPFS, frames grabbed from its videos in the page,
// files dropped on the window as a user drops them, and what the "Search results" region shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot, seedOpfsFolder, stubDirectoryPicker, type FixtureFile, type useApp } from './harness';
import { waitForIdle } from './media-helpers';

export const searchLibraryDir = join(repoRoot, 'tests', 'fixtures', 'search', 'library');
export const searchOutsideDir = join(repoRoot, 'tests', 'fixtures', 'search', 'outside');
/** The OPFS folder the picker stub hands out in the search specs. */
export const searchFolder = 'search-library';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export function filesUnder(dir: string): FixtureFile[] {
  return walk(dir)
    .map((full) => ({ path: relative(dir, full).split(sep).join('/'), bytes: readFileSync(full) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Seeds a library folder (default: the search fixture library), opens it through "Open folder" (picker stubbed) and
 * waits for every stage.
 */
export async function importSearchLibrary(
  page: Page,
  timeout = 240_000,
  library: { folder: string; files: FixtureFile[] } = { folder: searchFolder, files: filesUnder(searchLibraryDir) },
): Promise<void> {
  await seedOpfsFolder(page, library.folder, library.files);
  await page.getByRole('button', { name: 'Open folder' }).first().click();
  await waitForIdle(page, timeout);
}

/** Waits until the app has opened its catalog (the debug handle appears then). */
export async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => 'framefinder' in window, undefined, { timeout: 20_000 });
}

/**
 * A new context with the search library imported and indexed through "Open folder", and the errors its pages
 * throw (a spec expects none).
 */
export async function openSearchLibrary(
  app: ReturnType<typeof useApp>,
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await app.newContext();
  await stubDirectoryPicker(context, searchFolder);
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  const page = await context.newPage();
  await page.goto(app.server.url);
  await waitForApp(page);
  await importSearchLibrary(page);
  return { context, page, pageErrors };
}

/** Drops a frame of `path` at `time` and expects that video first, at that moment (within one sampling interval). */
export async function expectImageFound(page: Page, path: string, time: number): Promise<void> {
  const frame = await grabFrame(page, path, time);
  await dropFile(page, { base64: frame.base64, name: 'screenshot.png', type: 'image/png' });
  const hits = await shownHits(page);
  expect(hits.length, 'at least one result').toBeGreaterThan(0);
  expect(hits[0].name).toBe(path.split('/').pop());
  expect(Math.abs(secondsIn(hits[0].times[0]) - frame.time)).toBeLessThanOrEqual(1);
  expect(hits[0].text).toMatch(/\d+% match/);
}

/**
 * A PNG of the frame a <video> shows at `time` in the library file at `path` (read from the OPFS folder), and
 * the time of the frame actually drawn.
 */
export async function grabFrame(page: Page, path: string, time: number): Promise<{ base64: string; time: number }> {
  return page.evaluate(
    async ({ folder, path, time }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const parts = path.split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      const file = await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(file);
      await new Promise((ok, fail) => {
        video.onloadeddata = ok;
        video.onerror = () => fail(new Error(`cannot play ${path}`));
      });
      // Wait for the frame at the new time to be presented: right after 'seeked' drawImage may still get the old one.
      // The first frame's own presentation (at 0) can come late on a busy machine: only a frame near `time` counts.
      const presented = new Promise<number | null>((ok) => {
        const timer = setTimeout(() => ok(null), 2000);
        const check: VideoFrameRequestCallback = (_now, meta) => {
          if (Math.abs(meta.mediaTime - time) > 0.5) return void video.requestVideoFrameCallback(check);
          clearTimeout(timer);
          ok(meta.mediaTime);
        };
        video.requestVideoFrameCallback(check);
      });
      video.currentTime = time;
      await new Promise((ok) => (video.onseeked = ok));
      const shown = (await presented) ?? video.currentTime;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d')!.drawImage(video, 0, 0);
      const url = canvas.toDataURL('image/png');
      URL.revokeObjectURL(video.src);
      return { base64: url.slice(url.indexOf(',') + 1), time: shown };
    },
    { folder: searchFolder, path, time },
  );
}

/**
 * Drops one file on the window as the browser would deliver it: `side` picks the half of the window (a video
 * dropped on the right half is searched for, on the left half imported).
 */
export async function dropFile(
  page: Page,
  file: { base64: string; name: string; type: string },
  side: 'left' | 'right' = 'left',
): Promise<void> {
  await page.evaluate(
    ({ base64, name, type, side }) => {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type }));
      const x = side === 'left' ? 20 : window.innerWidth - 20;
      const init = { dataTransfer: dt, clientX: x, clientY: 200, bubbles: true, cancelable: true };
      window.dispatchEvent(new DragEvent('dragenter', init));
      window.dispatchEvent(new DragEvent('dragover', init));
      window.dispatchEvent(new DragEvent('drop', init));
    },
    { ...file, side },
  );
}

export function resultsRegion(page: Page): Locator {
  return page.getByRole('region', { name: 'Search results' });
}

export interface ShownHit {
  name: string;
  /** The play buttons' labels, best first: "Play x.mp4 from 0:12.3". */
  times: string[];
  text: string;
}

/** The results as the user sees them, once the search has settled. */
export async function shownHits(page: Page, timeout = 30_000): Promise<ShownHit[]> {
  const region = resultsRegion(page);
  await region.waitFor({ timeout });
  await page.waitForFunction(
    () => {
      const r = document.querySelector('[aria-label="Search results"]');
      return r !== null && !r.querySelector('.spinner');
    },
    undefined,
    { timeout },
  );
  const items = region.locator('ol.hits > li');
  const out: ShownHit[] = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    out.push({
      name: (await item.getByRole('heading').innerText()).trim(),
      times: await item
        .getByRole('button', { name: /^Play / })
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')),
      text: await item.innerText(),
    });
  }
  return out;
}

/** "Play x from 1:02.5" → 62.5 (the start of a range). */
export function secondsIn(label: string): number {
  const m = /from (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(label);
  if (!m) throw new Error(`no time in “${label}”`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export interface Hit {
  path: string;
  time: number;
  similarity: number;
  /**
   * An image hit's best time as the index answered it, before moment refinement (when refinement looked at it); a
   * clip hit's start as its sampled frames aligned, when refinement moved it.
   */
  sampledTime?: number;
  /** An image hit's colour distance from the image, when refinement looked at it (see picture-colour.ts). */
  colour?: number | null;
}

/** The app's own image search (as a drop does), its hits best first, once their moments are refined. */
export async function searchImage(page: Page, base64: string, mime: string): Promise<Hit[]> {
  return page.evaluate(
    async ({ base64, mime }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const search = (window as unknown as { framefinder: { state: { search: SearchLike } } }).framefinder.state.search;
      await search.byImage(new Blob([bytes], { type: mime }), 'query');
      return search.imageHits.map((h) => ({
        path: h.video.path,
        time: h.times[0].time,
        similarity: h.similarity,
        sampledTime: h.sampledTime,
        colour: h.colour,
      }));
    },
    { base64, mime },
  );
}

/** The app's own clip search (as a drop does), its hits best first with where the clip starts. */
export async function searchClip(page: Page, base64: string, mime: string): Promise<Hit[]> {
  return page.evaluate(
    async ({ base64, mime }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const search = (window as unknown as { framefinder: { state: { search: SearchLike } } }).framefinder.state.search;
      await search.byClip(new File([bytes], mime === 'video/mp4' ? 'clip.mp4' : 'clip.webm', { type: mime }));
      return search.clipHits.map((h) => ({
        path: h.video.path,
        time: h.from,
        similarity: h.confidence,
        sampledTime: h.alignedOffset,
      }));
    },
    { base64, mime },
  );
}

interface SearchLike {
  byImage(b: Blob, label: string): Promise<void>;
  byClip(f: File): Promise<void>;
  imageHits: {
    video: { path: string };
    similarity: number;
    times: { time: number }[];
    sampledTime?: number;
    colour?: number | null;
  }[];
  clipHits: { video: { path: string }; from: number; confidence: number; alignedOffset?: number }[];
}
