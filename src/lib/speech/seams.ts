import type { Cue } from '../subtitles/types';
import { placeWords, type HeardLine } from './words';

/** The longest run of words compared at a seam. */
const MAX_SEAM_WORDS = 40;

const fold = (word: string) =>
  word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}']/gu, '')
    .toLowerCase();

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean);

/**
 * The cues of a window that overlaps the window before, without the words both heard. The overlap is transcribed
 * twice, so the end of `before` and the start of `after` say the same words: the longest run of words that ends
 * `before` and starts `after` (compared without case, accents or punctuation) is dropped from `after`, and cues
 * of `after` that end before `before` does are dropped outright (both windows heard them).
 */
export function joinAtSeam(before: readonly Cue[], after: readonly Cue[]): Cue[] {
  if (before.length === 0) return [...after];
  const lastEnd = before[before.length - 1].end;
  const rest = after.filter((c) => c.end > lastEnd - 0.05 || c.start >= lastEnd);
  const tail = before
    .flatMap((c) => wordsOf(c.text))
    .slice(-MAX_SEAM_WORDS)
    .map(fold);
  const headWords = rest.flatMap((c, i) => wordsOf(c.text).map((w) => ({ cue: i, word: fold(w) })));
  let shared = 0;
  for (let k = Math.min(tail.length, headWords.length); k > 0; k--) {
    let same = true;
    for (let j = 0; j < k && same; j++)
      same = tail[tail.length - k + j] === headWords[j].word && tail[tail.length - k + j] !== '';
    if (same) {
      shared = k;
      break;
    }
  }
  if (shared === 0) return rest;
  const out: Cue[] = [];
  let toDrop = shared;
  for (const cue of rest) {
    const words = wordsOf(cue.text);
    const dropped = Math.min(toDrop, words.length);
    toDrop -= dropped;
    if (dropped === words.length) continue;
    const kept: Cue = { ...cue, text: words.slice(dropped).join(' ') };
    // Word times follow the words when the model's words are the text's; otherwise they would be misattributed.
    if (cue.words && dropped > 0) {
      if (cue.words.length === words.length) kept.words = cue.words.slice(dropped);
      else delete kept.words;
    }
    out.push(kept);
  }
  return out;
}

/** A window's cues in track time: offset by the window's start, kept inside it, empty ones dropped, in order. */
export function placeCues(chunks: readonly HeardLine[], window: { start: number; duration: number }): Cue[] {
  const out: Cue[] = [];
  for (const c of chunks) {
    const text = c.text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const [from, to] = c.timestamp ?? [0, window.duration];
    const start = window.start + Math.min(Math.max(0, from), window.duration);
    const end = Math.max(start, window.start + Math.min(Math.max(from, to ?? window.duration), window.duration));
    const cue: Cue = { start, end, text };
    if (c.words?.length) cue.words = placeWords(c.words, window.start, cue);
    out.push(cue);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}
