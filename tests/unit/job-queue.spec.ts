import { describe, expect, it } from 'vitest';
import { JobRunner, type JobHandler } from '../../src/indexing/job-runner';
import { scanStageNames as stageNames } from '../../src/indexing/registry';
import { AbortError } from '../../src/lib/errors';
import { backoffMs, maxAttempts } from '../../src/lib/jobs';
import type { JobStage } from '../../src/lib/types';
import { Catalog } from '../../src/db/catalog';
import { drainJobs, freshCatalog, file, sqlJs } from './helpers';

/** The same handler for every stage. */
const every = (handler: JobHandler): Partial<Record<JobStage, JobHandler>> =>
  Object.fromEntries(stageNames.map((s) => [s, handler]));
/** A job handler that runs each job through the handler of its stage. */
const byStage =
  (handlers: Partial<Record<JobStage, JobHandler>>): JobHandler =>
  (job, ctx) =>
    handlers[job.stage]!(job, ctx);
const perVideo = stageNames.length;

async function catalogWithVideos(n: number) {
  const { catalog, clock } = await freshCatalog();
  const lib = catalog.addLibrary('L', 'handle');
  catalog.applyScanOps(
    lib.id,
    Array.from({ length: n }, (_, i) => ({ kind: 'add' as const, file: file(`v${i}.mp4`) })),
  );
  return { catalog, clock, lib };
}

