/**
 * Makes a user's edit durable before its call returns, and holds every other catalog call until that save
 * is on disk, so no view can show an edit that a reload would lose.
 *
 * Why (issue 12): a removed library came back after a reload on a busy machine. The removal was applied to
 * the in-memory catalog at once and saved later; meanwhile the jobs panel's refresh re-read the catalog and
 * showed it gone, and the user reloaded before the save had landed.
 */
export class EditGate {
  #saved: Promise<void> = Promise.resolve();
  #edited = false;

  constructor(private saveNow: () => Promise<void>) {}

  /** Called by the catalog, synchronously inside `run`, when a call changed what the user edits. */
  markEdited(): void {
    this.#edited = true;
  }

  /**
   * Runs one catalog call once no edit's save is pending. If the call edited, it resolves after the save
   * (and rejects with the save's error, e.g. storage full: the edit then stays in memory, saved later).
   */
  async run<T>(call: () => T): Promise<T> {
    // Another call may have edited while this one waited: wait again until no save is pending.
    for (let pending = this.#saved; ; pending = this.#saved) {
      await pending;
      if (pending === this.#saved) break;
    }
    this.#edited = false;
    const result = call();
    if (!this.#edited) return result;
    this.#edited = false;
    const saved = this.saveNow();
    this.#saved = saved.catch(() => undefined);
    await saved;
    return result;
  }
}
