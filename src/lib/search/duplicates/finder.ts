/**
 * Duplicates, kept up to date: which videos share aligned footage. Each video's frames go through the candidate
 * index (multi-index hashing, see candidates.ts) to find the videos with a frame near one of its own; then the
 * exact search and temporal alignment of the full scan run against those videos' frames only. Results are kept per
 * video, so a new, re-indexed or removed video costs its own comparison and its neighbours', not a new scan.
 */
import { alignClip } from '../alignment';
import { hamming } from '../fingerprint';
import { FrameIndex, removedVideo, wordsPerFingerprint } from '../frame-index';
import { CandidateIndex } from './candidates';
import { groupsOf, minSharedSeconds, nearestPerFrame, type DuplicateGroup } from './groups';

export interface FinderOptions {
  /** Frames further apart than this (bits) never count as the same picture. */
  maxDistance: number;
  /** A pair needs at least this many frames aligned in time. */
  minFrames: number;
  /** Videos left out entirely. */
  exclude?: ReadonlySet<number>;
}

/** Rows appended since the candidate tables were built are compared one by one up to this many, then rebuilt. */
const maxTailRows = 50_000;

export class DuplicateFinder {
  readonly #index: FrameIndex;
  readonly #options: Required<FinderOptions>;
  readonly #candidates = new CandidateIndex();
  #builtLayout = -1;
  /** Each video's row ranges (start, end pairs), as of `#rangesAt`. */
  #ranges = new Map<number, number[]>();
  #rangesAt = { layout: -1, rows: -1 };
  /** Per video: the videos with a frame within `maxDistance` of one of its frames (symmetric). */
  readonly #near = new Map<number, Set<number>>();
  /** Per compared video: seconds of footage its frames align with, per other video (its side of the scan). */
  readonly #aligned = new Map<number, Map<number, number>>();
  /** Videos to compare, in order. */
  readonly #queue = new Set<number>();
  #done = 0;

  constructor(index: FrameIndex, options: FinderOptions) {
    this.#index = index;
    this.#options = { exclude: new Set(), ...options };
    for (const id of [...index.videoIds()].sort((a, b) => a - b)) this.#queue.add(id);
  }

  get index(): FrameIndex {
    return this.#index;
  }

