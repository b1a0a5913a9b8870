import { fold } from './match';
import type { ReadFrame, TextSpan } from './types';

/** Edits between two strings (Levenshtein), for telling "the same text read slightly differently" apart. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

const textOf = (f: { lines: { text: string }[] }) => fold(f.lines.map((l) => l.text).join('\n'));

/** Two frames show the same text when it reads the same, give or take a misread character in ten. */
export function sameText(a: string, b: string): boolean {
  if (a === b) return true;
  return distance(a, b) <= Math.max(1, Math.floor(Math.max(a.length, b.length) / 10));
}

/**
 * The frames' text as spans: consecutive frames showing the same text are one span, kept with the first frame's
 * lines (its boxes are those of a frame that exists, so a result can show it) and lasting until the next frame that
 * shows something else, or `step` seconds after the last one. Frames with no text end a span and start none.
 */
export function mergeSpans(frames: readonly ReadFrame[], step: number): TextSpan[] {
  const sorted = [...frames].sort((a, b) => a.time - b.time);
  const spans: TextSpan[] = [];
  let open: { span: TextSpan; text: string } | null = null;
  for (const frame of sorted) {
    const text = textOf(frame);
    if (open && text && sameText(open.text, text)) continue;
    if (open) open.span.end = frame.time;
    open = null;
    if (text) {
      const span = { start: frame.time, end: frame.time + step, lines: frame.lines };
      spans.push(span);
      open = { span, text };
    }
  }
  if (open && sorted.length) open.span.end = sorted[sorted.length - 1].time + step;
  return spans;
}

/** The times to read text at: each scene's frame and one every `every` seconds, sorted, at most `max`. */
export function readingPlan(duration: number, sceneTimes: readonly number[], every: number, max: number): number[] {
  const times = [...sceneTimes];
  for (let t = 0; t < duration; t += every) times.push(t);
  const sorted = times.filter((t) => t >= 0 && t < duration).sort((a, b) => a - b);
  const plan: number[] = [];
  for (const t of sorted) if (plan.length === 0 || t - plan[plan.length - 1] >= 0.25) plan.push(t);
  if (plan.length <= max) return plan;
  const stride = plan.length / max;
  return Array.from({ length: max }, (_, i) => plan[Math.floor(i * stride)]);
}
