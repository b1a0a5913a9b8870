import { describe, expect, it } from 'vitest';
import { joinAtSeam, placeCues } from '../../src/lib/speech/seams';
import { linesFromWords, MAX_LINE_WORDS } from '../../src/lib/speech/words';

const word = (text: string, start: number, end: number | null) => ({ text, timestamp: [start, end] as const });

describe('lines from word times', () => {
  it('ends a line at a sentence end and at a pause, keeping each word with its time', () => {
    const lines = linesFromWords([
      word(' Hello', 0.5, 0.9),
      word(' there.', 0.9, 1.3),
      word(' How', 1.4, 1.6),
      word(' are', 1.6, 1.8),
      word(' you', 3.2, 3.5),
    ]);
    expect(lines.map((l) => [l.text, l.timestamp])).toEqual([
      ['Hello there.', [0.5, 1.3]],
      ['How are', [1.4, 1.8]],
      ['you', [3.2, 3.5]],
    ]);
    expect(lines[0].words).toEqual([
      { start: 0.5, end: 0.9, text: 'Hello' },
      { start: 0.9, end: 1.3, text: 'there.' },
    ]);
  });

  it('keeps times in order and every word inside its line, whatever the alignment gave', () => {
    const lines = linesFromWords([word(' a', 2, 1), word(' b', 1.5, null), word(' ', 9, 9), word(' c', 2.5, 30)]);
    expect(lines).toHaveLength(1);
    expect(lines[0].words).toEqual([
      { start: 2, end: 2, text: 'a' },
      { start: 2, end: 2, text: 'b' },
      { start: 2.5, end: 30, text: 'c' },
    ]);
    expect(lines[0].timestamp).toEqual([2, 30]);
  });

  it('breaks a long run of words into lines of at most MAX_LINE_WORDS', () => {
    const words = Array.from({ length: MAX_LINE_WORDS * 2 + 1 }, (_, i) => word(` w${i}`, i * 0.2, i * 0.2 + 0.1));
    expect(linesFromWords(words).map((l) => l.words!.length)).toEqual([MAX_LINE_WORDS, MAX_LINE_WORDS, 1]);
  });
});

describe('word times in track time', () => {
  it('moves words with their window and keeps them inside their line', () => {
    const [cue] = placeCues(
      [
        {
          text: ' one two',
          timestamp: [1, 2],
          words: [
            { text: 'one', start: 1, end: 1.4 },
            { text: 'two', start: 1.4, end: 27 },
          ],
        },
      ],
      { start: 10, duration: 3 },
    );
    expect(cue).toEqual({
      start: 11,
      end: 12,
      text: 'one two',
      words: [
        { start: 11, end: 11.4, text: 'one' },
        { start: 11.4, end: 12, text: 'two' },
      ],
    });
  });

  it('drops the words both windows heard at a seam together with their times', () => {
    const before = [{ start: 0, end: 2, text: 'a b' }];
    const after = [
      {
        start: 1.5,
        end: 3,
        text: 'b c',
        words: [
          { start: 1.5, end: 2, text: 'b' },
          { start: 2, end: 3, text: 'c' },
        ],
      },
    ];
    expect(joinAtSeam(before, after)).toEqual([
      { start: 1.5, end: 3, text: 'c', words: [{ start: 2, end: 3, text: 'c' }] },
    ]);
  });
});
