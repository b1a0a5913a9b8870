import { describe, expect, it } from 'vitest';
import { scanStageNames } from '../../src/indexing/registry';
import type { Catalog } from '../../src/db/catalog';
import type { Job, JobStage } from '../../src/lib/types';
import { openBackup } from '../../src/db/backup';
import { drainJobs, file, freshCatalog, sqlJs } from './helpers';

const day = 86_400_000;

/** A catalog as the worker opens it (stages listed), with `n` videos scanned at the clock's time. */
async function catalogWithVideos(n: number) {
  const { catalog, clock } = await freshCatalog();
  catalog.enqueueMissingStages();
  const lib = catalog.addLibrary('L', 'handle');
  catalog.applyScanOps(
    lib.id,
    Array.from({ length: n }, (_, i) => ({ kind: 'add' as const, file: file(`v${i}.mp4`) })),
  );
  return { catalog, clock, lib };
}

const jobsOf = (catalog: Catalog, videoId: number): Job[] =>
  (['queued', 'running', 'done', 'failed', 'cancelled'] as const)
    .flatMap((s) => catalog.listJobs(s, 10_000))
    .filter((j) => j.videoId === videoId);
const stagesOf = (catalog: Catalog, videoId: number): JobStage[] =>
  jobsOf(catalog, videoId)
    .map((j) => j.stage)
    .sort();

/** Runs one video's jobs to their end (its `failing` stage fails for good); other videos' jobs wait. */
function runJobsOf(catalog: Catalog, videoId: number, failing?: JobStage): void {
  for (;;) {
    const claimed = catalog.claimJobs(1000);
    const mine = claimed.filter((j) => j.videoId === videoId);
    catalog.requeueJobs(claimed.filter((j) => j.videoId !== videoId).map((j) => j.id));
    if (mine.length === 0) return;
    for (const job of mine) {
      if (job.stage === failing) catalog.failJob(job.id, 'Unreadable file', true);
      else catalog.completeJob(job.id);
    }
  }
}

