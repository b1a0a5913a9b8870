/**
 * The best `limit` lines of a search as it walks them: a heap whose root is the worst kept, so a line that does not
 * beat it costs one comparison. Order: higher score, then lower video id, then earlier start.
 */
export class TopHits {
  #score: number[] = [];
  #video: number[] = [];
  #start: number[] = [];
  #id: number[] = [];

  constructor(private limit: number) {}

  /** Whether kept line a ranks below kept line b. */
  #worse(a: number, b: number): boolean {
    if (this.#score[a] !== this.#score[b]) return this.#score[a] < this.#score[b];
    if (this.#video[a] !== this.#video[b]) return this.#video[a] > this.#video[b];
    return this.#start[a] > this.#start[b];
  }

  #swap(a: number, b: number): void {
    for (const list of [this.#score, this.#video, this.#start, this.#id]) [list[a], list[b]] = [list[b], list[a]];
  }

  /** Whether a line so scored would be kept (true while there is room). */
  beats(score: number, videoId: number, start: number): boolean {
    if (this.#id.length < this.limit) return true;
    const s = this.#score[0];
    if (score !== s) return score > s;
    if (videoId !== this.#video[0]) return videoId < this.#video[0];
    return start < this.#start[0];
  }

  offer(score: number, videoId: number, start: number, id: number): void {
    const n = this.#id.length;
    if (this.limit <= 0 || !this.beats(score, videoId, start)) return;
    if (n === this.limit) {
      this.#score[0] = score;
      this.#video[0] = videoId;
      this.#start[0] = start;
      this.#id[0] = id;
      this.#down(0);
      return;
    }
    this.#score.push(score);
    this.#video.push(videoId);
    this.#start.push(start);
    this.#id.push(id);
    for (let i = n; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#worse(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#id.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < n && this.#worse(l, worst)) worst = l;
      if (r < n && this.#worse(r, worst)) worst = r;
      if (worst === i) return;
      this.#swap(i, worst);
      i = worst;
    }
  }

  /** The kept lines' ids, best first. */
  best(): number[] {
    const order = this.#id.map((_, i) => i);
    order.sort((a, b) => (this.#worse(a, b) ? 1 : this.#worse(b, a) ? -1 : 0));
    return order.map((i) => this.#id[i]);
  }
}
