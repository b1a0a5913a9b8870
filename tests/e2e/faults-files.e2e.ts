// Faults around the work on the user's files: the page crashes while a video is being indexed, and a video is
// deleted, cut short or replaced while its jobs read it. Each case checks what the user sees (the Jobs panel, the
// video's badges and reason) and that nothing is lost or done twice. `npm test` runs this file under CPU load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, test } from 'vitest';
import type { FramefinderWindow } from '../../src/debug-handle';
import type { Job } from '../../src/lib/types';
import {
  catalogJobs,
  catalogVideos,
  eventually,
  jobCounts,
  jobRows,
  openApp,
  openJobs,
  stageLabels,
  statusBar,
  videoRows,
  waitForJobsIdle,
} from './app';
import {
  fixtureFiles,
  removeOpfsFile,
  repoRoot,
  seedOpfsFolder,
  stubDirectoryPicker,
  useApp,
  writeOpfsFile,
} from './harness';
import type { FixtureFile } from './harness';
import { allJobs, blobKeys, videoMedia } from './media-helpers';

const folder = 'library';
const allStages = Object.keys(stageLabels).sort();
/** 20 s of 640×360 H.264: its scenes and frames stages run long enough to be caught in the middle. */
const longBytes = readFileSync(join(repoRoot, 'tests', 'fixtures', 'long', 'long-h264.mp4'));
const sunrise = fixtureFiles().find((f) => f.path === 'sunrise.mp4')!.bytes;
const longStages = ['scenes', 'frames'];
const timeout = 240_000;

