// The job queue as a user meets it in the Jobs panel: every imported video gets a checksum job that
// finishes; pausing holds jobs in the queue (also across a reload); a file that vanished fails after its
// retries with a clear message, and "Retry" runs it again.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  baseNames,
  catalogJobs,
  catalogVideos,
  eventually,
  flushCatalog,
  importViaInput,
  importViaPicker,
  jobCounts,
  jobNames,
  jobSection,
  jobSectionCount,
  listedVideos,
  openApp,
  openJobs,
  statusBar,
  waitForWriter,
} from './app';
import {
  expectedLibrary,
  fixtureFiles,
  fixtureLibraryDir,
  launchBrowser,
  removeOpfsFile,
  seedOpfsFolder,
  startServer,
  stubDirectoryPicker,
  writeOpfsFile,
} from './harness';
import type { TestServer } from './harness';

const expectedNames = baseNames(expectedLibrary().map((v) => v.path));
/** Long enough for any checksum job on the fixtures to have run if processing were not paused. */
const settleMs = 1500;

describe('jobs', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The app with its folder picker returning the OPFS folder "library", seeded with the fixtures. */
  async function pickerPage(): Promise<Page> {
    context = await browser.newContext();
    const page = await context.newPage();
    await stubDirectoryPicker(page, 'library');
    await openApp(page, server.url);
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
    await eventually(() => jobNames(jobs, 'Queued')).toEqual(expectedNames);
    await eventually(() => jobSectionCount(jobs, 'Queued')).toBe(6);
    await eventually(() => jobSectionCount(jobs, 'Finished')).toBe(0);
    await eventually(() => jobSection(jobs, 'Running').getByText('None').count()).toBe(1);
    await eventually(() => jobs.getByText('Processing is paused.').count()).toBe(1);
    expect(await jobCounts(page)).toMatchObject({ queued: 6, running: 0, done: 0, failed: 0 });
    expect(await statusBar(page).innerText()).toContain('Processing paused: 6 waiting');
  }

  test('after an import every video gets a checksum job that finishes, and a quick hash', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    await openApp(page, server.url);
    await importViaInput(page, fixtureLibraryDir);

    const jobs = await openJobs(page);
    await eventually(() => jobNames(jobs, 'Finished'), 20_000).toEqual(expectedNames);
    await eventually(() => jobSectionCount(jobs, 'Finished')).toBe(6);
    for (const section of ['Running', 'Queued', 'Failed', 'Cancelled'] as const) {
      expect(await jobSection(jobs, section).getByText('None').count(), section).toBe(1);
    }
    expect(await jobSection(jobs, 'Finished').getByText('Checksum').count()).toBe(6);
    await jobs.getByRole('button', { name: 'Close' }).click();
    await eventually(() => page.getByRole('banner').getByRole('button', { name: 'Jobs', exact: true }).count()).toBe(1);
    expect(await statusBar(page).innerText()).not.toContain('Processing');

    const videos = await catalogVideos(page);
    expect(videos).toHaveLength(6);
    for (const video of videos) {
      expect(video.quickHash, video.path).toMatch(/\S/);
      expect(video.status, video.path).toBe('done');
    }
    expect(new Set(videos.map((v) => v.quickHash)).size).toBe(6); // six different files, six hashes
    expect(await jobCounts(page)).toMatchObject({ done: 6, queued: 0, running: 0, failed: 0 });
  });

  test('paused jobs wait; a vanished file fails after its retries, and "Retry" runs it again', async () => {
    const page = await pickerPage();
    await pause(page);
    await importViaPicker(page);
    await page.waitForTimeout(settleMs);
    let jobs = await openJobs(page);
    await expectAllQueued(page, jobs);
    expect(
      await jobSection(jobs, 'Queued').getByRole('button', { name: 'Cancel checksum of sunrise.mp4' }).count(),
    ).toBe(1);

    await removeOpfsFile(page, 'library', 'sunrise.mp4');
    await jobs.getByRole('button', { name: 'Resume processing' }).click();
    await jobs.getByRole('button', { name: 'Pause processing' }).waitFor();

    // Between attempts the job waits in the queue and says why.
    await eventually(() => jobSection(jobs, 'Queued').innerText(), 20_000).toContain('Attempt 2 failed, retrying');
    await eventually(() => jobNames(jobs, 'Failed'), 40_000).toEqual(['sunrise.mp4']);
    const failed = jobSection(jobs, 'Failed');
    expect(await failed.innerText()).toContain('“sunrise.mp4” is no longer in the folder');
    await eventually(() => jobNames(jobs, 'Finished')).toEqual(expectedNames.filter((n) => n !== 'sunrise.mp4'));
    expect(await jobSectionCount(jobs, 'Failed')).toBe(1);
    const [job] = await catalogJobs(page, 'failed');
    expect(job).toMatchObject({ videoName: 'sunrise.mp4', attempts: 3 });
    expect(await statusBar(page).innerText()).toContain('1 job failed');

    await jobs.getByRole('button', { name: 'Close' }).click();
    const sunrise = async () => (await listedVideos(page)).find((v) => v.name === 'sunrise.mp4');
    await eventually(sunrise).toMatchObject({ badges: ['Failed'] });

    // The file comes back; retrying the job now succeeds.
    const original = fixtureFiles().find((f) => f.path === 'sunrise.mp4')!;
    await writeOpfsFile(page, 'library', 'sunrise.mp4', original.bytes);
    jobs = await openJobs(page);
    await failed.getByRole('button', { name: 'Retry checksum of sunrise.mp4' }).click();
    await eventually(() => jobNames(jobs, 'Finished')).toEqual(expectedNames);
    expect(await jobSection(jobs, 'Failed').getByText('None').count()).toBe(1);
    expect(await jobCounts(page)).toMatchObject({ done: 6, failed: 0, queued: 0, running: 0 });
    await jobs.getByRole('button', { name: 'Close' }).click();
    await eventually(sunrise).toMatchObject({ badges: [] });
    expect((await catalogVideos(page)).find((v) => v.path === 'sunrise.mp4')?.quickHash).toMatch(/\S/);
  });

  test('a pause survives a reload: jobs stay queued until "Resume processing"', async () => {
    const page = await pickerPage();
    await pause(page);
    await importViaPicker(page);
    // The app saves a moment after each change; import.e2e.ts covers a reload inside that moment.
    await flushCatalog(page);

    await page.reload();
    await waitForWriter(page);
    await page.waitForTimeout(settleMs);
    const jobs = await openJobs(page);
    expect(await jobs.getByRole('button', { name: 'Resume processing' }).count()).toBe(1);
    expect(await jobs.getByRole('button', { name: 'Pause processing' }).count()).toBe(0);
    await expectAllQueued(page, jobs);

    await jobs.getByRole('button', { name: 'Resume processing' }).click();
    await eventually(() => jobNames(jobs, 'Finished'), 20_000).toEqual(expectedNames);
    expect(await jobs.getByText('Processing is paused.').count()).toBe(0);
  });
});
