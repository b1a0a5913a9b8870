import { JobRunner, type JobHandler, type JobStore } from '../indexing/job-runner';
import { stageOf } from '../indexing/registry';
import { readSettings } from '../lib/settings';
import { coalesce } from '../lib/timing';
import type { Job, JobCounts, JobStage, JobStatus } from '../lib/types';
import { catalog } from './catalog.svelte';
import { imports } from './import.svelte';
import { handleError } from './toasts.svelte';

const emptyCounts: JobCounts = { queued: 0, running: 0, failed: 0, done: 0, cancelled: 0 };

/** The job queue as the page sees it: runs jobs (writer tab only) and lists them for the Jobs panel. */
class JobsState {
  counts = $state<JobCounts>({ ...emptyCounts });
  lists = $state.raw<Record<JobStatus, Job[]>>({ queued: [], running: [], failed: [], done: [], cancelled: [] });
  /** The panel is open: keep its lists fresh. */
  watching = $state(false);
  /** The runner has started, running jobs or holding them as the stored pause says (writer tab only). */
  started = $state(false);
  /** The user paused processing; kept in the catalog so it survives a reload. */
  paused = $state(false);
  #runner: JobRunner | undefined;
  #toggled = false;

  readonly refresh = coalesce(async () => {
    try {
      this.counts = await catalog.db.jobCounts();
      if (this.watching) {
        const statuses: JobStatus[] = ['running', 'queued', 'failed', 'done', 'cancelled'];
        const lists = await Promise.all(statuses.map((s) => catalog.db.listJobs(s, 200)));
        this.lists = Object.fromEntries(statuses.map((s, i) => [s, lists[i]])) as Record<JobStatus, Job[]>;
      }
    } catch (err) {
      handleError(err, 'Could not read the job queue');
    }
  }, 250);

  readonly #touchLibrary = coalesce(() => catalog.touch(), 500);

  /** What the Jobs panel calls a stage. */
  stageLabel(stage: JobStage): string {
    return stageOf(stage).label;
  }

  /**
   * Starts running jobs through `handlers` (unless the user paused them); only the writer tab does.
   * `concurrency` jobs run at once.
   */
  async start(handle: JobHandler, concurrency: number): Promise<void> {
    const db = catalog.db;
    const store: JobStore = {
      // Only jobs of libraries whose files can be read now; the others wait for "Reconnect folder".
      claimJobs: (limit) => db.claimJobs(limit, imports.readableLibraryIds()),
      nextDueAt: () => db.nextDueAt(imports.readableLibraryIds()),
      setJobProgress: (id, p) => db.setJobProgress(id, p),
      completeJob: (id) => db.completeJob(id),
      failJob: (id, message, permanent) => db.failJob(id, message, permanent),
    };
    this.#runner = new JobRunner(store, handle, {
      concurrency,
      onChange: () => {
        this.refresh();
        this.#touchLibrary();
      },
    });
    const stored = await readSettings(db, 'jobsPaused');
    // A click on Pause/Resume while the setting was being read wins over the stored value.
    if (!this.#toggled) this.paused = stored;
    if (!this.paused) this.#runner.start();
    this.started = true;
    this.refresh();
  }

  /** A pause or resume is being saved: the buttons wait, so what they show is always what a reload shows. */
  switching = $state(false);

  /**
   * Pauses processing: running jobs stop at once and go back to the queue (nothing is lost); the panel says
   * "paused" once that is saved, so a reload right after still finds processing paused.
   */
  async pause(): Promise<void> {
    this.#toggled = true;
    this.switching = true;
    try {
      const running = this.#runner?.runningIds ?? [];
      // Once "paused" shows, no stopped job is still writing: a backup or a reload then sees a still catalog.
      await this.#runner?.stop();
      await catalog.db.requeueJobs(running);
      await catalog.db.setSetting('jobsPaused', true);
      this.paused = true;
    } finally {
      this.switching = false;
      this.refresh();
    }
  }

  /** Resumes processing once that is saved. */
  async resume(): Promise<void> {
    this.#toggled = true;
    this.switching = true;
    try {
      await catalog.db.setSetting('jobsPaused', false);
      this.paused = false;
      this.#runner?.start();
    } finally {
      this.switching = false;
      this.refresh();
    }
  }

  poke(): void {
    this.#runner?.poke();
    this.refresh();
  }

  async cancel(id: number): Promise<void> {
    await catalog.db.cancelJob(id);
    this.#runner?.abort(id);
    this.refresh();
  }

  async cancelAll(): Promise<void> {
    await catalog.db.cancelAllJobs();
    this.#runner?.abortAll();
    this.refresh();
  }

  async retry(id: number): Promise<void> {
    await catalog.db.retryJob(id);
    this.poke();
  }

  async retryAll(status: 'failed' | 'cancelled'): Promise<void> {
    await catalog.db.retryAllJobs(status);
    this.poke();
  }
}

export const jobs = new JobsState();
