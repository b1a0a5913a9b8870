import { describe, expect, test } from 'vitest';
import {
  assColour,
  assText,
  assTime,
  burnInArgs,
  burnInFileName,
  burnInPlan,
  captionsAss,
  defaultCaptionStyle,
  frameSize,
  hasCaptionText,
} from '../../src/lib/clips/burn-in';
import { parseAss } from '../../src/lib/subtitles/ass';

const cues = [
  { start: 1, end: 2.5, text: 'Hello there' },
  { start: 3.004, end: 4.996, text: 'Two\nlines' },
];
const frame = { width: 1280, height: 720 };
const styleLine = (ass: string) =>
  ass
    .split('\n')
    .find((l) => l.startsWith('Style: '))!
    .slice(7)
    .split(',');
const dialogues = (ass: string) => ass.split('\n').filter((l) => l.startsWith('Dialogue: '));

describe('ASS colours', () => {
  test('are written blue, green, red with an opaque alpha byte first', () => {
    expect(assColour('#ff0000')).toBe('&H000000FF');
    expect(assColour('#00ff00')).toBe('&H0000FF00');
    expect(assColour('#0000ff')).toBe('&H00FF0000');
    expect(assColour('#12aBcD')).toBe('&H00CDAB12');
  });

  test('take the short form, and anything unreadable is white', () => {
    expect(assColour('#f80')).toBe('&H000088FF');
    expect(assColour('yellow')).toBe('&H00FFFFFF');
    expect(assColour('')).toBe('&H00FFFFFF');
  });
});

describe('ASS text', () => {
  test('lines joined by \\N, spaces tidied, blank lines dropped', () => {
    expect(assText('  Two \r\n\n  lines  here ')).toBe('Two\\Nlines here');
    expect(assText(' \n ')).toBe('');
  });

  test('braces are escaped so words in braces are drawn, not taken for override tags', () => {
    expect(assText('{\\an8}loud {laughs}')).toBe('\\{\\\u200ban8\\}loud \\{laughs\\}');
  });

  test('a backslash in the words never becomes a line break or a hard space', () => {
    const text = assText('C:\\New folder \\h');
    expect(text).toBe('C:\\\u200bNew folder \\\u200bh');
    expect(text).not.toMatch(/\\[Nnh]/);
  });
});

describe('ASS times', () => {
  test('are hours, minutes, seconds and centiseconds', () => {
    expect(assTime(0)).toBe('0:00:00.00');
    expect(assTime(3725.5)).toBe('1:02:05.50');
    expect(assTime(59.996)).toBe('0:01:00.00');
    expect(assTime(-1)).toBe('0:00:00.00');
  });
});

