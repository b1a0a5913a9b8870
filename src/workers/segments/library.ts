import type { Chunk, FileStats, SegmentFile, SegmentStore } from './store';

/** What a worker keeps in step with the stored chunks (the search worker's frame index, the embed worker's matrix). */
export interface SegmentHooks<T> {
  /** The files were read afresh (first use, or another tab wrote): every video's newest chunk, in file order. */
  loaded?(latest: readonly Chunk<T>[]): void;
  /** This tab stored `chunk`, which replaces `before` when the video had one. */
  stored?(chunk: Chunk<T>, before: Chunk<T> | undefined): void;
  /** These videos' chunks are gone: the videos left the catalog, or their library was removed. */
  dropped?(chunks: readonly Chunk<T>[]): void;
}

/** The size of a segment store's files (Settings → Maintenance). */
export interface StoredBytes {
  bytes: number;
  deadBytes: number;
}

/**
 * The newest chunk of every video in one segment store, in memory, and how much of each file is dead.
 * Calls run one at a time, so a reload never interleaves with this tab's own writes.
 *
 * Another tab may write meanwhile. Each call lists this kind's files to find out, which costs the whole folder
 * (posters and scrub strips share it: thousands of files). With `changeLog` (transcripts, saved one video at a time
 * while the user waits) it checks only what another tab's ordinary write changes, the size of each library's newest
 * file, and the size of the kind's change log (`<prefix>-changes`): the rarer writes that change other files (a new
 * file, a compaction, a repair, a dropped library) add a byte to it, and mean a full reload.
 */