describe('job history pruning', () => {
  it('deletes done jobs that finished over 30 days ago and keeps newer ones, failed, cancelled and waiting ones', async () => {
    const { catalog, clock } = await catalogWithVideos(4);
    const [old, recent, failed, waiting] = catalog.listVideos().map((v) => v.id);
    // Forty days ago: the old video is indexed; the failed video's probe fails (the stages needing it are skipped).
    runJobsOf(catalog, old);
    runJobsOf(catalog, failed, 'probe');
    clock.now += 30 * day;
    runJobsOf(catalog, recent); // ten days ago; the waiting video's jobs stay queued
    clock.now += 10 * day;
    const failedKept = jobsOf(catalog, failed).filter((j) => j.status !== 'done');
    expect(failedKept.map((j) => j.status)).toContain('failed');
    expect(failedKept.map((j) => j.status)).toContain('cancelled');
    const oldDone = scanStageNames.length + jobsOf(catalog, failed).length - failedKept.length;
    expect(catalog.prunableJobs()).toBe(oldDone);

    expect(catalog.pruneJobHistory()).toBe(oldDone);

    expect(jobsOf(catalog, old)).toEqual([]);
    expect(stagesOf(catalog, recent)).toEqual([...scanStageNames].sort());
    expect(jobsOf(catalog, recent).every((j) => j.status === 'done')).toBe(true);
    expect(jobsOf(catalog, failed)).toEqual(failedKept);
    expect(jobsOf(catalog, failed).find((j) => j.stage === 'probe')?.error).toBe('Unreadable file');
    expect(stagesOf(catalog, waiting)).toEqual([...scanStageNames].sort());
    expect(jobsOf(catalog, waiting).every((j) => j.status === 'queued')).toBe(true);
    expect(catalog.prunableJobs()).toBe(0);
    // The videos stay as they were: done stays done, failed stays failed with its reason.
    const videos = new Map(catalog.listVideos().map((v) => [v.id, v]));
    expect(videos.get(old)?.status).toBe('done');
    expect(videos.get(failed)?.status).toBe('failed');
    expect(videos.get(failed)?.lastError).toBe('Unreadable file');
  });

  it('keeps an on-request job (speech to text), done or not', async () => {
    const { catalog, clock } = await catalogWithVideos(1);
    drainJobs(catalog);
    const [id] = catalog.listVideoIds();
    catalog.queueStage('transcribe', { videoIds: [id] });
    drainJobs(catalog);
    clock.now += 60 * day;
    catalog.pruneJobHistory();
    expect(stagesOf(catalog, id)).toEqual(['transcribe']);
  });

  it('does not queue a pruned stage again on the next start, nor again once it is queued for all', async () => {
    const { catalog, clock } = await catalogWithVideos(3);
    drainJobs(catalog);
    clock.now += 31 * day;
    expect(catalog.pruneJobHistory()).toBe(3 * scanStageNames.length);
    // What the catalog worker does when a tab becomes the writer.
    expect(catalog.enqueueMissingStages()).toBe(0);
    expect(catalog.jobCounts()).toMatchObject({ queued: 0, done: 0 });
    expect(catalog.listVideos().every((v) => v.status === 'done')).toBe(true);
  });

  it('still queues a stage the catalog never had for every video (a catalog from before pruning)', async () => {
    const { catalog } = await freshCatalog();
    const lib = catalog.addLibrary('L', 'handle');
    catalog.applyScanOps(lib.id, [{ kind: 'add', file: file('a.mp4') }]);
    drainJobs(catalog);
    catalog.sql.run(`DELETE FROM jobs WHERE stage = 'embeddings'`); // as if the stage were new in this version
    expect(catalog.enqueueMissingStages()).toBe(1);
    expect(catalog.listJobs('queued').map((j) => j.stage)).toEqual(['embeddings']);
  });

  it('re-queues a pruned stage when every video needs it again (a new word-search model)', async () => {
    const { catalog, clock } = await catalogWithVideos(2);
    drainJobs(catalog);
    clock.now += 31 * day;
    catalog.pruneJobHistory();
    expect(catalog.requeueStage('embeddings')).toBe(2);
    expect(catalog.listJobs('queued').map((j) => j.stage)).toEqual(['embeddings', 'embeddings']);
  });

  it('does not re-queue a stage for a video that cannot reach it (a new model after an unreadable file)', async () => {
    const { catalog } = await catalogWithVideos(2);
    const [good, bad] = catalog.listVideoIds();
    runJobsOf(catalog, good);
    runJobsOf(catalog, bad, 'probe');
    expect(catalog.jobCounts()).toMatchObject({ queued: 0, running: 0 });
    expect(catalog.requeueStage('embeddings')).toBe(1);
    expect(catalog.listJobs('queued').map((j) => [j.videoId, j.stage])).toEqual([[good, 'embeddings']]);
  });

  it('re-indexes a pruned video whose fingerprints the search store lost', async () => {
    const { catalog, clock } = await catalogWithVideos(2);
    drainJobs(catalog);
    clock.now += 31 * day;
    catalog.pruneJobHistory();
    const [kept, lost] = catalog.listVideoIds();
    expect(catalog.requeueUnindexed([kept], [])).toEqual([lost]);
  });

  it('a backup of a pruned catalog queues every stage again when restored', async () => {
    const { catalog, clock } = await catalogWithVideos(2);
    drainJobs(catalog);
    clock.now += 31 * day;
    catalog.pruneJobHistory();
    const restored = openBackup(await sqlJs(), catalog.export(), {});
    expect(restored.jobCounts()).toMatchObject({ queued: 2 * scanStageNames.length, done: 0 });
  });

  it('compacting gives back the space pruned rows leave', async () => {
    const { catalog, clock } = await catalogWithVideos(300);
    drainJobs(catalog);
    clock.now += 31 * day;
    const before = catalog.size();
    catalog.pruneJobHistory();
    expect(catalog.size().freeBytes).toBeGreaterThan(0);
    catalog.compact();
    const after = catalog.size();
    expect(after.freeBytes).toBe(0);
    expect(after.bytes).toBeLessThan(before.bytes);
    expect(catalog.export().byteLength).toBe(after.bytes);
    expect(catalog.countVideos()).toBe(300);
  });
});