describe('the captions script', () => {
  test('bottom centre by default, top centre when asked, coordinates in the picture’s own pixels', () => {
    const bottom = captionsAss(cues, defaultCaptionStyle, frame);
    expect(bottom).toContain('PlayResX: 1280\nPlayResY: 720');
    expect(styleLine(bottom)[18]).toBe('2');
    const top = captionsAss(cues, { ...defaultCaptionStyle, position: 'top' }, frame);
    expect(styleLine(top)[18]).toBe('8');
    // The margin from the edge is the same share of the height either way.
    expect(styleLine(top)[21]).toBe(styleLine(bottom)[21]);
    expect(Number(styleLine(bottom)[21])).toBe(36);
  });

  test('uses the font the app serves, the chosen colour, and sizes that scale with the picture', () => {
    const style = { ...defaultCaptionStyle, colour: '#ffcc00', size: 'large' as const, outline: 'thick' as const };
    const line = styleLine(captionsAss(cues, style, frame));
    expect(line[1]).toBe('DejaVu Sans');
    expect(line[3]).toBe('&H0000CCFF');
    expect(Number(line[2])).toBe(Math.round(720 * 0.08));
    expect(Number(line[16])).toBeCloseTo(5, 0);
    const small = styleLine(captionsAss(cues, { ...style, size: 'small' }, { width: 640, height: 360 }));
    expect(Number(small[2])).toBeLessThan(Number(line[2]) / 2 + 1);
    expect(styleLine(captionsAss(cues, { ...style, outline: 'none' }, frame))[16]).toBe('0');
  });

  test('one Dialogue per line with words, which the app’s own ASS reader reads back at the same times', () => {
    const ass = captionsAss(
      [...cues, { start: 6, end: 7, text: '  ' }, { start: 8, end: 8, text: 'x' }],
      defaultCaptionStyle,
      frame,
    );
    expect(dialogues(ass)).toEqual([
      'Dialogue: 0,0:00:01.00,0:00:02.50,Caption,,0,0,0,,Hello there',
      'Dialogue: 0,0:00:03.00,0:00:05.00,Caption,,0,0,0,,Two\\Nlines',
    ]);
    const read = parseAss(ass);
    expect(read.warnings).toEqual([]);
    expect(read.cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [1, 2.5, 'Hello there'],
      [3, 5, 'Two\nlines'],
    ]);
  });

  test('commas in the words stay in the Text field', () => {
    const [line] = dialogues(captionsAss([{ start: 0, end: 1, text: 'Yes, no, maybe' }], defaultCaptionStyle, frame));
    expect(line.endsWith(',,Yes, no, maybe')).toBe(true);
  });

  test('a track of blank lines has nothing to burn in', () => {
    expect(hasCaptionText([{ start: 0, end: 1, text: ' \n ' }])).toBe(false);
    expect(hasCaptionText(cues)).toBe(true);
  });
});

describe('the burn-in run', () => {
  const video = { width: 1920, height: 1080, rotation: 0, duration: 60, audioCodec: 'aac' };

  test('the picture as shown: a turned phone video is portrait; unmeasured is 720p', () => {
    expect(frameSize({ width: 1920, height: 1080, rotation: 90 })).toEqual({ width: 1080, height: 1920 });
    expect(frameSize({ width: 1920, height: 1080, rotation: 180 })).toEqual({ width: 1920, height: 1080 });
    expect(frameSize({ width: null, height: null })).toEqual({ width: 1280, height: 720 });
  });

  test('sound MP4 holds is copied, any other encoded as AAC; the time limit grows with the video', () => {
    expect(burnInPlan(video, cues, defaultCaptionStyle).sound).toBe('copy');
    expect(burnInPlan({ ...video, audioCodec: 'vorbis' }, cues, defaultCaptionStyle).sound).toBe('aac');
    expect(burnInPlan({ ...video, audioCodec: null }, cues, defaultCaptionStyle).sound).toBe('copy');
    const short = burnInPlan({ ...video, duration: 4 }, cues, defaultCaptionStyle).timeoutMs;
    const hour = burnInPlan({ ...video, duration: 3600 }, cues, defaultCaptionStyle).timeoutMs;
    expect(short).toBe(120_000);
    expect(hour).toBeGreaterThan(3600 * 1000);
    // Not measured at all: no telling how long it takes, so no limit that would stop a long film halfway.
    expect(burnInPlan({ ...video, duration: null }, cues, defaultCaptionStyle).timeoutMs).toBe(6 * 3600_000);
  });

  test('the command draws with libass from the fonts folder only, re-encodes the picture, copies or encodes the sound', () => {
    const args = burnInArgs('/input/input.mkv', '/burn/output.mp4', { sound: 'copy' });
    expect(args[args.indexOf('-vf') + 1]).toBe('ass=/burn/captions.ass:fontsdir=/fonts,format=yuv420p');
    expect(args[args.indexOf('-c:v') + 1]).toBe('libx264');
    expect(args[args.indexOf('-c:a') + 1]).toBe('copy');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/burn/output.mp4']);
    expect(burnInArgs('/i', '/o', { sound: 'aac' }).join(' ')).toContain('-c:a aac');
  });

  test('the file is named after its parent, always MP4', () => {
    expect(burnInFileName('beach.mov')).toBe('beach captions.mp4');
    expect(burnInFileName('talk.2.mp4')).toBe('talk.2 captions.mp4');
  });
});
