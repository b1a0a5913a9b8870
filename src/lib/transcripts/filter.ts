import { parseQuery, wordsOf } from './words';

/** A line the transcript filter kept, with where the typed words are in it (for highlighting). */
export interface FilteredLine {
  index: number;
  /** [from, to) character ranges of the matched words. */
  marks: [number, number][];
}

/**
 * The transcript panel's filter: the lines holding every typed word, matched as "Said" search matches them (case
 * and accents folded, word prefixes, "quoted phrases" in order), in their own order. An empty filter keeps all.
 */
export function filterLines(lines: readonly { text: string }[], typed: string): FilteredLine[] | null {
  const { phrases } = parseQuery(typed);
  if (phrases.length === 0) return null;
  const out: FilteredLine[] = [];
  for (const [index, line] of lines.entries()) {
    const words = wordsOf(line.text);
    const marks: [number, number][] = [];
    const found = phrases.every((phrase) => {
      let any = false;
      for (let i = 0; i + phrase.length <= words.length; i++) {
        if (phrase.every((w, k) => words[i + k].folded.startsWith(w))) {
          any = true;
          for (let k = 0; k < phrase.length; k++) marks.push([words[i + k].from, words[i + k].to]);
        }
      }
      return any;
    });
    if (found) out.push({ index, marks: uniqueInOrder(marks) });
  }
  return out;
}

/** A word matched by two phrases is marked once; marks in text order. */
function uniqueInOrder(marks: [number, number][]): [number, number][] {
  return [...new Map(marks.map((m) => [m[0], m])).values()].sort((a, b) => a[0] - b[0]);
}
