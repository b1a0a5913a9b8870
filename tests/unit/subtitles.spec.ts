import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSubtitleBytes } from '../../src/lib/subtitles/decode';
import { parseSubtitles, readSubtitleFile, subtitleFormatOf } from '../../src/lib/subtitles/parse';
import { linkSidecars, sidecarOf } from '../../src/lib/subtitles/sidecar';
import { parseTimestamp } from '../../src/lib/subtitles/time';

const dir = join(import.meta.dirname, '..', 'fixtures', 'subtitles');
const read = (name: string) => readSubtitleFile(new Uint8Array(readFileSync(join(dir, name))), subtitleFormatOf(name)!);

describe('subtitle timestamps', () => {
  it('reads SRT, WebVTT and ASS forms, with a comma or a dot', () => {
    expect(parseTimestamp('01:02:03,456')).toBeCloseTo(3723.456, 6);
    expect(parseTimestamp('01:02:03.456')).toBeCloseTo(3723.456, 6);
    expect(parseTimestamp('02:03.5')).toBeCloseTo(123.5, 6);
    expect(parseTimestamp('0:00:01.25')).toBeCloseTo(1.25, 6);
    expect(parseTimestamp('00:00:07')).toBe(7);
    expect(parseTimestamp('12:61:00,000')).toBeNaN();
    expect(parseTimestamp('banana')).toBeNaN();
  });
});

describe('subtitle parsers on the fixtures', () => {
  it('SRT: styling tags stripped, lines joined, a dot timestamp read, overlapping lines both kept', () => {
    const r = read('talk.srt');
    expect(r.warnings).toEqual([]);
    expect(r.encoding).toBe('utf-8');
    expect(r.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [0.5, 2, 'Good evening, and welcome aboard.'],
      [2.4, 4, 'The lighthouse keeper waves\nat the passing ferry.'],
      [4.2, 6.5, 'Mind the gap between the platform and the train.'],
      [5, 6, '- Wait for me!'],
    ]);
  });

  it('WebVTT: header, NOTE and identifiers skipped, voice and class tags stripped, accents intact', () => {
    const r = read('garden.pt-BR.vtt');
    expect(r.warnings).toEqual([]);
    expect(r.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [1, 3, 'As rosas florescem à noite neste jardim.'],
      [3.5, 5, 'Você já viu isso?'],
    ]);
  });

  it('ASS: Dialogue text after the ninth comma, override tags gone, \\N a line break, drawings dropped', () => {
    const r = read('cafe.ass');
    expect(r.warnings).toEqual([]);
    expect(r.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [0.5, 2, 'Two espressos, please.'],
      [2.2, 4.4, 'Coming right up,\nwith a croissant, sir.'],
    ]);
  });

  it('UTF-16 LE and BE with a BOM, and Windows-1252, read as the letters they are', () => {
    const le = read('letters.srt');
    expect(le.encoding).toBe('utf-16le');
    expect(le.cues[0].text).toBe('Dear Zoë, the naïve façade fooled nobody.');
    const be = read('letters.de.srt');
    expect(be.encoding).toBe('utf-16be');
    expect(be.cues.map((c) => [c.start, c.text])).toEqual([[3.5, 'Grüße aus Köln.']]);
    const cp = read('letters.fr.srt');
    expect(cp.encoding).toBe('windows-1252');
    expect(cp.cues[0].text).toBe('Crème brûlée à Noël pour 5 € seulement.');
  });

  it('a UTF-8 BOM is not part of the first cue, and valid UTF-8 is never taken for Windows-1252', () => {
    expect(decodeSubtitleBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).text).toBe('A');
    expect(decodeSubtitleBytes(new TextEncoder().encode('Noël')).encoding).toBe('utf-8');
    expect(decodeSubtitleBytes(new Uint8Array([0x4e, 0x6f, 0xeb, 0x6c])).text).toBe('Noël');
  });

  it('a malformed SRT gives the lines it could read and a warning, without throwing', () => {
    const r = read('broken.srt');
    expect(r.cues.map((c) => c.text)).toEqual(['The first line reads fine.', 'The last line reads fine too.']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/2 SRT blocks could not be read/);
  });

  it('garbage of any kind never throws and says nothing could be read', () => {
    for (const format of ['srt', 'vtt', 'ass'] as const) {
      const r = parseSubtitles('\u0000\u0001 not subtitles at all --> \n\n{{{', format);
      expect(r.cues).toEqual([]);
      expect(r.warnings.length).toBeGreaterThan(0);
    }
    expect(parseSubtitles('', 'srt')).toEqual({ cues: [], warnings: [] });
  });

  it('content wins over a wrong extension: WebVTT saved as .srt still reads', () => {
    const r = parseSubtitles('WEBVTT\n\n00:01.000 --> 00:02.000\nHello there\n', 'srt');
    expect(r.cues.map((c) => c.text)).toEqual(['Hello there']);
  });
});

describe('sidecar names', () => {
  it('links exact and language-tagged names, with the tag in canonical case', () => {
    expect(sidecarOf('talk.mp4', 'talk.srt')).toEqual({ format: 'srt', language: null });
    expect(sidecarOf('garden.mp4', 'garden.en.srt')).toEqual({ format: 'srt', language: 'en' });
    expect(sidecarOf('garden.mp4', 'garden.pt-br.vtt')).toEqual({ format: 'vtt', language: 'pt-BR' });
    expect(sidecarOf('film.mkv', 'film.forced.eng.ass')).toEqual({ format: 'ass', language: 'eng' });
    expect(sidecarOf('film.mkv', 'film.SSA')).toEqual({ format: 'ass', language: null });
    expect(sidecarOf('film.mkv', 'filmx.srt')).toBeNull();
    expect(sidecarOf('film.mkv', 'film.txt')).toBeNull();
  });

  it('a name two videos could claim goes to the longer one', () => {
    const links = linkSidecars(['a.mp4', 'a.b.mp4'], ['a.b.srt', 'a.en.srt', 'c.srt']);
    expect(links.map((l) => [l.subtitle, l.video, l.sidecar.language])).toEqual([
      ['a.b.srt', 'a.b.mp4', null],
      ['a.en.srt', 'a.mp4', 'en'],
    ]);
  });
});
