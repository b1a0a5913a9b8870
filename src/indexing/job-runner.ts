import { isAbortError } from '../lib/errors';
import { permanentErrors } from '../lib/jobs';
import type { Job } from '../lib/types';

/** What the runner needs of the catalog; the catalog worker's API satisfies it. */
export interface JobStore {
  claimJobs(limit: number): Promise<Job[]> | Job[];
  setJobProgress(id: number, progress: number): Promise<void> | void;
  completeJob(id: number): Promise<void> | void;
  failJob(id: number, message: string, permanent?: boolean): Promise<Job | undefined> | Job | undefined;
  nextDueAt(): Promise<number | null> | number | null;
}

export interface JobContext {
  /** Aborted when the job is cancelled or processing stops. */
  signal: AbortSignal;
  progress(percent: number): void;
}

/** Runs one job (the wiring hands each to its stage). */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  concurrency: number;
  /** Called whenever a job starts, progresses, ends or fails, so the UI can refresh. */
  onChange?: () => void;
  now?: () => number;
  /** Longest wait between looks at the queue when nothing is due (new work also pokes the runner). */
  idleMs?: number;
}

/**
 * Pulls due jobs from the store and runs them through the handler, at most `concurrency` at once.
 * Failures go back to the store, which decides between a retry with backoff and a final failure.
 * A cancelled job's handler gets an aborted signal; its outcome is then ignored.
 */
export class JobRunner {
  readonly #store: JobStore;
  readonly #handle: JobHandler;
  readonly #opts: Required<JobRunnerOptions>;
  readonly #running = new Map<number, AbortController>();
  #active = false;
  #pumping = false;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: Array<() => void> = [];

  constructor(store: JobStore, handle: JobHandler, opts: JobRunnerOptions) {
    this.#store = store;
    this.#handle = handle;
    this.#opts = { onChange: () => {}, now: Date.now, idleMs: 30_000, ...opts };
  }

  get runningIds(): number[] {
    return [...this.#running.keys()];
  }

  start(): void {
    this.#active = true;
    this.poke();
  }

  /**
   * Stops taking new jobs and aborts the running ones (they are resumed from the queue next time). Resolves once
   * their handlers have returned, so nothing they were writing lands after the caller calls processing stopped.
   */
  stop(): Promise<void> {
    this.#active = false;
    clearTimeout(this.#timer);
    for (const controller of this.#running.values()) controller.abort();
    return this.whenIdle();
  }

  /** Looks at the queue now: call after adding or retrying jobs. */
  poke(): void {
    if (!this.#active) return;
    void this.#pump();
  }

  /** Aborts a running job's handler (the store has already marked it cancelled). */
  abort(jobId: number): void {
    this.#running.get(jobId)?.abort();
  }

  abortAll(): void {
    for (const controller of this.#running.values()) controller.abort();
  }

  /** Resolves when no job is running and none is due now. */
  whenIdle(): Promise<void> {
    if (this.#running.size === 0 && !this.#pumping) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.#again = false;
    clearTimeout(this.#timer);
    try {
      const free = this.#opts.concurrency - this.#running.size;
      if (free > 0 && this.#active) {
        const jobs = await this.#store.claimJobs(free);
        for (const job of jobs) this.#run(job);
        if (jobs.length > 0) this.#opts.onChange();
      }
      if (this.#running.size === 0) await this.#sleepUntilDue();
    } finally {
      this.#pumping = false;
      if (this.#again) this.poke();
      else this.#settleIdle();
    }
  }

  #settleIdle(): void {
    if (this.#running.size === 0 && !this.#pumping) this.#idle.splice(0).forEach((resolve) => resolve());
  }

  async #sleepUntilDue(): Promise<void> {
    if (!this.#active) return;
    const due = await this.#store.nextDueAt();
    const wait = due === null ? this.#opts.idleMs : Math.max(0, due - this.#opts.now());
    if (due !== null && wait === 0) {
      // Work is due but was not claimable (e.g. its file is missing): avoid a hot loop.
      this.#timer = setTimeout(() => this.poke(), 1000);
    } else {
      this.#timer = setTimeout(() => this.poke(), Math.min(wait, this.#opts.idleMs));
    }
  }

  #run(job: Job): void {
    const controller = new AbortController();
    this.#running.set(job.id, controller);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (percent) => {
        void Promise.resolve(this.#store.setJobProgress(job.id, percent)).then(() => this.#opts.onChange());
      },
    };
    // A handler that throws at once is a failed job like any other.
    const work = Promise.resolve().then(() => this.#handle(job, ctx));
    void work
      .then(
        async () => {
          if (!controller.signal.aborted) await this.#store.completeJob(job.id);
        },
        async (err: unknown) => {
          // A cancelled or stopped job was already settled by whoever aborted it.
          if (controller.signal.aborted || isAbortError(err)) return;
          const message = err instanceof Error ? err.message : String(err);
          await this.#store.failJob(job.id, message, err instanceof Error && permanentErrors.has(err.name));
        },
      )
      .catch((err: unknown) => console.error('Job bookkeeping failed', err))
      .finally(() => {
        this.#running.delete(job.id);
        this.#opts.onChange();
        if (this.#active) this.poke();
        else this.#settleIdle();
      });
  }
}
