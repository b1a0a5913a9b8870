import type { CueWord } from '../subtitles/types';

/** A longer pause than this between two words starts a new line. */
export const LINE_PAUSE_S = 1;
/** A line holds at most this many words, so a long run of speech still reads as subtitles. */
export const MAX_LINE_WORDS = 14;

/** What the speech model heard in one window: lines with times inside it, and each word's when it gives them. */
export interface HeardLine {
  text: string;
  timestamp?: readonly [number, number | null];
  words?: CueWord[];
}

/**
 * Lines from the words Whisper timed one by one (`return_timestamps: 'word'` gives words only, not its segments): a
 * line ends at a sentence's end, at a pause, or when it is long. Word times are made non-decreasing, each word
 * ending no earlier than it starts, so a line's words lie inside it.
 */
export function linesFromWords(words: readonly { text: string; timestamp: readonly [number, number | null] }[]) {
  const lines: HeardLine[] = [];
  let current: CueWord[] = [];
  let raw = '';
  const close = () => {
    const text = raw.replace(/\s+/g, ' ').trim();
    if (text && current.length)
      lines.push({ text, timestamp: [current[0].start, current[current.length - 1].end], words: current });
    current = [];
    raw = '';
  };
  let last = 0;
  for (const w of words) {
    const text = w.text.trim();
    if (!text) continue;
    const start = Math.max(last, w.timestamp[0]);
    const end = Math.max(start, w.timestamp[1] ?? start);
    const previous = current[current.length - 1];
    if (previous && (start - previous.end > LINE_PAUSE_S || current.length >= MAX_LINE_WORDS)) close();
    current.push({ start, end, text });
    raw += w.text;
    last = start;
    if (/[.!?。！？]$/.test(text)) close();
  }
  close();
  return lines;
}

/** The words of a line moved into track time and kept inside it (the model's word times can stray past its end). */
export function placeWords(words: readonly CueWord[], offset: number, line: { start: number; end: number }) {
  const inside = (t: number) => Math.min(Math.max(t + offset, line.start), line.end);
  return words.map((w) => ({ start: inside(w.start), end: inside(w.end), text: w.text }));
}
