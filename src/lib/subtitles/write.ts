import type { Cue } from './types';

/**
 * Writes cues as SubRip (`.srt`) and WebVTT (`.vtt`), the two formats every player reads. Each reads back through
 * `parseSubtitles` as the same cues (times to the millisecond): text that the reader would take for markup (`<i>`,
 * `{\an8}`, `\N`, `&amp;`) is written as character references, which the reader decodes last.
 */

/** `01:02:03,456` (SRT, `separator` ',') or `01:02:03.456` (WebVTT): hours always written, milliseconds rounded. */
export function subtitleTimestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** A cue's lines as they can be written in a block: no blank line (it would end the block), spaces tidied. */
function blockLines(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0);
}

/**
 * SRT has no escaping of its own, but readers strip tags and ASS override blocks: whatever would be read as
 * markup is written as numeric references. Plain text ("5 < 6", "Tom & Jerry") is written as it is.
 */
function srtText(line: string): string {
  return line
    .replace(/&(?=#?\w+;)/g, '&#38;')
    .replace(/<(?=[^>]*>)/g, '&#60;')
    .replace(/\{(?=[^}]*\})/g, '&#123;')
    .replace(/\\(?=[Nnh])/g, '&#92;');
}

/** WebVTT requires `&` and `<` escaped, and `>` too so no line holds `-->`; braces and `\N` as in SRT. */
function vttText(line: string): string {
  return line
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\{(?=[^}]*\})/g, '&#123;')
    .replace(/\\(?=[Nnh])/g, '&#92;');
}

/** Cues worth writing: some text, and an end not before the start (written as the start when it is). */
function writable(cues: readonly Cue[]): { start: number; end: number; lines: string[] }[] {
  return cues
    .map((c) => ({ start: c.start, end: Math.max(c.start, c.end), lines: blockLines(c.text) }))
    .filter((c) => c.lines.length > 0);
}

/** SubRip: numbered blocks, `hh:mm:ss,mmm --> hh:mm:ss,mmm`, CRLF-free (every reader takes LF). */
export function toSrt(cues: readonly Cue[]): string {
  return writable(cues)
    .map(
      (c, i) =>
        `${i + 1}\n${subtitleTimestamp(c.start, ',')} --> ${subtitleTimestamp(c.end, ',')}\n${c.lines.map(srtText).join('\n')}\n`,
    )
    .join('\n');
}

/** WebVTT: the `WEBVTT` header, then one block per cue. `language` goes in a header line, as many tools write it. */
export function toWebVtt(cues: readonly Cue[], language?: string | null): string {
  const header = language ? `WEBVTT\nLanguage: ${language}\n` : 'WEBVTT\n';
  const blocks = writable(cues).map(
    (c) =>
      `${subtitleTimestamp(c.start, '.')} --> ${subtitleTimestamp(c.end, '.')}\n${c.lines.map(vttText).join('\n')}\n`,
  );
  return [header, ...blocks].join('\n');
}
