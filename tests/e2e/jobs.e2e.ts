// The job queue as a user meets it in the Jobs panel: every imported video goes through the checksum and media
// stages (Metadata, Poster, Scrub strip, Scenes, Frames for search); a file that is not a video fails at its
// Metadata stage at once and its later stages are skipped; pausing holds every job in the queue (also across a
// reload); a file that vanished fails after its retries with a clear message, and "Retry" runs it again.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { dependentsOf } from '../../src/indexing/registry';
import type { FramefinderWindow } from '../../src/debug-handle';
import {
  baseNames,
  catalogJobs,
  catalogVideos,
  eventually,
  flushCatalog,
  importViaInput,
  importViaPicker,
  jobCounts,
  jobLabels,
  jobRows,
  jobSection,
  jobSectionCount,
  openApp,
  openJobs,
  stageLabels,
  stageLabelsOf,
  statusBar,
  videoRows,
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
/** The fixture videos that are real videos (empty.mp4 has 0 bytes). */
const realNames = expectedNames.filter((n) => n !== 'empty.mp4');
const emptyMessage = 'The file is empty (0 bytes).';
/** What a fully processed fixture library shows under Finished: every stage of the real videos, and empty.mp4's
 * stages that need no probe (its checksum, its subtitle files). */
const allFinished = [...stageLabelsOf(realNames), 'empty.mp4 · Checksum', 'empty.mp4 · Subtitle files'].sort();
/** empty.mp4's stages after its Metadata stage: skipped when that failed. */
/** Stages per video; the five real fixture videos finish them all, empty.mp4 its checksum and subtitle files. */
const perVideo = Object.keys(stageLabels).length;
const finishedAfterImport = 5 * perVideo + 2;
/** The stages a failed probe skips: every stage after it. */
// Stages run on request (speech to text) are not queued by a scan.
const afterProbe = dependentsOf('probe').filter((s) => s in stageLabels) as (keyof typeof stageLabels)[];
const emptySkipped = stageLabelsOf(['empty.mp4'], afterProbe);
/** Resolves once the job runner has started, holding the jobs when processing is paused: from then on a job
 * that ran would already be showing. */
const runnerStarted = (page: Page) =>
  page.waitForFunction(() => (window as unknown as FramefinderWindow).framefinder.state.jobs.started);

describe('jobs', () => {
  const app = useApp();
  let context: BrowserContext | undefined;

  /** The app with its folder picker returning the OPFS folder "library", seeded with the fixtures. */
  async function pickerPage(): Promise<Page> {
    context = await app.newContext();
    const page = await context.newPage();
    await stubDirectoryPicker(page, 'library');
    await openApp(page, app.server.url);
    await seedOpfsFolder(page, 'library', fixtureFiles());
    return page;
  }

  /** Opens the Jobs panel and pauses processing; leaves the panel closed. */
  async function pause(page: Page): Promise<void> {
    const jobs = await openJobs(page);
    await jobs.getByRole('button', { name: 'Pause processing' }).click();
    await jobs.getByRole('button', { name: 'Resume processing' }).waitFor();
    await jobs.getByRole('button', { name: 'Close' }).click();
    await jobs.waitFor({ state: 'hidden' });
  }

  async function expectAllQueued(page: Page, jobs: Locator): Promise<void> {
    await eventually(() => jobLabels(jobs, 'Queued')).toEqual(stageLabelsOf(expectedNames));
    await eventually(() => jobSectionCount(jobs, 'Queued')).toBe(6 * perVideo);
    await eventually(() => jobSectionCount(jobs, 'Finished')).toBe(0);
    await eventually(() => jobSection(jobs, 'Running').getByText('None').count()).toBe(1);
    await eventually(() => jobs.getByText('Processing is paused.').count()).toBe(1);
    expect(await jobCounts(page)).toEqual({ queued: 6 * perVideo, running: 0, done: 0, failed: 0, cancelled: 0 });
    expect(await statusBar(page).innerText()).toContain(`Processing paused: ${6 * perVideo} waiting`);
  }

  /** The Failed and Cancelled rows empty.mp4 leaves: its Metadata stage failed, the stages after it skipped. */
  function emptyRows(): { failed: { label: string; error: string }; skipped: { label: string; error: string }[] } {
    return {
      failed: { label: 'empty.mp4 · Metadata', error: emptyMessage },
      skipped: emptySkipped.map((label) => ({ label, error: 'Skipped: probe failed' })),
    };
  }

  test('after an import every video goes through every stage; an empty file fails at once, its later stages skipped', async () => {
    context = await app.newContext();
    const page = await context.newPage();
    await openApp(page, app.server.url);
    await importViaInput(page, fixtureLibraryDir);

    const jobs = await openJobs(page);
    await eventually(() => jobLabels(jobs, 'Finished'), 60_000).toEqual(allFinished);
    await eventually(() => jobSectionCount(jobs, 'Finished')).toBe(finishedAfterImport);
    for (const section of ['Running', 'Queued'] as const) {
      expect(await jobSection(jobs, section).getByText('None').count(), section).toBe(1);
    }
    expect(await jobRows(jobs, 'Failed')).toEqual([emptyRows().failed]);
    expect(await jobRows(jobs, 'Cancelled')).toEqual(emptyRows().skipped);
    expect(await jobSectionCount(jobs, 'Failed')).toBe(1);
    expect(await jobSectionCount(jobs, 'Cancelled')).toBe(afterProbe.length);
    // A file that is not a video cannot get better by retrying: one attempt, no backoff.
    expect(await catalogJobs(page, 'failed')).toMatchObject([
      { videoName: 'empty.mp4', stage: 'probe', attempts: 1, error: emptyMessage },
    ]);
    await jobs.getByRole('button', { name: 'Close' }).click();
    await eventually(() => page.getByRole('banner').getByRole('button', { name: 'Jobs', exact: true }).count()).toBe(1);
    expect(await statusBar(page).innerText()).not.toContain('Processing');
    expect(await statusBar(page).innerText()).toContain('1 job failed');

    const videos = await catalogVideos(page);
    expect(videos).toHaveLength(6);
    for (const video of videos) {
      expect(video.quickHash, video.path).toMatch(/\S/);
      if (video.name === 'empty.mp4') expect(video).toMatchObject({ status: 'failed', lastError: emptyMessage });
      else expect(video, video.path).toMatchObject({ status: 'done', lastError: null });
    }
    expect(new Set(videos.map((v) => v.quickHash)).size).toBe(6); // six different files, six hashes
    expect(await jobCounts(page)).toEqual({
      done: finishedAfterImport,
      queued: 0,
      running: 0,
      failed: 1,
      cancelled: afterProbe.length,
    });
    // The list says which file failed and why, under its name.
    const rows = await videoRows(page);
    expect(rows.filter((r) => r.Badges === 'Failed').map((r) => [r.Name, r.Reason])).toEqual([
      ['empty.mp4', emptyMessage],
    ]);
  });

  test('paused jobs wait; a vanished file fails after its retries, and "Retry" runs it again', async () => {
    const page = await pickerPage();
    await pause(page);
    await importViaPicker(page);
    await runnerStarted(page);
    let jobs = await openJobs(page);
    await expectAllQueued(page, jobs);
    const queued = jobSection(jobs, 'Queued');
    expect(await queued.getByRole('button', { name: 'Cancel checksum of sunrise.mp4' }).count()).toBe(1);
    expect(await queued.getByRole('button', { name: 'Cancel probe of sunrise.mp4' }).count()).toBe(1);

    await removeOpfsFile(page, 'library', 'sunrise.mp4');
    await jobs.getByRole('button', { name: 'Resume processing' }).click();
    await jobs.getByRole('button', { name: 'Pause processing' }).waitFor();

    // Between attempts a job waits in the queue and says why.
    await eventually(() => queued.innerText(), 20_000).toContain('Attempt 2 failed, retrying');
    const sunriseFailed = ['sunrise.mp4 · Checksum', 'sunrise.mp4 · Metadata'];
    await eventually(() => jobLabels(jobs, 'Failed'), 60_000).toEqual(['empty.mp4 · Metadata', ...sunriseFailed]);
    // Its subtitle files stage needs no video file (it reads the files beside it, here none) and finishes.
    await eventually(() => jobLabels(jobs, 'Finished'), 30_000).toEqual(
      allFinished.filter((l) => !l.startsWith('sunrise.mp4 ') || l === 'sunrise.mp4 · Subtitle files'),
    );
    const failed = jobSection(jobs, 'Failed');
    for (const row of (await jobRows(jobs, 'Failed')).filter((r) => r.label.startsWith('sunrise.mp4'))) {
      expect(row.error, row.label).toContain('“sunrise.mp4” is no longer in the folder');
    }
    expect(await jobRows(jobs, 'Cancelled')).toEqual(
      [
        ...emptyRows().skipped,
        ...stageLabelsOf(['sunrise.mp4'], afterProbe).map((label) => ({
          label,
          error: 'Skipped: probe failed',
        })),
      ].sort((a, b) => (a.label < b.label ? -1 : 1)),
    );
    expect(await jobSectionCount(jobs, 'Failed')).toBe(3);
    const sunriseJobs = (await catalogJobs(page, 'failed')).filter((j) => j.videoName === 'sunrise.mp4');
    expect(sunriseJobs.map((j) => [j.stage, j.attempts]).sort()).toEqual([
      ['checksum', 3],
      ['probe', 3],
    ]);
    await eventually(() => statusBar(page).innerText()).toContain('3 jobs failed');

    await jobs.getByRole('button', { name: 'Close' }).click();
    const sunrise = async () => (await videoRows(page)).find((v) => v.Name === 'sunrise.mp4');
    await eventually(sunrise).toMatchObject({
      Badges: 'Failed',
      Reason: expect.stringContaining('no longer in the folder'),
    });

    // The file comes back; retrying its failed jobs now succeeds, and the stages they had skipped run too.
    const original = fixtureFiles().find((f) => f.path === 'sunrise.mp4')!;
    await writeOpfsFile(page, 'library', 'sunrise.mp4', original.bytes);
    jobs = await openJobs(page);
    await failed.getByRole('button', { name: 'Retry checksum of sunrise.mp4' }).click();
    await failed.getByRole('button', { name: 'Retry probe of sunrise.mp4' }).click();
    await eventually(() => jobLabels(jobs, 'Finished'), 30_000).toEqual(allFinished);
    expect(await jobRows(jobs, 'Failed')).toEqual([emptyRows().failed]);
    expect(await jobRows(jobs, 'Cancelled')).toEqual(emptyRows().skipped);
    expect(await jobCounts(page)).toEqual({
      done: finishedAfterImport,
      failed: 1,
      cancelled: afterProbe.length,
      queued: 0,
      running: 0,
    });
    await jobs.getByRole('button', { name: 'Close' }).click();
    await eventually(sunrise).toMatchObject({ Badges: '', Reason: '', Duration: '0:04', Poster: 'image' });
    expect((await catalogVideos(page)).find((v) => v.path === 'sunrise.mp4')).toMatchObject({
      quickHash: expect.stringMatching(/\S/),
      status: 'done',
      lastError: null,
      duration: 4,
    });
  });

  test('a pause survives a reload: jobs stay queued until "Resume processing"', async () => {
    const page = await pickerPage();
    await pause(page);
    await importViaPicker(page);
    // The app saves a moment after each change; import.e2e.ts covers a reload inside that moment.
    await flushCatalog(page);

    await page.reload();
    await waitForWriter(page);
    await runnerStarted(page);
    const jobs = await openJobs(page);
    expect(await jobs.getByRole('button', { name: 'Resume processing' }).count()).toBe(1);
    expect(await jobs.getByRole('button', { name: 'Pause processing' }).count()).toBe(0);
    await expectAllQueued(page, jobs);

    await jobs.getByRole('button', { name: 'Resume processing' }).click();
    await eventually(() => jobLabels(jobs, 'Finished'), 60_000).toEqual(allFinished);
    expect(await jobRows(jobs, 'Failed')).toEqual([emptyRows().failed]);
    expect(await jobs.getByText('Processing is paused.').count()).toBe(0);
  });
});
