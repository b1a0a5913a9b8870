import { parseAss } from './ass';
import { decodeSubtitleBytes, type DecodedText } from './decode';
import { parseBlocks } from './srt';
import type { ParsedSubtitles, SubtitleFormat } from './types';

/** The format a subtitle file's extension names, or null for a file that is not one. */
export function subtitleFormatOf(name: string): SubtitleFormat | null {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'srt') return 'srt';
  if (ext === 'vtt') return 'vtt';
  if (ext === 'ass' || ext === 'ssa') return 'ass';
  return null;
}

/**
 * Parses subtitle text. The content wins over the extension when they disagree (a `.srt` that is really WebVTT
 * or ASS happens), so a misnamed file still reads. Never throws: what could not be read is in `warnings`.
 */
export function parseSubtitles(text: string, format: SubtitleFormat): ParsedSubtitles {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (/^WEBVTT/.test(head)) return parseBlocks(text, 'WebVTT');
  if (/^\[script info\]/i.test(head) || /^\[(v4\+? styles|events)\]/im.test(head)) return parseAss(text);
  if (format === 'ass') return parseAss(text);
  return parseBlocks(text, format === 'vtt' ? 'WebVTT' : 'SRT');
}

/** Decodes and parses a subtitle file's bytes, and says which encoding they were read as. */
export function readSubtitleFile(
  bytes: Uint8Array,
  format: SubtitleFormat,
): ParsedSubtitles & { encoding: DecodedText['encoding'] } {
  const { text, encoding } = decodeSubtitleBytes(bytes);
  return { ...parseSubtitles(text, format), encoding };
}
