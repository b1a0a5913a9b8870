/** A phrase's possible places in a line are tried up to this many (lines are a sentence or two). */
const maxOptions = 8;

/**
 * A query made ready for one search: each distinct typed word is a term with a bit; `termBits[wordNumber]` holds the
 * bits of the terms a vocabulary word matches (it starts with them), and `exact[term]` is the word number of the term
 * itself (-1 when no line has it), which ranks a whole word above a longer one it starts. Placing it in a line
 * allocates nothing: a search places it in every line that holds its words, hundreds of thousands at 1,000 hours.
 */
export class CompiledQuery {
  /** Words over all phrases (for the score). */
  readonly wordCount: number;
  /** The best score any line can have: every phrase side by side, every word whole. */
  readonly bestPossible: number;
  readonly #starts: Int32Array;
  readonly #exacts: Int32Array;
  readonly #counts: Int32Array;
  readonly #chosen: Int32Array;
  readonly #best: Int32Array;

  constructor(
    /** Each phrase as its words' term numbers, in order; a loose word is a phrase of one. */
    readonly phrases: readonly (readonly number[])[],
    readonly termBits: Uint32Array,
    readonly exact: Int32Array,
  ) {
    this.wordCount = phrases.reduce((n, p) => n + p.length, 0);
    // As `place` computes it, counting as whole only the words some line has whole.
    const whole = phrases.reduce((n, p) => n + p.filter((t) => exact[t] >= 0).length, 0);
    this.bestPossible = 1 + (0.1 * whole) / this.wordCount;
    this.#starts = new Int32Array(phrases.length * maxOptions);
    this.#exacts = new Int32Array(phrases.length * maxOptions);
    this.#counts = new Int32Array(phrases.length);
    this.#chosen = new Int32Array(phrases.length);
    this.#best = new Int32Array(phrases.length);
  }

  /**
   * Where the phrases sit in one line (its words' numbers are `tokens[from..to)`), choosing occurrences so the words
   * lie as close together as they can, and its score: 1 / (1 + the words between them), plus a little for whole
   * words over prefixes. -1 when a phrase is not in the line. With `positions`, the chosen words' places are pushed.
   */
  place(tokens: Uint32Array, from: number, to: number, positions?: number[]): number {
    const { phrases, termBits, exact } = this;
    const starts = this.#starts;
    const exacts = this.#exacts;
    const counts = this.#counts;
    const n = to - from;
    for (let p = 0; p < phrases.length; p++) {
      const phrase = phrases[p];
      let count = 0;
      for (let at = 0; at + phrase.length <= n && count < maxOptions; at++) {
        let whole = 0;
        let k = 0;
        for (; k < phrase.length; k++) {
          const word = tokens[from + at + k];
          if (((termBits[word] >>> phrase[k]) & 1) === 0) break;
          if (exact[phrase[k]] === word) whole++;
        }
        if (k === phrase.length) {
          starts[p * maxOptions + count] = at;
          exacts[p * maxOptions + count] = whole;
          count++;
        }
      }
      if (count === 0) return -1;
      counts[p] = count;
    }
    // Few phrases and few places per line: try every choice (an odometer over the options), keep the tightest, then
    // the one with most whole words.
    const chosen = this.#chosen.fill(0);
    const best = this.#best;
    let bestSpan = Infinity;
    let bestExact = -1;
    for (;;) {
      let lo = Infinity;
      let hi = -1;
      let whole = 0;
      for (let p = 0; p < phrases.length; p++) {
        const at = starts[p * maxOptions + chosen[p]];
        if (at < lo) lo = at;
        if (at + phrases[p].length - 1 > hi) hi = at + phrases[p].length - 1;
        whole += exacts[p * maxOptions + chosen[p]];
      }
      const span = hi - lo + 1;
      if (span < bestSpan || (span === bestSpan && whole > bestExact)) {
        bestSpan = span;
        bestExact = whole;
        best.set(chosen);
      }
      let p = phrases.length - 1;
      while (p >= 0 && ++chosen[p] === counts[p]) chosen[p--] = 0;
      if (p < 0) break;
    }
    if (positions) {
      const seen = new Set<number>();
      for (let p = 0; p < phrases.length; p++)
        for (let k = 0; k < phrases[p].length; k++) seen.add(starts[p * maxOptions + best[p]] + k);
      positions.push(...[...seen].sort((a, b) => a - b));
    }
    const gaps = Math.max(0, bestSpan - this.wordCount);
    return 1 / (1 + gaps) + (0.1 * bestExact) / this.wordCount;
  }
}
