import type { Cue } from './types';

/**
 * Which lines are on screen at a moment, for the transcript panel that follows playback. Cues are in order of
 * their start (as every parser and the store keep them) and may overlap: two speakers at once, or a long line
 * under short ones. A binary search finds the last cue started by then; a running maximum of the ends says how far
 * back a still-showing cue can be, so a lookup costs log n plus the overlapping cues.
 */
export class CueTimeline {
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  /** The latest end among cues 0..i. */
  readonly #reach: Float64Array;

  constructor(cues: readonly Pick<Cue, 'start' | 'end'>[]) {
    const n = cues.length;
    this.#starts = new Float64Array(n);
    this.#ends = new Float64Array(n);
    this.#reach = new Float64Array(n);
    let reach = -Infinity;
    for (let i = 0; i < n; i++) {
      this.#starts[i] = cues[i].start;
      this.#ends[i] = cues[i].end;
      reach = Math.max(reach, cues[i].end);
      this.#reach[i] = reach;
    }
  }

  /** The index of the last cue starting at or before `time`, or -1 before the first. */
  lastStarted(time: number): number {
    let lo = 0;
    let hi = this.#starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#starts[mid] <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Indices of the cues showing at `time` (start ≤ time < end), in order. */
  active(time: number): number[] {
    const out: number[] = [];
    for (let i = this.lastStarted(time); i >= 0 && this.#reach[i] > time; i--) {
      if (this.#ends[i] > time) out.push(i);
    }
    return out.reverse();
  }

  /**
   * The line to mark as current: the latest-started cue showing at `time`; between lines, the one just said (so the
   * panel keeps its place in a pause), or -1 before the first.
   */
  current(time: number): number {
    const active = this.active(time);
    return active.length > 0 ? active[active.length - 1] : this.lastStarted(time);
  }
}
