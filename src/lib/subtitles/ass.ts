import { sortCues } from './srt';
import { plainText } from './text';
import { parseTimestamp } from './time';
import type { Cue, ParsedSubtitles } from './types';

/** Where Start, End and Text sit when the [Events] section has no Format line (the ASS default order). */
const defaultFormat = ['layer', 'start', 'end', 'style', 'name', 'marginl', 'marginr', 'marginv', 'effect', 'text'];

/**
 * Advanced SubStation Alpha (and SSA): the `Dialogue:` lines of the [Events] section, their fields placed by its
 * `Format:` line, Text being the last and free to hold commas. Override blocks (`{\i1}`, `{\pos(…)}`) are
 * stripped and `\N` becomes a line break. Drawing commands (`{\p1}…`) carry no words and are dropped.
 */
export function parseAss(text: string): ParsedSubtitles {
  const cues: Cue[] = [];
  let format = defaultFormat;
  let inEvents = false;
  let bad = 0;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inEvents = /^\[events\]$/i.test(line);
      continue;
    }
    if (!inEvents) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1);
    if (key === 'format') {
      format = value.split(',').map((f) => f.trim().toLowerCase());
      continue;
    }
    if (key !== 'dialogue') continue;
    const fields = splitFields(value, format.length);
    const start = parseTimestamp(fields[format.indexOf('start')] ?? '');
    const end = parseTimestamp(fields[format.indexOf('end')] ?? '');
    const body = fields[format.indexOf('text')];
    if (Number.isNaN(start) || Number.isNaN(end) || body === undefined || end < start) {
      bad++;
      continue;
    }
    if (/\{[^}]*\\p[1-9]/.test(body)) continue; // a vector drawing, not words
    const words = plainText(body);
    if (words) cues.push({ start, end, text: words });
  }
  const warnings: string[] = [];
  if (bad > 0) warnings.push(`${bad} Dialogue line${bad === 1 ? '' : 's'} could not be read; the rest was kept.`);
  if (cues.length === 0 && bad === 0 && !/^\s*\[script info\]/im.test(text))
    warnings.push('This does not look like an ASS/SSA file: no [Events] Dialogue line was found.');
  return { cues: sortCues(cues), warnings };
}

/** Splits on the first `count - 1` commas: the last field (Text) keeps its own. */
function splitFields(value: string, count: number): string[] {
  const out: string[] = [];
  let rest = value;
  for (let i = 0; i < count - 1; i++) {
    const comma = rest.indexOf(',');
    if (comma < 0) break;
    out.push(rest.slice(0, comma).trim());
    rest = rest.slice(comma + 1);
  }
  out.push(rest);
  return out;
}
