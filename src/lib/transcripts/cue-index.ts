import type { Cue, CueSource } from '../subtitles/types';
import { parseQuery, wordsOf, type TextQuery } from './words';

/** One line found by words, with where the words are in its text. */
export interface CueHit {
  videoId: number;
  start: number;
  end: number;
  text: string;
  source: CueSource;
  language: string | null;
  /** [from, to) character ranges of the matched words in `text`. */
  marks: [number, number][];
  /** Higher is better: words close together and whole words rank first. */
  score: number;
}

interface Entry {
  videoId: number;
  cue: Cue;
  source: CueSource;
  language: string | null;
}

/** Word positions past this in one line share the last one (a line is a sentence or two). */
const maxPosition = 255;

/**
 * An inverted index of cues: every folded word → the cues it is in, with its position. Words are looked up by
 * prefix in a sorted list of the distinct words (binary search), so "run" finds "running"; a query's words must
 * all be in a line, and "quoted phrases" in order. Adding one video costs its own words, whatever the index's size.
 */
export class CueIndex {
  #entries: (Entry | null)[] = [];
  #byVideo = new Map<number, number[]>();
  /** word → cue id × 256 + position, in cue order. */
  #postings = new Map<string, number[]>();
  #sorted: string[] | null = null;
  #dead = 0;

  get size(): number {
    return this.#entries.length - this.#dead;
  }

  /** Replaces a video's cues. */
  setVideo(videoId: number, tracks: readonly { source: CueSource; language: string | null; cues: readonly Cue[] }[]) {
    this.removeVideo(videoId);
    const ids: number[] = [];
    for (const track of tracks) {
      for (const cue of track.cues) {
        const id = this.#entries.length;
        this.#entries.push({ videoId, cue, source: track.source, language: track.language });
        ids.push(id);
        for (const [i, w] of wordsOf(cue.text).entries()) {
          let list = this.#postings.get(w.folded);
          if (!list) {
            this.#postings.set(w.folded, (list = []));
            this.#sorted = null;
          }
          list.push(id * 256 + Math.min(i, maxPosition));
        }
      }
    }
    if (ids.length > 0) this.#byVideo.set(videoId, ids);
  }

