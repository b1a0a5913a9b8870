import type { Cue, CueSource } from '../subtitles/types';
import { CompiledQuery } from './placement';
import { TopHits } from './top-hits';
import { Vocabulary } from './vocabulary';
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

/** A query's distinct words past this many are ignored (each takes a bit of a 32-bit mask). */
const maxTerms = 31;

/**
 * An inverted index of cues: every folded word → the lines it is in, and every line → its words' numbers, in order
 * (one flat typed array, so a line's words are checked and placed without reading its text again). Words are looked
 * up by prefix in a sorted list of the distinct words, so "run" finds "running"; a query's words must all be in a
 * line, and "quoted phrases" in order. A search walks the lines of its rarest word only, scores each, and keeps the
 * best `limit`; only those are turned into hits. Adding one video costs its own words, whatever the index's size.
 */
export class CueIndex {
  #entries: (Entry | null)[] = [];
  #byVideo = new Map<number, number[]>();
  #vocabulary = new Vocabulary();
  /** Line i's word numbers are #tokens[#from[i] .. #from[i + 1]). */
  #tokens = new Uint32Array(1024);
  #from = new Uint32Array(1024);
  /** Line i's video (NaN once removed) and start, side by side: a search reads them for every line it walks. */
  #video = new Float64Array(1024);
  #start = new Float64Array(1024);
  #tokenCount = 0;
  #dead = 0;
  /** Per word number, the bits of the current query's terms it matches (kept zeroed between searches). */
  #termBits = new Uint32Array(0);
  /** Per line, the search that last saw it (a line found through two words of one prefix counts once). */
  #seen = new Uint32Array(0);
  #searches = 0;

  get size(): number {
    return this.#entries.length - this.#dead;
  }

