/** A word of a line as search sees it: folded, and where it sits in the original text (for highlighting). */
export interface Word {
  folded: string;
  from: number;
  to: number;
}

const wordPattern = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * Words already folded: speech repeats a few thousand words, and folding (Unicode normalisation) is most of the cost
 * of indexing a transcript. Cleared when it grows past a rich vocabulary's size.
 */
const folded = new Map<string, string>();

/** Lower case without accents: "Été" and "ete" are one word, as are "Straße" and "strasse". */
export function foldWord(word: string): string {
  let out = folded.get(word);
  if (out === undefined) {
    out = word
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/ß/g, 'ss')
      .replace(/’/g, "'");
    if (folded.size >= 200_000) folded.clear();
    folded.set(word, out);
  }
  return out;
}

/** The words of a line, in order. */
export function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(wordPattern)) {
    out.push({ folded: foldWord(m[0]), from: m.index, to: m.index + m[0].length });
  }
  return out;
}

/** What was typed: words (each matches a word starting with it) and "quoted phrases" (words in that order). */
export interface TextQuery {
  /** Each a run of folded words that must appear consecutively; a loose word is a phrase of one. */
  phrases: string[][];
}

export function parseQuery(text: string): TextQuery {
  const phrases: string[][] = [];
  const quoted = /["“”„]([^"“”„]*)["“”]?/g;
  let rest = text;
  for (const m of text.matchAll(quoted)) {
    const words = wordsOf(m[1]).map((w) => w.folded);
    if (words.length > 0) phrases.push(words);
    rest = rest.replace(m[0], ' ');
  }
  for (const w of wordsOf(rest)) phrases.push([w.folded]);
  return { phrases };
}
