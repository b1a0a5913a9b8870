import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubtitles, readSubtitleFile } from '../../src/lib/subtitles/parse';
import { sidecarOf } from '../../src/lib/subtitles/sidecar';
import { sidecarFileName, trackName } from '../../src/lib/subtitles/tracks';
import type { Cue } from '../../src/lib/subtitles/types';
import { subtitleTimestamp, toSrt, toWebVtt } from '../../src/lib/subtitles/write';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'subtitles', name)));

/** Cues as a reader gives them back: times to the millisecond, no edit marks. */
const asRead = (cues: Cue[]) =>
  cues.map((c) => ({ start: Math.round(c.start * 1000) / 1000, end: Math.round(c.end * 1000) / 1000, text: c.text }));

/** Lines that look like markup to a subtitle reader, and ones that merely hold its characters. */
const awkward: Cue[] = [
  { start: 0.5, end: 2, text: 'Good evening, and welcome aboard.' },
  { start: 2.4, end: 4, text: 'The lighthouse keeper waves\nat the passing ferry.' },
  { start: 4.2, end: 6.5, text: 'Write <i>this</i> & {\\an8}that, 5 < 6 > 4' },
  { start: 5, end: 6, text: 'Tom &amp; Jerry --> C:\\Notes\\new' },
  { start: 7, end: 7, text: 'zero length' },
  { start: 3725.0404, end: 3726.9996, text: 'Crème brûlée à Noël pour 5 € — “quoted”' },
];

describe('writing SRT and WebVTT', () => {
  it('writes timestamps as each format spells them, to the millisecond', () => {
    expect(subtitleTimestamp(0, ',')).toBe('00:00:00,000');
    expect(subtitleTimestamp(3725.0404, ',')).toBe('01:02:05,040');
    expect(subtitleTimestamp(59.9996, '.')).toBe('00:01:00.000');
    expect(subtitleTimestamp(-1, '.')).toBe('00:00:00.000');
  });

  it('writes numbered SRT blocks', () => {
    expect(toSrt(awkward.slice(0, 2))).toBe(
      '1\n00:00:00,500 --> 00:00:02,000\nGood evening, and welcome aboard.\n\n' +
        '2\n00:00:02,400 --> 00:00:04,000\nThe lighthouse keeper waves\nat the passing ferry.\n',
    );
  });

  it('writes WebVTT with its header and escapes', () => {
    const vtt = toWebVtt(awkward.slice(2, 4), 'en');
    expect(vtt.startsWith('WEBVTT\nLanguage: en\n\n00:00:04.200 --> 00:00:06.500\n')).toBe(true);
    expect(vtt).toContain('Write &lt;i&gt;this&lt;/i&gt; &amp; &#123;\\an8}that, 5 &lt; 6 &gt; 4');
    // No line but the timing lines holds "-->".
    expect(vtt.split('\n').filter((l) => l.includes('-->'))).toHaveLength(2);
  });

  it.each([
    ['SRT', 'srt'],
    ['WebVTT', 'vtt'],
  ] as const)('%s round-trips through the parser: same times, same text, nothing read as markup', (_, format) => {
    const text = format === 'srt' ? toSrt(awkward) : toWebVtt(awkward, 'fr');
    const read = parseSubtitles(text, format);
    expect(read.warnings).toEqual([]);
    expect(read.cues).toEqual(asRead(awkward));
  });

  it('the fixture files round-trip: parsed, written as SRT, parsed again', () => {
    for (const [name, format] of [
      ['talk.srt', 'srt'],
      ['garden.pt-BR.vtt', 'vtt'],
      ['cafe.ass', 'ass'],
      ['letters.srt', 'srt'],
      ['letters.fr.srt', 'srt'],
    ] as const) {
      const { cues } = readSubtitleFile(fixture(name), format);
      expect(cues.length, name).toBeGreaterThan(0);
      expect(parseSubtitles(toSrt(cues), 'srt').cues, name).toEqual(cues);
      expect(parseSubtitles(toWebVtt(cues), 'vtt').cues, name).toEqual(cues);
    }
  });

  it('an edited line is written as edited, blank lines inside it dropped so the block holds', () => {
    const cues: Cue[] = [{ start: 1, end: 2, text: 'fixed\n\n  by hand ', edited: true, original: 'fxed' }];
    expect(parseSubtitles(toSrt(cues), 'srt').cues).toEqual([{ start: 1, end: 2, text: 'fixed\nby hand' }]);
  });

  it('writes nothing but the header for no lines, and skips lines without words', () => {
    expect(toSrt([])).toBe('');
    expect(toWebVtt([{ start: 1, end: 2, text: ' \n ' }])).toBe('WEBVTT\n');
  });
});

describe('names of exported files and tracks', () => {
  it('a saved file is named so the next scan links it back to its video, in its language', () => {
    expect(sidecarFileName('talk.mp4', null, 'srt')).toBe('talk.srt');
    expect(sidecarFileName('garden.mp4', 'pt-BR', 'vtt')).toBe('garden.pt-BR.vtt');
    expect(sidecarFileName('a.b.mkv', 'en', 'srt', 2)).toBe('a.b.en.2.srt');
    expect(sidecarOf('garden.mp4', sidecarFileName('garden.mp4', 'pt-BR', 'vtt', 3))).toEqual({
      format: 'vtt',
      language: 'pt-BR',
    });
    expect(sidecarOf('talk.mp4', sidecarFileName('talk.mp4', null, 'srt', 2))).toEqual({
      format: 'srt',
      language: null,
    });
  });

  it('a track is called by its language and where it comes from', () => {
    const base = { modelId: null, label: 'garden.pt-BR.vtt' };
    expect(trackName({ ...base, source: 'sidecar', language: 'pt-BR' }, 'en')).toBe(
      'Brazilian Portuguese · garden.pt-BR.vtt',
    );
    expect(trackName({ ...base, source: 'sidecar', language: null }, 'en')).toBe('garden.pt-BR.vtt');
    expect(trackName({ source: 'speech', language: 'en', label: '', modelId: 'whisper-tiny' }, 'en')).toBe(
      'English · transcribed speech (whisper-tiny)',
    );
  });
});