  /** Replaces a video's cues. */
  setVideo(videoId: number, tracks: readonly { source: CueSource; language: string | null; cues: readonly Cue[] }[]) {
    this.removeVideo(videoId);
    const ids: number[] = [];
    for (const track of tracks) {
      for (const cue of track.cues) {
        ids.push(this.#addLine({ videoId, cue, source: track.source, language: track.language }, null));
      }
    }
    if (ids.length > 0) this.#byVideo.set(videoId, ids);
  }

  /** Adds a line, its words read from its text, or copied from `words` (a rebuild). Returns its id. */
  #addLine(entry: Entry, words: Uint32Array | null): number {
    const id = this.#entries.length;
    this.#entries.push(entry);
    const numbers = words ?? Uint32Array.from(wordsOf(entry.cue.text), (w) => this.#vocabulary.add(w.folded));
    if (this.#tokenCount + numbers.length > this.#tokens.length) {
      const grown = new Uint32Array(Math.max(this.#tokens.length * 2, this.#tokenCount + numbers.length));
      grown.set(this.#tokens.subarray(0, this.#tokenCount));
      this.#tokens = grown;
    }
    if (id + 2 > this.#from.length) {
      const size = this.#from.length * 2;
      this.#from = grow(new Uint32Array(size), this.#from);
      this.#video = grow(new Float64Array(size), this.#video);
      this.#start = grow(new Float64Array(size), this.#start);
    }
    this.#video[id] = entry.videoId;
    this.#start[id] = entry.cue.start;
    this.#from[id] = this.#tokenCount;
    this.#tokens.set(numbers, this.#tokenCount);
    this.#tokenCount += numbers.length;
    this.#from[id + 1] = this.#tokenCount;
    for (const n of numbers) this.#vocabulary.post(n, id);
    return id;
  }

  removeVideo(videoId: number): void {
    const ids = this.#byVideo.get(videoId);
    if (!ids) return;
    for (const id of ids) {
      this.#entries[id] = null;
      this.#video[id] = NaN;
    }
    this.#dead += ids.length;
    this.#byVideo.delete(videoId);
    // Removed lines are skipped at search; the arrays are compacted once they are mostly dead.
    if (this.#dead > 1000 && this.#dead > this.#entries.length / 2) this.#rebuild();
  }

  #rebuild(): void {
    const entries = this.#entries;
    const tokens = this.#tokens;
    const from = this.#from;
    const videos = [...this.#byVideo];
    this.#entries = [];
    this.#byVideo.clear();
    this.#tokens = new Uint32Array(Math.max(1024, this.#tokenCount));
    const lines = Math.max(1024, 2 * (entries.length - this.#dead + 1));
    this.#from = new Uint32Array(lines);
    this.#video = new Float64Array(lines);
    this.#start = new Float64Array(lines);
    this.#tokenCount = 0;
    this.#dead = 0;
    this.#vocabulary.clearPostings();
    for (const [videoId, ids] of videos) {
      const fresh = ids.map((id) => this.#addLine(entries[id]!, tokens.subarray(from[id], from[id + 1])));
      this.#byVideo.set(videoId, fresh);
    }
  }

  /** The query's terms as bits over the vocabulary; null when a word is in no line. */
  #compile(phrases: string[][]): { query: CompiledQuery; rarest: number[]; words: number[] } | null {
    const terms = [...new Set(phrases.flat())].slice(0, maxTerms);
    const vocabulary = this.#vocabulary;
    if (this.#termBits.length < vocabulary.size) this.#termBits = new Uint32Array(Math.max(1024, vocabulary.size * 2));
    const matching = terms.map((t) => vocabulary.startingWith(t));
    const lines = matching.map((ids) => ids.reduce((n, id) => n + vocabulary.postings[id].length, 0));
    const known = phrases.filter((p) => p.every((w) => terms.includes(w)));
    if (lines.some((n) => n === 0) || known.length === 0) return null;
    matching.forEach((ids, t) => ids.forEach((id) => (this.#termBits[id] |= 1 << t)));
    const rarest = lines.indexOf(Math.min(...lines));
    return {
      query: new CompiledQuery(
        known.map((p) => p.map((w) => terms.indexOf(w))),
        this.#termBits,
        Int32Array.from(terms, (t) => vocabulary.idOf(t) ?? -1),
      ),
      rarest: matching[rarest],
      words: matching.flat(),
    };
  }

  /** Lines holding every word of `query` (each phrase in order), best first. */
  search(query: string | TextQuery, opts: { limit?: number; videoIds?: ReadonlySet<number> } = {}): CueHit[] {
    const { phrases } = typeof query === 'string' ? parseQuery(query) : query;
    if (phrases.length === 0) return [];
    const compiled = this.#compile(phrases);
    if (!compiled) return [];
    const { query: q, rarest, words } = compiled;
    try {
      const top = new TopHits(opts.limit ?? 200);
      for (const word of rarest) this.#walk(q, this.#vocabulary.postings[word], rarest.length > 1, top, opts.videoIds);
      return top.best().map((id) => this.#hit(q, id));
    } finally {
      for (const word of words) this.#termBits[word] = 0;
    }
  }

  /**
   * Offers `top` every line of `lines` (one word's postings) that holds the whole query. The hot loop of a search: at
   * 1,000 hours a common word is in 300,000 lines, so it reads typed arrays only until a line may be kept.
   */
  #walk(q: CompiledQuery, lines: number[], shared: boolean, top: TopHits, videoIds?: ReadonlySet<number>): void {
    const { tokens, from, videos, starts } = {
      tokens: this.#tokens,
      from: this.#from,
      videos: this.#video,
      starts: this.#start,
    };
    const all = q.phrases.flat().reduce((bits, t) => bits | (1 << t), 0);
    const oneWord = q.phrases.length === 1 && q.phrases[0].length === 1;
    if (this.#seen.length < this.#entries.length) this.#seen = new Uint32Array(this.#entries.length * 2);
    const seen = this.#seen;
    const stamp = shared ? ++this.#searches : 0;
    for (let i = 0; i < lines.length; i++) {
      const id = lines[i];
      if (shared) {
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
      }
      const videoId = videos[id];
      if (videoId !== videoId) continue; // NaN: a removed line
      // Once the kept lines all score the best possible, a line can only enter on the order that breaks ties.
      if (!top.beats(q.bestPossible, videoId, starts[id])) continue;
      if (videoIds && !videoIds.has(videoId)) continue;
      if (!oneWord) {
        // Every word of the query somewhere in the line, before placing the phrases.
        let bits = 0;
        for (let t = from[id]; t < from[id + 1]; t++) bits |= q.termBits[tokens[t]];
        if ((bits & all) !== all) continue;
      }
      const score = q.place(tokens, from[id], from[id + 1]);
      if (score >= 0) top.offer(score, videoId, starts[id], id);
    }
  }

  #hit(q: CompiledQuery, id: number): CueHit {
    const entry = this.#entries[id]!;
    const positions: number[] = [];
    const score = q.place(this.#tokens, this.#from[id], this.#from[id + 1], positions);
    const text = entry.cue.text;
    const spans = wordsOf(text);
    return {
      videoId: entry.videoId,
      start: entry.cue.start,
      end: entry.cue.end,
      text,
      source: entry.source,
      language: entry.language,
      marks: positions.map((p) => [spans[p].from, spans[p].to]),
      score,
    };
  }
}

function grow<A extends Uint32Array | Float64Array>(into: A, from: A): A {
  into.set(from);
  return into;
}
