import { AbortError } from '../../lib/errors';
import { DuplicateFinder, type FinderOptions } from '../../lib/search/duplicates/finder';
import type { DuplicateGroup } from '../../lib/search/duplicates/groups';
import type { FrameIndex } from '../../lib/search/frame-index';
import { maxDistanceOf, type SearchSettings } from '../../lib/search/settings';

export type { DuplicateGroup };

export interface DuplicatesProgress {
  /** Videos compared so far in this run, and in all. */
  done: number;
  total: number;
}

const optionsOf = (settings: SearchSettings, exclude: ReadonlySet<number>): FinderOptions => ({
  maxDistance: maxDistanceOf(settings),
  minFrames: Math.max(3, settings.minMatches),
  exclude,
});

/**
 * Groups videos that share aligned stretches (re-encodes, trims, resized copies), in one go. Flat and black frames
 * have no fingerprint, and a pair needs several frames aligned over seconds, so two videos that merely open on
 * black are never grouped.
 */
export function findDuplicates(
  index: FrameIndex,
  settings: SearchSettings,
  exclude: ReadonlySet<number>,
): DuplicateGroup[] {
  const finder = new DuplicateFinder(index, optionsOf(settings, exclude));
  finder.step();
  return finder.groups();
}

/** Work between two yields to the worker's message loop, so a cancel or a search is answered meanwhile. */
const defaultSliceMs = 30;
const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The search worker's duplicates, kept between runs: the first run compares every video, later runs only the videos
 * stored, replaced or removed since (and their neighbours). One run at a time; `cancel` stops it between slices and
 * keeps what was compared.
 */
export class KeptDuplicates {
  #finder: DuplicateFinder | undefined;
  #key = '';
  #running: Promise<DuplicateGroup[]> | undefined;
  #cancelled = false;
  #last: { settings: SearchSettings; exclude: readonly number[] } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #sliceMs: number;

  /** `sliceMs`: how long one slice of comparing runs before the worker answers messages (0: one video a slice). */
  constructor(sliceMs = defaultSliceMs) {
    this.#sliceMs = sliceMs;
  }

  /** The index was replaced (loaded afresh): start over at the next run. */
  reset(): void {
    this.#finder = undefined;
  }

  /** These videos' frames changed in the current index. */
  changed(videoIds: Iterable<number>): void {
    this.#finder?.changed(videoIds);
  }

  /** A run has happened: changes are worth comparing as they come. */
  get started(): boolean {
    return this.#finder !== undefined;
  }

  /**
   * Compares what changed soon after it changed (a video just indexed), with the last run's settings, once the user
   * has looked for duplicates at least once; so opening Duplicates again has nothing left to do.
   */
  catchUp(index: () => FrameIndex, delayMs = 1000): void {
    if (!this.#finder || !this.#last) return;
    clearTimeout(this.#timer);
    const { settings, exclude } = this.#last;
    this.#timer = setTimeout(() => {
      this.run(index(), settings, exclude).catch(() => undefined); // a cancelled or failed catch-up waits for the next run
    }, delayMs);
  }

  cancel(): void {
    if (this.#running) this.#cancelled = true;
  }

  async run(
    index: FrameIndex,
    settings: SearchSettings,
    exclude: readonly number[],
    onProgress?: (p: DuplicatesProgress) => void,
  ): Promise<DuplicateGroup[]> {
    // One run at a time: a second call waits for the first, then brings the kept results up to date itself.
    while (this.#running) await this.#running.catch(() => undefined);
    const key = JSON.stringify([settings.similarityThreshold, settings.minMatches, [...exclude].sort()]);
    if (this.#finder?.index !== index || this.#key !== key) {
      this.#finder = new DuplicateFinder(index, optionsOf(settings, new Set(exclude)));
      this.#key = key;
    }
    const finder = this.#finder;
    this.#last = { settings, exclude };
    this.#cancelled = false;
    this.#running = (async () => {
      finder.resetProgress();
      for (;;) {
        const done = finder.step(performance.now() + this.#sliceMs);
        onProgress?.(finder.progress);
        if (done) return finder.groups();
        await yieldToMessages();
        if (this.#cancelled) throw new AbortError();
      }
    })();
    try {
      return await this.#running;
    } finally {
      this.#running = undefined;
      this.#cancelled = false;
    }
  }
}
