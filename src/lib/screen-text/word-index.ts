import { matchSpan, searchWords, typoMinLength, wordMatches, type SpanMatch } from './match';
import type { TextSpan } from './types';

/** A span of one video's text on screen, as the index holds it. */
export interface IndexedSpan {
  videoId: number;
  span: TextSpan;
}

/**
 * The words read on screen, each with the spans that show it, so "On screen" search looks only at spans holding
 * the query's rarest word instead of reading every span (1,000 hours of text is hundreds of thousands of spans).
 * One-character typos are found by scanning the vocabulary (the distinct words, far fewer than the spans) for
 * words of about the same length. A video's text replaced or removed leaves its old rows dead until there are as
 * many dead rows as live ones, when the index is rebuilt.
 */
export class WordIndex {
  #rows: (IndexedSpan | null)[] = [];
  #byVideo = new Map<number, number[]>();
  #postings = new Map<string, number[]>();
  /** The vocabulary by word length, for typo matches. */
  #byLength = new Map<number, string[]>();
  #dead = 0;

  /** Spans held (live ones). */
  get size(): number {
    return this.#rows.length - this.#dead;
  }

  clear(): void {
    this.#rows = [];
    this.#byVideo.clear();
    this.#postings.clear();
    this.#byLength.clear();
    this.#dead = 0;
  }

  /** Sets a video's spans, replacing those it had. */
  set(videoId: number, spans: readonly TextSpan[]): void {
    this.remove(videoId);
    const rows: number[] = [];
    for (const span of spans) {
      const row = this.#rows.length;
      this.#rows.push({ videoId, span });
      rows.push(row);
      const words = new Set(span.lines.flatMap((l) => l.words.flatMap((w) => searchWords(w.text))));
      for (const word of words) {
        let list = this.#postings.get(word);
        if (!list) {
          this.#postings.set(word, (list = []));
          const sameLength = this.#byLength.get(word.length);
          if (sameLength) sameLength.push(word);
          else this.#byLength.set(word.length, [word]);
        }
        list.push(row);
      }
    }
    if (rows.length) this.#byVideo.set(videoId, rows);
  }

  remove(videoId: number): void {
    const rows = this.#byVideo.get(videoId);
    if (!rows) return;
    for (const row of rows) this.#rows[row] = null;
    this.#dead += rows.length;
    this.#byVideo.delete(videoId);
    if (this.#dead > 1000 && this.#dead > this.#rows.length / 2) this.#rebuild();
  }

  #rebuild(): void {
    const live = new Map<number, TextSpan[]>();
    for (const r of this.#rows) if (r) live.set(r.videoId, [...(live.get(r.videoId) ?? []), r.span]);
    this.clear();
    for (const [videoId, spans] of live) this.set(videoId, spans);
  }

  /** The vocabulary words a query word finds: itself, and those one character off when it is long enough. */
  #wordsFor(query: string): string[] {
    const words = this.#postings.has(query) ? [query] : [];
    if (query.length < typoMinLength) return words;
    for (let length = query.length - 1; length <= query.length + 1; length++)
      for (const word of this.#byLength.get(length) ?? [])
        if (word !== query && wordMatches(query, word)) words.push(word);
    return words;
  }

  /** Spans showing every query word (already split by `searchWords`), with the words that matched, in row order. */
  search(query: readonly string[], only?: ReadonlySet<number>): (IndexedSpan & { match: SpanMatch })[] {
    if (query.length === 0) return [];
    // The rarest query word's spans are the only candidates; each is then checked for all the words.
    let candidates: number[] | null = null;
    let fewest = Infinity;
    for (const q of query) {
      const lists = this.#wordsFor(q).map((w) => this.#postings.get(w)!);
      const count = lists.reduce((n, l) => n + l.length, 0);
      if (count === 0) return [];
      if (count < fewest) {
        fewest = count;
        candidates = lists.length === 1 ? lists[0] : [...new Set(lists.flat())].sort((a, b) => a - b);
      }
    }
    const out: (IndexedSpan & { match: SpanMatch })[] = [];
    for (const row of candidates ?? []) {
      const r = this.#rows[row];
      if (!r || (only && !only.has(r.videoId))) continue;
      const match = matchSpan(r.span, query);
      if (match) out.push({ ...r, match });
    }
    return out;
  }
}
