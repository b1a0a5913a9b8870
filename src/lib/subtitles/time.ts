/**
 * A subtitle timestamp in seconds: `01:02:03,456` (SRT), `01:02:03.456` or `02:03.456` (WebVTT), `1:02:03.45`
 * (ASS, hundredths). Either separator is accepted before the fraction, since real files mix them. NaN when the text
 * is not a timestamp.
 */
export function parseTimestamp(text: string): number {
  const m = /^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return NaN;
  const [, h, min, s, frac] = m;
  const minutes = Number(min);
  const seconds = Number(s);
  if (seconds >= 60 || (h !== undefined && minutes >= 60)) return NaN;
  const fraction = frac ? Number(frac) / 10 ** frac.length : 0;
  return Number(h ?? 0) * 3600 + minutes * 60 + seconds + fraction;
}

/** `start --> end` of an SRT or WebVTT cue (WebVTT settings after the end are ignored); null when it is not one. */
export function parseTiming(line: string): { start: number; end: number } | null {
  const m = /^\s*(\S+)\s*-->\s*(\S+)/.exec(line);
  if (!m) return null;
  const start = parseTimestamp(m[1]);
  const end = parseTimestamp(m[2]);
  return Number.isNaN(start) || Number.isNaN(end) ? null : { start, end };
}
