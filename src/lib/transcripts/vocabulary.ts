/**
 * The distinct folded words of every line, each with a number and the lines it is in (its postings, in line order),
 * and a sorted list of them for prefix look-ups. Words met since the last look-up wait in a small list and are merged
 * into the sorted one when next needed, so storing a video never re-sorts the whole vocabulary.
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly #words: string[] = [];
  /** Per word number: the line ids it is in, ascending, each once. */
  readonly postings: number[][] = [];
  #sorted: string[] = [];
  #pending: string[] = [];

  get size(): number {
    return this.#words.length;
  }

  /** The word's number, given one if it is new. */
  add(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      id = this.#words.length;
      this.#ids.set(word, id);
      this.#words.push(word);
      this.postings.push([]);
      this.#pending.push(word);
    }
    return id;
  }

  idOf(word: string): number | undefined {
    return this.#ids.get(word);
  }

  /** Notes that line `lineId` holds word `id` (lines are added in ascending order). */
  post(id: number, lineId: number): void {
    const list = this.postings[id];
    if (list[list.length - 1] !== lineId) list.push(lineId);
  }

  /** Forgets every posting, keeping the words (before the lines are posted again, compacted). */
  clearPostings(): void {
    for (const list of this.postings) list.length = 0;
  }

  /** The numbers of every word starting with `prefix`. */
  startingWith(prefix: string): number[] {
    const sorted = this.#sortedWords();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++) out.push(this.#ids.get(sorted[i])!);
    return out;
  }

  #sortedWords(): string[] {
    if (this.#pending.length === 0) return this.#sorted;
    const fresh = this.#pending.sort();
    this.#pending = [];
    if (this.#sorted.length === 0) return (this.#sorted = fresh);
    // Merging the new words in costs the vocabulary's length once, not a sort of it.
    const old = this.#sorted;
    const merged: string[] = new Array<string>(old.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) merged[k++] = old[i] < fresh[j] ? old[i++] : fresh[j++];
    while (i < old.length) merged[k++] = old[i++];
    while (j < fresh.length) merged[k++] = fresh[j++];
    return (this.#sorted = merged);
  }
}