  /** Videos still to compare, and compared since the last `resetProgress`. */
  get progress(): { done: number; total: number } {
    return { done: this.#done, total: this.#done + this.#queue.size };
  }

  get pending(): number {
    return this.#queue.size;
  }

  resetProgress(): void {
    this.#done = 0;
  }

  /**
   * These videos' frames were stored, replaced or removed: they, and every video that had a frame near theirs, are
   * compared again.
   */
  changed(videoIds: Iterable<number>): void {
    for (const id of videoIds) {
      for (const other of this.#near.get(id) ?? []) {
        this.#near.get(other)?.delete(id);
        this.#queue.add(other);
      }
      this.#near.delete(id);
      this.#aligned.delete(id);
      this.#queue.add(id);
    }
  }

  /** Compares queued videos until `deadline` (a `performance.now()` time); true once none is left. */
  step(deadline = Infinity): boolean {
    while (this.#queue.size > 0) {
      const id: number = this.#queue.values().next().value!;
      this.#queue.delete(id);
      this.#compare(id);
      this.#done++;
      if (performance.now() >= deadline) break;
    }
    return this.#queue.size === 0;
  }

  /** The groups as of the comparisons made so far. */
  groups(): DuplicateGroup[] {
    return groupsOf(this.#aligned);
  }

  #refresh(): void {
    const index = this.#index;
    const { rows } = index.raw;
    if (index.layout !== this.#rangesAt.layout || rows !== this.#rangesAt.rows) {
      const ids = index.raw.videoIds;
      const ranges = new Map<number, number[]>();
      for (let r = 0; r < rows;) {
        const id = ids[r];
        let end = r + 1;
        while (end < rows && ids[end] === id) end++;
        if (id !== removedVideo) {
          const list = ranges.get(id);
          if (list) list.push(r, end);
          else ranges.set(id, [r, end]);
        }
        r = end;
      }
      this.#ranges = ranges;
      this.#rangesAt = { layout: index.layout, rows };
    }
    if (
      index.layout !== this.#builtLayout ||
      rows < this.#candidates.size ||
      rows - this.#candidates.size > maxTailRows
    ) {
      this.#candidates.build(index.raw.fingerprints, rows);
      this.#builtLayout = index.layout;
    }
  }

  #compare(id: number): void {
    this.#refresh();
    const { fingerprints: fp, videoIds: ids, rows } = this.#index.raw;
    const ranges = this.#ranges.get(id);
    const { exclude, maxDistance } = this.#options;
    if (!ranges || exclude.has(id) || ids[ranges[0]] !== id) {
      // Nothing to compare: the video left the index (its neighbours were queued when it changed).
      for (const other of this.#near.get(id) ?? []) this.#near.get(other)?.delete(id);
      this.#near.delete(id);
      this.#aligned.delete(id);
      return;
    }
    let near = this.#near.get(id);
    if (!near) this.#near.set(id, (near = new Set()));
    const nearSet = near;
    /** Per near video: how many of this video's frames found one of its frames, and the last frame that did. */
    const hits = new Map<number, number>();
    const lastFrame = new Map<number, number>();
    let o = 0;
    let frame = 0;
    const visit = (row: number) => {
      const other = ids[row];
      if (other === id || other === removedVideo) return;
      if (hamming(fp, o, fp, row * wordsPerFingerprint) > maxDistance || exclude.has(other)) return;
      if (lastFrame.get(other) !== frame) {
        lastFrame.set(other, frame);
        hits.set(other, (hits.get(other) ?? 0) + 1);
      }
      if (nearSet.has(other)) return;
      nearSet.add(other);
      let theirs = this.#near.get(other);
      if (!theirs) this.#near.set(other, (theirs = new Set()));
      theirs.add(id);
      // `other` was compared before this video's frames were there to match: compare it again.
      if (this.#aligned.has(other)) this.#queue.add(other);
    };
    const tail = this.#candidates.size;
    for (let i = 0; i < ranges.length; i += 2)
      for (let r = ranges[i]; r < ranges[i + 1]; r++, frame++) {
        o = r * wordsPerFingerprint;
        this.#candidates.probe(fp, o, visit);
        for (let t = tail; t < rows; t++) visit(t);
      }
    // Aligning needs `minFrames` of this video's frames matched in the other: a title card, a logo or one shared
    // shot never gets that far, so those videos' frames stay out of the exact search.
    const aligning = new Set([...hits].filter(([, n]) => n >= this.#options.minFrames).map(([other]) => other));
    this.#aligned.set(id, this.#align(id, ranges, aligning));
  }

  /** The exact scan's answer for one video, from the frames of the videos near it. */
  #align(id: number, ranges: number[], near: ReadonlySet<number>): Map<number, number> {
    const out = new Map<number, number>();
    const { fingerprints: fp, times } = this.#index.raw;
    let frames = 0;
    for (let i = 0; i < ranges.length; i += 2) frames += ranges[i + 1] - ranges[i];
    if (frames < this.#options.minFrames || near.size === 0) return out;
    // The near videos' frames in index order, so ties fall as they do in the full index.
    const spans: number[][] = [];
    for (const other of near) {
      const r = this.#ranges.get(other) ?? [];
      for (let i = 0; i < r.length; i += 2) spans.push([r[i], r[i + 1]]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    const sub = new FrameIndex();
    sub.reserve(spans.reduce((n, [s, e]) => n + e - s, 0));
    const ids = this.#index.raw.videoIds;
    for (const [s, e] of spans)
      sub.append(
        fp.subarray(s * wordsPerFingerprint, e * wordsPerFingerprint),
        ids.subarray(s, e),
        times.subarray(s, e),
      );
    const queries: Uint32Array[] = [];
    const queryTimes: number[] = [];
    for (let i = 0; i < ranges.length; i += 2)
      for (let r = ranges[i]; r < ranges[i + 1]; r++) {
        queries.push(fp.subarray(r * wordsPerFingerprint, (r + 1) * wordsPerFingerprint));
        queryTimes.push(times[r]);
      }
    const matches = nearestPerFrame(sub, queries, this.#options.maxDistance);
    const alignments = alignClip(
      queryTimes.map((t, i) => ({ queryTime: t, matches: matches[i] })),
      { minMatches: this.#options.minFrames },
    );
    for (const a of alignments) if (a.matchedDuration >= minSharedSeconds) out.set(a.videoId, a.matchedDuration);
    return out;
  }
}
