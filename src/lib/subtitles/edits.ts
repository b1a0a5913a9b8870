import type { Cue } from './types';

/** How a typed line is kept: each line's spaces tidied, blank lines dropped (they would end an SRT block). */
export function tidyLine(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

/**
 * The cue with its text fixed by hand. The source's own text is kept in `original` from the first edit on, so an
 * edit back to it (an undo) makes the line plain again rather than "edited".
 */
export function editCue(cue: Cue, text: string): Cue {
  const original = cue.original ?? cue.text;
  const next = tidyLine(text);
  if (next === original) return { start: cue.start, end: cue.end, text: original };
  return { start: cue.start, end: cue.end, text: next, edited: true, original };
}

/**
 * Keeps the user's fixes when a source is read again (a rescan of a subtitle file, an embedded track): a new cue
 * with the same times and the text the edit started from gets the edit back. A line the source itself changed is
 * the source's: the file's author had the last word. Returns the new cues and how many edits were kept.
 */
export function carryEdits(before: readonly Cue[], after: readonly Cue[]): { cues: Cue[]; kept: number } {
  const key = (start: number, end: number, text: string) =>
    `${Math.round(start * 1000)}:${Math.round(end * 1000)}:${text}`;
  const edits = new Map<string, Cue>();
  for (const c of before) if (c.edited && c.original !== undefined) edits.set(key(c.start, c.end, c.original), c);
  if (edits.size === 0) return { cues: [...after], kept: 0 };
  let kept = 0;
  const cues = after.map((c) => {
    const edit = edits.get(key(c.start, c.end, c.text));
    if (!edit) return c;
    kept++;
    return { ...c, text: edit.text, edited: true, original: c.text };
  });
  return { cues, kept };
}

/** How many lines of these tracks were fixed by hand: what re-transcribing asks about before replacing them. */
export function editedCount(tracks: readonly { cues: readonly Cue[] }[]): number {
  return tracks.reduce((n, t) => n + t.cues.filter((c) => c.edited).length, 0);
}