  removeVideo(videoId: number): void {
    const ids = this.#byVideo.get(videoId);
    if (!ids) return;
    for (const id of ids) this.#entries[id] = null;
    this.#dead += ids.length;
    this.#byVideo.delete(videoId);
    // Postings of removed cues are skipped at search; rebuilt once they are most of the index.
    if (this.#dead > 1000 && this.#dead > this.#entries.length / 2) this.#rebuild();
  }

  #rebuild(): void {
    const live = [...this.#byVideo.keys()];
    const entries = this.#entries;
    const tracksOf = (id: number) => this.#byVideo.get(id)!.map((c) => entries[c]!);
    const saved = live.map((videoId) => [videoId, tracksOf(videoId)] as const);
    this.#entries = [];
    this.#byVideo.clear();
    this.#postings.clear();
    this.#sorted = null;
    this.#dead = 0;
    for (const [videoId, list] of saved)
      this.setVideo(
        videoId,
        list.map((e) => ({ source: e.source, language: e.language, cues: [e.cue] })),
      );
  }

  /** Every distinct word starting with `prefix`, from the sorted list. */
  #wordsStartingWith(prefix: string): string[] {
    const sorted = (this.#sorted ??= [...this.#postings.keys()].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++) out.push(sorted[i]);
    return out;
  }

  /** cue id → positions where a word starting with `prefix` is (exact: the word itself, not longer). */
  #positions(prefix: string): Map<number, { pos: number; exact: boolean }[]> {
    const out = new Map<number, { pos: number; exact: boolean }[]>();
    for (const word of this.#wordsStartingWith(prefix)) {
      const exact = word === prefix;
      for (const p of this.#postings.get(word)!) {
        const id = Math.floor(p / 256);
        if (!this.#entries[id]) continue;
        let list = out.get(id);
        if (!list) out.set(id, (list = []));
        list.push({ pos: p % 256, exact });
      }
    }
    return out;
  }

  /** Lines holding every word of `query` (each phrase in order), best first. */
  search(query: string | TextQuery, opts: { limit?: number; videoIds?: ReadonlySet<number> } = {}): CueHit[] {
    const { phrases } = typeof query === 'string' ? parseQuery(query) : query;
    if (phrases.length === 0) return [];
    const words = [...new Set(phrases.flat())];
    const found = new Map(words.map((w) => [w, this.#positions(w)]));
    // Start from the word in the fewest lines.
    const rarest = words.reduce((a, b) => (found.get(a)!.size <= found.get(b)!.size ? a : b));
    const hits: CueHit[] = [];
    for (const id of found.get(rarest)!.keys()) {
      const entry = this.#entries[id]!;
      if (opts.videoIds && !opts.videoIds.has(entry.videoId)) continue;
      const placed = placePhrases(phrases, (w) => found.get(w)!.get(id));
      if (!placed) continue;
      const text = entry.cue.text;
      const spans = wordsOf(text);
      const marks = placed.positions.map((p) => [spans[p].from, spans[p].to] as [number, number]);
      hits.push({
        videoId: entry.videoId,
        start: entry.cue.start,
        end: entry.cue.end,
        text,
        source: entry.source,
        language: entry.language,
        marks: marks.sort((a, b) => a[0] - b[0]),
        score: placed.score,
      });
    }
    hits.sort((a, b) => b.score - a.score || a.videoId - b.videoId || a.start - b.start);
    return hits.slice(0, opts.limit ?? 200);
  }
}

type Positions = (w: string) => { pos: number; exact: boolean }[] | undefined;

/**
 * Where each phrase sits in one line, choosing occurrences so the words lie as close together as they can, and its
 * score: 1 / (1 + the words between them), plus a little for whole words over prefixes. Null when a word or a
 * phrase is not in the line.
 */
function placePhrases(phrases: string[][], at: Positions): { positions: number[]; score: number } | null {
  // Each phrase's possible starts: the position of its first word where the rest follow in order.
  const options: { start: number; end: number; exact: number }[][] = [];
  for (const phrase of phrases) {
    const first = at(phrase[0]);
    if (!first) return null;
    const opts: { start: number; end: number; exact: number }[] = [];
    for (const f of first) {
      let exact = f.exact ? 1 : 0;
      let ok = true;
      for (let k = 1; k < phrase.length && ok; k++) {
        const next = at(phrase[k])?.find((p) => p.pos === f.pos + k);
        if (!next) ok = false;
        else exact += next.exact ? 1 : 0;
      }
      if (ok) opts.push({ start: f.pos, end: f.pos + phrase.length - 1, exact });
    }
    if (opts.length === 0) return null;
    options.push(opts);
  }
  // Few phrases and few occurrences per line: try every choice, keep the tightest.
  let best: { span: number; exact: number; chosen: { start: number; end: number }[] } | null = null;
  const choose = (i: number, chosen: { start: number; end: number; exact: number }[]) => {
    if (i === options.length) {
      const span = Math.max(...chosen.map((c) => c.end)) - Math.min(...chosen.map((c) => c.start)) + 1;
      const exact = chosen.reduce((n, c) => n + c.exact, 0);
      if (!best || span < best.span || (span === best.span && exact > best.exact)) best = { span, exact, chosen };
      return;
    }
    for (const o of options[i].slice(0, 8)) choose(i + 1, [...chosen, o]);
  };
  choose(0, []);
  const b = best as { span: number; exact: number; chosen: { start: number; end: number }[] } | null;
  if (!b) return null;
  const wordCount = phrases.reduce((n, p) => n + p.length, 0);
  const gaps = Math.max(0, b.span - wordCount);
  const positions = [...new Set(b.chosen.flatMap((c) => range(c.start, c.end)))];
  return { positions, score: 1 / (1 + gaps) + (0.1 * b.exact) / wordCount };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