describe('faults around the files being indexed', () => {
  const app = useApp();
  let page: Page;
  let pageErrors: string[];

  beforeEach(async () => {
    pageErrors = [];
    const context = await app.newContext();
    await stubDirectoryPicker(context, folder);
    page = await newPage();
  });

  async function newPage(): Promise<Page> {
    const p = await app.context!.newPage();
    p.on('pageerror', (err) => pageErrors.push(err.message));
    await openApp(p, app.server.url);
    return p;
  }

  async function importFolder(files: FixtureFile[], videos: number): Promise<void> {
    await seedOpfsFolder(page, folder, files);
    await page.getByRole('banner').getByRole('button', { name: 'Open folder' }).click();
    await eventually(() => statusBar(page).innerText(), 60_000).toContain(`Scan finished: ${videos} video`);
  }

  /** Waits until one of the long stages of `name` is running, and returns that job. */
  async function whileRunning(name: string): Promise<Job> {
    let job: Job | undefined;
    await eventually(async () => {
      job = (await catalogJobs(page, 'running')).find((j) => j.videoName === name && longStages.includes(j.stage));
      return job !== undefined;
    }, 120_000).toBe(true);
    return job!;
  }

  /** Rescans the folder and returns the new scan's summary (not the import's, still shown when the click lands). */
  /**
   * Rescans and returns the new scan's summary. Only the summary line is compared with the one before: the status
   * bar's job line changes meanwhile (a job failing, say), and that alone once passed for a finished rescan.
   */
  async function rescan(): Promise<string> {
    const scanLine = async () =>
      (await statusBar(page).innerText()).split('\n').find((line) => line.startsWith('Scan finished:')) ?? '';
    const before = await scanLine();
    await page.getByRole('button', { name: `Rescan ${folder}` }).click();
    let summary = '';
    await eventually(async () => {
      summary = await scanLine();
      return summary !== before && /unchanged/.test(summary);
    }, 60_000).toBe(true);
    return summary;
  }

  test(
    'the page crashes mid-job: the catalog opens, the job resumes once, and everything finishes',
    async () => {
      await importFolder([...fixtureFiles(), { path: 'long.mp4', bytes: longBytes }], 7);
      const interrupted = await whileRunning('long.mp4');

      const crashed = new Promise<void>((done) => page.once('crash', () => done()));
      const cdp = await app.context!.newCDPSession(page);
      void cdp.send('Page.crash').catch(() => undefined); // the answer never comes: the page is gone
      await crashed;
      await page.close().catch(() => undefined);

      // The user opens the app again in the same browser.
      page = await newPage();
      await eventually(async () => (await catalogVideos(page)).length, 30_000).toBe(7);
      const back = await jobCounts(page);
      expect(back.queued + back.running, `nothing was left to resume: ${JSON.stringify(back)}`).toBeGreaterThan(0);
      // Any retry on the way is noted with its reason: the job should not need one.
      const retries = new Set<string>();
      await eventually(async () => {
        for (const j of await catalogJobs(page, 'queued'))
          if (j.error) retries.add(`${j.videoName} ${j.stage}: ${j.error}`);
        const c = await jobCounts(page);
        return c.queued + c.running;
      }, 180_000).toBe(0);

      const dialog = await openJobs(page);
      // Only the empty file fails (it fails on its own); the interrupted video went through every stage.
      await eventually(async () => (await jobRows(dialog, 'Failed')).map((r) => r.label)).toEqual([
        `empty.mp4 · ${stageLabels.probe}`,
      ]);
      const jobs = await allJobs(page);
      const videos = await catalogVideos(page);
      expect(jobs).toHaveLength(videos.length * allStages.length);
      const long = videos.find((v) => v.path === 'long.mp4')!;
      expect(jobs.filter((j) => j.videoId === interrupted.videoId).map((j) => `${j.stage}:${j.status}`)).toEqual(
        expect.arrayContaining(allStages.map((s) => `${s}:done`)),
      );
      // The interrupted attempt does not count: the job ran once as far as the queue is concerned.
      const resumed = jobs.find((j) => j.id === interrupted.id);
      expect(
        resumed?.attempts,
        `the interrupted job: ${JSON.stringify(resumed)}, retries: ${[...retries].join('; ')}`,
      ).toBe(1);
      expect(long).toMatchObject({ status: 'done', width: 640, height: 360 });

      // Nothing stored twice: one row per frame and per scene, one poster, and each video once in search.
      const keys = await blobKeys(page);
      expect(new Set(keys).size, 'stored images are unique').toBe(keys.length);
      for (const v of videos.filter((x) => x.status === 'done')) {
        const stored = await videoMedia(page, v.id);
        expect(
          stored.frames.map((f) => f.index),
          `${v.path} frame rows`,
        ).toEqual(stored.frames.map((_, i) => i));
        expect(new Set(stored.frames.map((f) => f.time)).size, `${v.path} frame times`).toBe(stored.frames.length);
        expect(
          stored.scenes.map((s) => s.index),
          `${v.path} scene rows`,
        ).toEqual(stored.scenes.map((_, i) => i));
        expect(
          keys.filter((k) => k === `poster-${v.id}`),
          `${v.path} poster`,
        ).toHaveLength(1);
      }
      const indexed = await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.search.stats());
      expect(indexed.videos).toBe(videos.filter((x) => x.status === 'done').length);
      expect(pageErrors.filter((e) => !e.includes('Target crashed'))).toEqual([]);
    },
    timeout,
  );

  test(
    'a video deleted while it is indexed fails with the reason, and a rescan marks it Missing',
    async () => {
      await importFolder(
        [
          { path: 'long.mp4', bytes: longBytes },
          { path: 'sunrise.mp4', bytes: sunrise },
        ],
        2,
      );
      await whileRunning('long.mp4');
      await removeOpfsFile(page, folder, 'long.mp4');

      // The job gives up after its retries, saying why; the stages after it are skipped, the app keeps going.
      const dialog = await openJobs(page);
      const gone =
        '“long.mp4” is no longer in the folder (moved, renamed or deleted). Rescan the library to update it.';
      // The stages that open the file after it went fail: the subtitle tracks stage, which reads it last, unless it
      // ran beside the long stages before; and the long stage running, unless it had read what it needed (a stage
      // that reads the file whole at its start finishes without it: seen on a loaded machine).
      const failedRows = () => jobRows(dialog, 'Failed');
      await waitForJobsIdle(page, 120_000);
      const failedJobs = (await catalogJobs(page, 'failed')).length;
      await eventually(async () => (await failedRows()).length).toBe(failedJobs);
      const failed = (await failedRows()).map((f) => f.label);
      const long = [`long.mp4 · ${stageLabels.scenes}`, `long.mp4 · ${stageLabels.frames}`];
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.filter((label) => long.includes(label)).length).toBeLessThanOrEqual(1);
      expect(failed.filter((label) => !long.includes(label))).toEqual(
        failed.filter((label) => !long.includes(label)).length ? [`long.mp4 · ${stageLabels.subtitles}`] : [],
      );
      expect((await failedRows()).map((f) => f.error)).toEqual(failed.map(() => gone));
      await page.keyboard.press('Escape');
      const row = async () => (await videoRows(page)).find((r) => r.Name === 'long.mp4');
      await eventually(async () => (await row())?.Reason).toBe(gone);
      expect((await row())?.Badges).toBe('Failed');

      expect(await rescan()).toContain('1 missing');
      await eventually(async () => (await row())?.Badges).toContain('Missing');
      const sunriseRow = (await videoRows(page)).find((r) => r.Name === 'sunrise.mp4');
      expect(sunriseRow?.Badges).toBe('');
      expect(await jobCounts(page)).toMatchObject({ queued: 0, running: 0 });
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );

  test(
    'a video cut short while it is indexed: the job says why, and a rescan indexes what is left or says why not',
    async () => {
      await importFolder([{ path: 'long.mp4', bytes: longBytes }], 1);
      await whileRunning('long.mp4');
      await writeOpfsFile(page, folder, 'long.mp4', longBytes.subarray(0, longBytes.length >> 1));

      // Whatever the interrupted job met, it ends (done or failed with a reason) rather than retrying forever.
      await waitForJobsIdle(page, 120_000);
      expect(await rescan()).toContain('1 changed');
      await waitForJobsIdle(page, 120_000);
      const [video] = await catalogVideos(page);
      const jobs = await allJobs(page);
      expect(jobs.map((j) => j.stage).sort()).toEqual(allStages);
      const failed = jobs.filter((j) => j.status === 'failed');
      // Each failure is shown in the Jobs panel with its reason, as the catalog has it.
      const dialog = await openJobs(page);
      for (const job of failed) expect(job.error, `${job.stage} failed without a reason`).toBeTruthy();
      await eventually(() => jobRows(dialog, 'Failed')).toEqual(
        failed
          .map((j) => ({ label: `long.mp4 · ${stageLabels[j.stage as keyof typeof stageLabels]}`, error: j.error }))
          .sort((a, b) => (a.label < b.label ? -1 : 1)),
      );
      if (failed.length === 0) {
        // Half the file is still ten seconds of video: it is indexed as such.
        expect(video.status).toBe('done');
        expect(video.duration).toBeGreaterThan(0);
        expect(video.duration).toBeLessThan(20);
        expect((await videoMedia(page, video.id)).frames.length).toBeGreaterThan(0);
      } else {
        expect(video.status).toBe('failed');
      }
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );

  test(
    'a video replaced while it is indexed: a rescan indexes the new file, not a mix of the two',
    async () => {
      await importFolder([{ path: 'long.mp4', bytes: longBytes }], 1);
      await whileRunning('long.mp4');
      await writeOpfsFile(page, folder, 'long.mp4', sunrise);

      await waitForJobsIdle(page, 120_000);
      expect(await rescan()).toContain('1 changed');
      await waitForJobsIdle(page, 120_000);
      const [video] = await catalogVideos(page);
      // The 4-second 320×180 sunrise, with its own frames: nothing left from the 20-second video it replaced.
      expect(video).toMatchObject({ status: 'done', width: 320, height: 180, size: sunrise.length });
      expect(Math.round(video.duration!)).toBe(4);
      const stored = await videoMedia(page, video.id);
      expect(stored.frames.length).toBeGreaterThan(0);
      expect(Math.max(...stored.frames.map((f) => f.time))).toBeLessThan(4.1);
      expect(Math.max(...stored.scenes.map((s) => s.end))).toBeLessThan(4.1);
      await eventually(async () => (await videoRows(page)).map((r) => [r.Name, r.Badges, r.Duration])).toEqual([
        ['long.mp4', '', '0:04'],
      ]);
      const indexed = await page.evaluate(() => (window as unknown as FramefinderWindow).framefinder.search.stats());
      expect(indexed.videos).toBe(1);
      expect(pageErrors).toEqual([]);
    },
    timeout,
  );
});