export class SegmentLibrary<T> {
  #chunks = new Map<number, Chunk<T>>();
  /** Every file as this tab last read or wrote it; a listing that disagrees means another tab wrote. */
  #files = new Map<string, FileStats>();
  #loaded = false;
  /** The change log's size as this tab last saw it (after its own changes); another size means another tab's. */
  #changes = 0;
  /** A change of this tab's fell after another tab's it had not seen: list and read again. */
  #stale = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private store: SegmentStore<T>,
    private hooks: SegmentHooks<T> = {},
    private options: { changeLog?: boolean } = {},
  ) {}

  /** Notes a change other than an append to a library's newest file, for the other tabs' next call. */
  async #announce(): Promise<void> {
    if (!this.options.changeLog) return;
    const at = await this.store.noteChange();
    if (at === this.#changes) this.#changes = at + 1;
    else this.#stale = true;
  }

  #serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined); // the caller gets the error; the next call still runs
    return run;
  }

  #unchanged(listing: readonly SegmentFile[]): boolean {
    return (
      this.#loaded &&
      listing.length === this.#files.size &&
      listing.every((f) => this.#files.get(f.key)?.size === f.size)
    );
  }

  /** The files as this tab knows them, as a listing would give them. */
  #known(): SegmentFile[] {
    return [...this.#files].map(([key, f]) => ({
      key,
      size: f.size,
      libraryId: f.libraryId,
      n: this.store.parseKey(key)!.n,
    }));
  }

  /** Whether the change log and each library's newest file have the sizes this tab knows. */
  async #unchangedElsewhere(): Promise<boolean> {
    if ((await this.store.changeCount()) !== this.#changes) return false;
    const newest = new Map<number, SegmentFile>();
    for (const f of this.#known()) if ((newest.get(f.libraryId)?.n ?? -1) < f.n) newest.set(f.libraryId, f);
    for (const f of newest.values()) if ((await this.store.size(f.key)) !== f.size) return false;
    return true;
  }

  /** Reads the files again if another tab changed them; returns them as listed. */
  async #refresh(): Promise<SegmentFile[]> {
    if (this.options.changeLog) {
      if (this.#loaded && !this.#stale && (await this.#unchangedElsewhere())) return this.#known();
      this.#stale = false;
      // Read before the listing: a change made between the two is seen on the next call.
      this.#changes = await this.store.changeCount();
    }
    const listing = await this.store.files();
    if (this.#unchanged(listing)) return listing;
    const { latest, files } = await this.store.load(listing);
    this.#chunks = new Map(latest.map((c) => [c.videoId, c]));
    this.#files = files;
    this.#loaded = true;
    this.hooks.loaded?.(latest);
    return listing;
  }

  /** Loads the files once; later calls reload only when the files changed (another tab wrote). */
  ready(): Promise<void> {
    return this.#serial(async () => void (await this.#refresh()));
  }

  get size(): number {
    return this.#chunks.size;
  }

  /** The video's newest chunk (after `ready`). */
  get(videoId: number): Chunk<T> | undefined {
    return this.#chunks.get(videoId);
  }

  /** Every video's newest chunk (after `ready`). */
  chunks(): IterableIterator<Chunk<T>> {
    return this.#chunks.values();
  }

  /** Per file: its size and how many of its bytes are dead. */
  files(): ReadonlyMap<string, Readonly<FileStats>> {
    return this.#files;
  }

  #forget(chunk: Chunk<T>): void {
    this.#chunks.delete(chunk.videoId);
    const stats = this.#files.get(chunk.key);
    if (stats) stats.dead += chunk.bytes;
  }

  /** Bytes over every file, and how many of them are dead (what compacting can give back). */
  stored(): Promise<StoredBytes> {
    return this.#serial(async () => {
      await this.#refresh();
      const files = [...this.#files.values()];
      return { bytes: files.reduce((n, f) => n + f.size, 0), deadBytes: files.reduce((n, f) => n + f.dead, 0) };
    });
  }

  /** Stores a video's value, superseding what it had. */
  async commit(libraryId: number, videoId: number, value: T): Promise<Chunk<T>> {
    return (await this.update(libraryId, videoId, () => value))!;
  }

  /**
   * Stores a video's value made from the one it has now (undefined: none), in one step: no other store falls between
   * the read and the write, so two changes made at once both last (a line fixed while its file is read again).
   * `change` returns undefined to store nothing; it may throw to refuse.
   */
  update(libraryId: number, videoId: number, change: (current: T | undefined) => T | undefined) {
    return this.#serial(async (): Promise<Chunk<T> | undefined> => {
      const listing = await this.#refresh();
      const value = change(this.#chunks.get(videoId)?.value);
      if (value === undefined) return undefined;
      const closed = new Set([...this.#files].filter(([, f]) => f.tail > 0).map(([key]) => key));
      const chunk = await this.store.append(libraryId, videoId, value, closed, listing);
      const before = this.#chunks.get(videoId);
      if (before) this.#forget(before);
      this.#chunks.set(videoId, chunk);
      const stats = this.#files.get(chunk.key);
      if (stats) stats.size += chunk.bytes;
      else {
        this.#files.set(chunk.key, { libraryId, size: chunk.bytes, dead: 0, tail: 0 });
        await this.#announce();
      }
      this.hooks.stored?.(chunk, before);
      return chunk;
    });
  }

  /**
   * Forgets videos not in `liveVideoIds` (removed from the catalog) and rewrites the files that are mostly dead
   * weight. Missing files keep their data: they may come back.
   */
  compact(liveVideoIds: Iterable<number>): Promise<{ rewritten: number; droppedVideos: number }> {
    return this.#serial(async () => {
      await this.#refresh();
      const live = new Set(liveVideoIds);
      const dropped = [...this.#chunks.values()].filter((c) => !live.has(c.videoId));
      for (const c of dropped) this.#forget(c);
      if (dropped.length > 0) this.hooks.dropped?.(dropped);
      let rewritten = 0;
      for (const [key, stats] of [...this.#files]) {
        if (stats.dead === 0 || stats.dead < stats.size / 4) continue;
        const keep = [...this.#chunks.values()].filter((c) => c.key === key);
        const size = await this.store.rewrite(key, keep);
        if (size === 0) this.#files.delete(key);
        else this.#files.set(key, { libraryId: stats.libraryId, size, dead: 0, tail: 0 });
        rewritten++;
      }
      if (rewritten > 0) await this.#announce();
      return { rewritten, droppedVideos: dropped.length };
    });
  }

  /**
   * Rewrites the files that end in a chunk cut short (a crash mid-write, or a file damaged on disk) without it, and
   * returns the videos those chunks belonged to: their newest data is lost, whatever older chunk they have.
   */
  repair(): Promise<number[]> {
    return this.#serial(async () => {
      await this.#refresh();
      const cut: number[] = [];
      let rewritten = 0;
      for (const [key, stats] of [...this.#files]) {
        if (stats.tail === 0) continue;
        rewritten++;
        if (stats.cut !== undefined) cut.push(stats.cut);
        const keep = [...this.#chunks.values()].filter((c) => c.key === key);
        const size = await this.store.rewrite(key, keep);
        if (size === 0) this.#files.delete(key);
        else this.#files.set(key, { libraryId: stats.libraryId, size, dead: 0, tail: 0 });
      }
      if (rewritten > 0) await this.#announce();
      return cut;
    });
  }

  /** Deletes a library's files and forgets its videos. */
  dropLibrary(libraryId: number): Promise<void> {
    return this.#serial(async () => {
      await this.#refresh();
      await this.store.dropLibrary(libraryId);
      const dropped = [...this.#chunks.values()].filter((c) => c.libraryId === libraryId);
      for (const c of dropped) this.#chunks.delete(c.videoId);
      for (const [key, stats] of [...this.#files]) if (stats.libraryId === libraryId) this.#files.delete(key);
      if (dropped.length > 0) this.hooks.dropped?.(dropped);
      await this.#announce();
    });
  }
}
