/**
 * Debounces saves: one runs `delayMs` after the last request, and at most `maxDelayMs` after the first
 * unsaved one, so a long burst of writes (a big scan) still reaches disk regularly. Saves never overlap;
 * a request during a save schedules one more. A failed save keeps the changes pending for the next try.
 */
export class SaveScheduler {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #dirtySince: number | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private save: () => Promise<void>,
    // Short windows: the page cannot save on its way out (a worker's async write does not outlive the tab),
    // so what is at risk on a sudden close is at most this much work.
    private delayMs = 150,
    private maxDelayMs = 1000,
    private retryMs = 10_000,
  ) {}

  get pending(): boolean {
    return this.#dirtySince !== null;
  }

  request(): void {
    const now = Date.now();
    this.#dirtySince ??= now;
    clearTimeout(this.#timer);
    const wait = Math.min(this.delayMs, Math.max(0, this.#dirtySince + this.maxDelayMs - now));
    this.#timer = setTimeout(() => void this.flush().catch(() => undefined), wait);
  }

  /** Saves now if there is anything unsaved; resolves when it is on disk. A failure retries later by itself. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    while (this.#running) await this.#running.catch(() => undefined);
    if (this.#dirtySince === null) return;
    this.#dirtySince = null;
    this.#running = this.save();
    try {
      await this.#running;
    } catch (err) {
      this.#dirtySince ??= Date.now();
      clearTimeout(this.#timer);
      // Storage full or a transient error: try again later (room may have been made meanwhile).
      this.#timer = setTimeout(() => void this.flush().catch(() => undefined), this.retryMs);
      throw err;
    } finally {
      this.#running = null;
    }
  }
}
