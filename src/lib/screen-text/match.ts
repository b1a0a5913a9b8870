import type { ScreenWord, TextSpan } from './types';

/** Lower case without accents ("Café" and "CAFE" read alike), as search compares words. */
export const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

/** The words of a text for search: folded, split at anything that is not a letter or a digit. */
export const searchWords = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** Words this long may differ by one character and still match: recognition misreads a letter now and then. */
export const typoMinLength = 6;

/** At most one character changed, added or dropped between `a` and `b`. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  // Past the first difference, the rest must agree after one substitution (same length) or one skip (one longer).
  return short.length === long.length ? short.slice(i + 1) === long.slice(i + 1) : short.slice(i) === long.slice(i + 1);
}

/** A folded query word found in a folded word read on screen: exactly, or within one edit for long words. */
export function wordMatches(query: string, read: string): boolean {
  if (query === read) return true;
  return query.length >= typoMinLength && read.length >= typoMinLength - 1 && withinOneEdit(query, read);
}

/** A span holding every word of the query, with the words that matched (for boxing them on its frame). */
export interface SpanMatch {
  words: ScreenWord[];
  /** How many query words matched exactly (typo matches rank lower). */
  exact: number;
}

/** Whether the span shows every word of `query` (already split by `searchWords`), and which words matched. */
export function matchSpan(span: TextSpan, query: readonly string[]): SpanMatch | null {
  if (query.length === 0) return null;
  const words = span.lines.flatMap((l) => l.words).map((w) => ({ word: w, folded: searchWords(w.text) }));
  const matched = new Set<ScreenWord>();
  let exact = 0;
  for (const q of query) {
    let found = false;
    for (const w of words) {
      if (w.folded.includes(q)) {
        matched.add(w.word);
        exact++;
        found = true;
        break;
      }
    }
    if (found) continue;
    for (const w of words)
      if (w.folded.some((r) => wordMatches(q, r))) {
        matched.add(w.word);
        found = true;
        break;
      }
    if (!found) return null;
  }
  return { words: [...matched], exact };
}
