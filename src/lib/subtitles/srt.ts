import { plainText } from './text';
import { parseTiming } from './time';
import type { Cue, ParsedSubtitles } from './types';

/**
 * SubRip and WebVTT share their shape: blocks separated by blank lines, each with an optional identifier line, a
 * `start --> end` line and the text. `header` is WebVTT's: its first block (the `WEBVTT` line) and NOTE, STYLE
 * and REGION blocks are not cues. A block without a timing line is skipped with a warning, never an error.
 */
export function parseBlocks(text: string, kind: 'SRT' | 'WebVTT'): ParsedSubtitles {
  const cues: Cue[] = [];
  const warnings: string[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/);
  let skipped = 0;
  let firstSkippedLine = 0;
  let line = 1;
  for (const [i, block] of blocks.entries()) {
    const at = line;
    line += block.split('\n').length + 1;
    const lines = block.split('\n').filter((l, j) => j > 0 || l.trim() !== '');
    if (lines.length === 0 || lines.every((l) => l.trim() === '')) continue;
    if (kind === 'WebVTT' && (i === 0 ? /^\uFEFF?WEBVTT/.test(lines[0]) : /^(NOTE|STYLE|REGION)\b/.test(lines[0])))
      continue;
    const timingAt = lines.findIndex((l) => l.includes('-->'));
    const timing = timingAt >= 0 && timingAt <= 1 ? parseTiming(lines[timingAt]) : null;
    if (!timing || timing.end < timing.start) {
      if (skipped++ === 0) firstSkippedLine = at;
      continue;
    }
    const body = plainText(lines.slice(timingAt + 1).join('\n'));
    if (body) cues.push({ start: timing.start, end: timing.end, text: body });
  }
  if (skipped > 0)
    warnings.push(
      `${skipped} ${kind} block${skipped === 1 ? '' : 's'} could not be read (the first near line ${firstSkippedLine}); the rest was kept.`,
    );
  if (cues.length === 0 && text.trim() !== '') warnings.push(`No ${kind} cue could be read.`);
  return { cues: sortCues(cues), warnings };
}

/** Cues in order of their start; overlapping cues (two speakers at once) are kept, both. */
export function sortCues(cues: Cue[]): Cue[] {
  return cues
    .map((c, i) => [c, i] as const)
    .sort((a, b) => a[0].start - b[0].start || a[1] - b[1])
    .map(([c]) => c);
}