describe('job queue', () => {
  it('runs every queued job at most `concurrency` at a time and marks videos done', async () => {
    const { catalog } = await catalogWithVideos(5);
    let inFlight = 0;
    let peak = 0;
    const checksum: JobHandler = async (_job, ctx) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      ctx.progress(50);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
    };
    const runner = new JobRunner(catalog, byStage(every(checksum)), { concurrency: 2 });
    runner.start();
    await runner.whenIdle();
    await runner.stop();
    expect(peak).toBe(2);
    expect(catalog.jobCounts()).toMatchObject({ done: 5 * perVideo, queued: 0, running: 0 });
    expect(catalog.listVideos().every((v) => v.status === 'done')).toBe(true);
  });

  it('retries a failing job with backoff, then marks it failed with the reason after 3 attempts', async () => {
    const { catalog, clock } = await catalogWithVideos(1);
    let calls = 0;
    const failing: JobHandler = async () => {
      calls += 1;
      throw new Error('File could not be read');
    };
    const ok: JobHandler = async () => {};
    const r = new JobRunner(catalog, byStage({ ...every(ok), probe: failing }), {
      concurrency: 1,
      now: () => clock.now,
    });
    r.start();
    await r.whenIdle();
    expect(calls).toBe(1);
    const [job] = catalog.listJobs('queued').filter((j) => j.stage === 'probe');
    expect(job).toMatchObject({ attempts: 1, error: 'File could not be read' });
    // The subtitle files and the checksum need no probe and ran; the stages that need the probe wait.
    expect(catalog.listJobs('done').map((j) => j.stage)).toEqual(['sidecars', 'checksum']);
    expect(job.notBefore).toBe(clock.now + backoffMs(1));
    // Not due yet: claiming finds nothing.
    expect(catalog.claimJobs(1)).toEqual([]);
    for (let attempt = 2; attempt <= maxAttempts; attempt++) {
      clock.now += backoffMs(attempt - 1);
      r.poke();
      await r.whenIdle();
    }
    await r.stop();
    expect(calls).toBe(maxAttempts);
    const [failed] = catalog.listJobs('failed');
    expect(failed).toMatchObject({ attempts: 3, error: 'File could not be read', videoName: 'v0.mp4' });
    expect(catalog.listVideos()[0]).toMatchObject({
      status: 'failed',
      failureCount: 1,
      lastError: 'File could not be read',
    });

    catalog.retryJob(failed.id);
    expect(catalog.listJobs('queued')[0]).toMatchObject({ attempts: 0, error: null });
    expect(catalog.listVideos()[0].status).toBe('pending');
  });

  it('cancels one running job (its handler is aborted) and all queued ones', async () => {
    const { catalog } = await catalogWithVideos(3);
    const started: number[] = [];
    let onStart = () => {};
    const nextStart = () => new Promise<void>((resolve) => (onStart = resolve));
    // A job that runs until it is aborted.
    const slow: JobHandler = (job, ctx) =>
      new Promise((_resolve, reject) => {
        started.push(job.id);
        ctx.signal.addEventListener('abort', () => reject(new AbortError()));
        onStart();
      });
    const runner = new JobRunner(catalog, byStage(every(slow)), { concurrency: 1 });
    let starting = nextStart();
    runner.start();
    await starting;
    expect(started).toHaveLength(1);
    starting = nextStart();
    catalog.cancelJob(started[0]);
    runner.abort(started[0]);
    await starting;
    expect(started).toHaveLength(2); // the next job started
    expect(catalog.cancelAllJobs()).toBe(3 * perVideo - 1);
    runner.abortAll();
    await runner.whenIdle();
    await runner.stop();
    expect(catalog.jobCounts()).toMatchObject({ cancelled: 3 * perVideo, done: 0, failed: 0 });
  });

  it('resumes after a reload: a job that was running is queued again without losing an attempt', async () => {
    const { catalog } = await catalogWithVideos(2);
    const [running] = catalog.claimJobs(1);
    expect(running.attempts).toBe(1);
    // The tab goes away mid-job; the saved catalog still says "running".
    const reopened = Catalog.open(await sqlJs(), catalog.export());
    expect(reopened.resumeInterruptedJobs()).toBe(1);
    expect(reopened.getJob(running.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const done: number[] = [];
    const runner = new JobRunner(reopened, byStage(every(async (job) => void done.push(job.videoId))), {
      concurrency: 2,
    });
    runner.start();
    await runner.whenIdle();
    await runner.stop();
    expect(done).toHaveLength(2 * perVideo); // the interrupted job ran once more, nothing twice
    expect(reopened.jobCounts()).toMatchObject({ done: 2 * perVideo, queued: 0 });
  });

  it('skips jobs of files that went missing, runs higher priority first and waits for prerequisites', async () => {
    const { catalog, lib } = await catalogWithVideos(2);
    const [a] = catalog.listVideos();
    catalog.applyScanOps(lib.id, [{ kind: 'missing', id: a.id }]);
    const claimed = catalog.claimJobs(10);
    expect(claimed.map((j) => [j.videoName, j.stage])).toEqual([
      ['v1.mp4', 'sidecars'],
      ['v1.mp4', 'probe'],
      ['v1.mp4', 'checksum'],
    ]);
    for (const job of claimed) catalog.completeJob(job.id);
    expect(catalog.claimJobs(10).map((j) => j.stage)).toEqual(['poster', 'scenes', 'subtitles']);
  });

  it('fails at once on an error no retry can fix, such as a file that is not a video', async () => {
    const { catalog } = await catalogWithVideos(1);
    const notAVideo = Object.assign(new Error('“v0.mp4” is not a video file.'), { name: 'BadMediaError' });
    const runner = new JobRunner(
      catalog,
      byStage({ ...every(async () => {}), probe: async () => Promise.reject(notAVideo) }),
      { concurrency: 1 },
    );
    runner.start();
    await runner.whenIdle();
    await runner.stop();
    expect(catalog.listJobs('failed')).toMatchObject([
      { stage: 'probe', attempts: 1, error: '“v0.mp4” is not a video file.' },
    ]);
    expect(catalog.jobCounts().queued).toBe(0);
  });
});

describe('jobs of libraries that cannot be read right now', () => {
  it('wait in the queue instead of failing, and run once their library is reachable', async () => {
    const { catalog, lib } = await catalogWithVideos(2);
    const other = catalog.addLibrary('Offline folder', 'files');
    catalog.applyScanOps(other.id, [{ kind: 'add', file: file('far.mp4') }]);
    expect(
      catalog
        .claimJobs(10, [lib.id])
        .map((j) => j.videoName)
        .sort(),
    ).toEqual(['v0.mp4', 'v0.mp4', 'v0.mp4', 'v1.mp4', 'v1.mp4', 'v1.mp4']); // subtitle files, probe and checksum: the rest wait for the probe
    expect(catalog.claimJobs(10, [])).toEqual([]);
    expect(catalog.nextDueAt([lib.id])).toBeNull();
    expect(catalog.nextDueAt([other.id])).toBe(0);
    expect(catalog.claimJobs(10, [other.id]).map((j) => j.videoName)).toEqual(['far.mp4', 'far.mp4', 'far.mp4']);
  });
});

describe('pausing', () => {
  it('puts running jobs back in the queue without spending an attempt', async () => {
    const { catalog } = await catalogWithVideos(2);
    const claimed = catalog.claimJobs(2);
    catalog.requeueJobs(claimed.map((j) => j.id));
    expect(catalog.jobCounts()).toMatchObject({ queued: 2 * perVideo, running: 0 });
    expect(catalog.listJobs('queued').every((j) => j.attempts === 0)).toBe(true);
  });

  it('stop() resolves only after the stopped handlers returned, whatever they still wrote first', async () => {
    const { catalog } = await catalogWithVideos(1);
    const log: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow: JobHandler = (_job, ctx) =>
      new Promise((_, reject) => {
        started();
        // A stage that finishes its write after the abort, as one mid-way through a catalog call does.
        ctx.signal.addEventListener('abort', () =>
          setTimeout(() => {
            log.push('wrote');
            reject(new AbortError());
          }, 30),
        );
      });
    const runner = new JobRunner(catalog, byStage(every(slow)), { concurrency: 1 });
    runner.start();
    await running;
    await runner.stop();
    log.push('stopped');
    expect(log).toEqual(['wrote', 'stopped']);
  });
});

describe('search data lost from disk', () => {
  it('queues scenes and frames again for indexed videos whose fingerprints are missing or cut short, once', async () => {
    const { catalog } = await catalogWithVideos(4);
    drainJobs(catalog);
    const [a, b, c, d] = catalog.listVideoIds();
    // c's fingerprints are gone, d's newest chunk was cut short; a and b are whole.
    expect(catalog.requeueUnindexed([a, b, d], [d])).toEqual([c, d]);
    const queued = catalog.listJobs('queued').map((j) => `${j.videoId}:${j.stage}`);
    expect(queued.sort()).toEqual([`${c}:frames`, `${c}:scenes`, `${d}:frames`, `${d}:scenes`].sort());
    // Waiting to be redone: asking again (another start before they ran) queues nothing more.
    expect(catalog.requeueUnindexed([a, b], [d])).toEqual([]);
    drainJobs(catalog);
    expect(catalog.listVideos({}).every((v) => v.status === 'done')).toBe(true);
  });
});
