// Indexing under interruption: "Cancel all" while long media jobs run (native and ffmpeg.wasm decoding) stops
// everything and leaves the app usable; a reload in the middle of indexing resumes the work and finishes it
// without duplicating anything.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Job } from '../../src/lib/types';
import {
  catalogJobs,
  catalogVideos,
  eventually,
  importViaPicker,
  jobCounts,
  jobSection,
  openApp,
  openJobs,
  stageLabels,
  statusBar,
  waitForJobsIdle,
  waitForScan,
  waitForWriter,
} from './app';
import { launchBrowser, repoRoot, seedOpfsFolder, startServer, stubDirectoryPicker } from './harness';
import type { TestServer } from './harness';
import { allJobs, blobKeys, mediaDir, mediaFiles, mediaTruth, videoMedia } from './media-helpers';

const allStages = Object.keys(stageLabels).sort();
const longDir = join(repoRoot, 'tests', 'fixtures', 'long');

describe('indexing, interrupted', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let bigDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Long enough that their scenes and frames stages are still running when "Cancel all" is clicked
    // (committed by tests/scripts/make-long-fixtures.mjs, so this test needs no ffmpeg).
    bigDir = mkdtempSync(join(tmpdir(), 'ff-e2e-big-'));
    copyFileSync(join(longDir, 'long-h264.mp4'), join(bigDir, 'big.mp4'));
    copyFileSync(join(longDir, 'long-hevc.mp4'), join(bigDir, 'big-hevc.mp4'));
    for (const name of ['h264.mp4', 'vp9.webm']) copyFileSync(join(mediaDir, name), join(bigDir, name));
    server = await startServer();
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(pageErrors.splice(0), 'uncaught errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (bigDir) rmSync(bigDir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1400, height: 1200 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  test('"Cancel all" while media jobs run stops everything; a later Retry completes', async () => {
    const page = await newPage();
    await openApp(page, server.url);
    await page.getByLabel('Choose a folder of videos').first().setInputFiles(bigDir);
    await waitForScan(page);
    const jobs = await openJobs(page);

    // Wait until a long stage of a big file decodes (the ffmpeg.wasm one if it gets there first).
    const longStages = ['poster', 'scenes', 'frames'];
    let interrupted: Job | undefined;
    await eventually(async () => {
      interrupted = (await catalogJobs(page, 'running')).find(
        (j) => j.videoName.startsWith('big') && longStages.includes(j.stage),
      );
      return interrupted !== undefined;
    }, 60_000).toBe(true);
    await jobs.getByRole('button', { name: 'Cancel all' }).click();

    await eventually(() => jobCounts(page)).toMatchObject({ running: 0, queued: 0 });
    await eventually(() => jobSection(jobs, 'Running').getByText('None').count()).toBe(1);
    await eventually(() => jobSection(jobs, 'Queued').getByText('None').count()).toBe(1);
    expect(await jobs.getByRole('button', { name: 'Cancel all' }).isDisabled()).toBe(true);
    await eventually(() => statusBar(page).innerText()).not.toContain('Processing');
    const cancelled = await catalogJobs(page, 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);

    // The app still works: retrying the interrupted file's cancelled stages runs them to the end.
    const name = interrupted!.videoName;
    const videoId = interrupted!.videoId;
    const retried = cancelled.filter((j) => j.videoId === videoId);
    expect(retried.length, `${name} had stages left`).toBeGreaterThan(0);
    for (const job of retried) {
      await jobSection(jobs, 'Cancelled')
        .getByRole('button', { name: `Retry ${job.stage} of ${name}` })
        .click();
    }
    await eventually(async () => {
      const mine = (await allJobs(page)).filter((j) => j.videoId === videoId);
      return mine.map((j) => `${j.stage}:${j.status}`).sort();
    }, 90_000).toEqual(allStages.map((s) => `${s}:done`));
    await waitForJobsIdle(page);
    const after = (await catalogVideos(page)).find((v) => v.id === videoId)!;
    const made = {
      'big.mp4': { duration: 20, videoCodec: 'h264' },
      'big-hevc.mp4': { duration: 10, videoCodec: 'hevc' },
    };
    const want = made[name as keyof typeof made];
    expect(after).toMatchObject({ status: 'done', width: 640, height: 360, videoCodec: want.videoCodec });
    expect(Math.abs(after.duration! - want.duration)).toBeLessThanOrEqual(0.1);
    const stored = await videoMedia(page, videoId);
    expect(stored.poster).not.toBeNull();
    expect(stored.frames.length).toBeGreaterThanOrEqual(want.duration);

    // What was cancelled and not retried stayed cancelled: no late result from an aborted job slipped in.
    const stillCancelled = (await catalogJobs(page, 'cancelled')).map((j) => j.id).sort();
    expect(stillCancelled).toEqual(
      cancelled
        .filter((j) => j.videoId !== videoId)
        .map((j) => j.id)
        .sort(),
    );
    expect(await jobCounts(page)).toMatchObject({ running: 0, queued: 0, failed: 0 });
  });

  test('a reload in the middle of indexing resumes the work, finishes it, and duplicates nothing', async () => {
    const truth = mediaTruth();
    const page = await newPage();
    await stubDirectoryPicker(page, 'media');
    await openApp(page, server.url);
    await seedOpfsFolder(page, 'media', mediaFiles());
    await importViaPicker(page);

    // Part of the work is done, part is still waiting: reload now.
    await eventually(async () => {
      const c = await jobCounts(page);
      return c.done >= 12 && c.queued + c.running >= 12;
    }, 60_000).toBe(true);
    await page.reload();
    await waitForWriter(page);
    const resumed = await jobCounts(page);
    expect(resumed.queued + resumed.running, `left after the reload: ${JSON.stringify(resumed)}`).toBeGreaterThan(0);
    expect(await page.getByText('Reconnect folder').count()).toBe(0);
    await waitForJobsIdle(page, 90_000);

    const videos = await catalogVideos(page);
    expect(videos.map((v) => v.path).sort()).toEqual(truth.map((t) => t.path).sort());
    const jobs = await allJobs(page);
    expect(jobs).toHaveLength(truth.length * allStages.length);
    const keys = await blobKeys(page);
    expect(new Set(keys).size, 'blob keys are unique').toBe(keys.length);
    for (const t of truth) {
      const v = videos.find((x) => x.path === t.path)!;
      const mine = jobs.filter((j) => j.videoId === v.id);
      expect(mine.map((j) => j.stage).sort(), `${t.path} jobs`).toEqual(allStages);
      const stored = await videoMedia(page, v.id);
      expect(
        stored.frames.map((f) => f.index),
        `${t.path} frame rows`,
      ).toEqual(stored.frames.map((_, i) => i));
      expect(new Set(stored.frames.map((f) => f.time)).size, `${t.path} frame times`).toBe(stored.frames.length);
      expect(
        stored.scenes.map((s) => s.index),
        `${t.path} scene rows`,
      ).toEqual(stored.scenes.map((_, i) => i));
      expect(
        keys.filter((k) => k === `poster-${v.id}`),
        `${t.path} posters`,
      ).toHaveLength(t.expect === 'ok' ? 1 : stored.poster ? 1 : 0);
      if (t.expect === 'ok') {
        expect(
          mine.filter((j) => j.status !== 'done').map((j) => `${j.stage}: ${j.error}`),
          t.path,
        ).toEqual([]);
        expect(v.status, t.path).toBe('done');
        expect(stored.frames.length, `${t.path} frames`).toBeGreaterThanOrEqual(Math.ceil(v.duration!));
        expect(stored.poster?.blobKey, `${t.path} poster`).toBe(`poster-${v.id}`);
      } else {
        expect(v.status, t.path).toBe('failed');
      }
    }
  }, 240_000); // its own waits (60 s for half the work, 90 s for the rest) exceed the default 90 s on a busy machine
});
