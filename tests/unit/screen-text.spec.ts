// Reading text on screen: the DB-net postprocess, CTC decoding, the gate, spans over time, and the word matching
// "On screen" search does; all pure code, with maps and frames built here.
import { describe, expect, test } from 'vitest';
import { ctcDecode, ctcWords } from '../../src/lib/screen-text/ctc';
import { cropAround } from '../../src/lib/screen-text/crop';
import { grayThumb, minStrokeDensity, sameFrame, strokeDensity } from '../../src/lib/screen-text/gate';
import { fold, matchSpan, searchWords, withinOneEdit, wordMatches } from '../../src/lib/screen-text/match';
import { snapNear } from '../../src/lib/media/sampling';
import { mergeSpans, readingPlan } from '../../src/lib/screen-text/spans';
import { textBoxes } from '../../src/lib/screen-text/text-boxes';
import type { ReadFrame, ScreenLine, TextSpan } from '../../src/lib/screen-text/types';

/** A probability map with `rects` filled at `p` and the rest at 0.05. */
function map(width: number, height: number, rects: { x: number; y: number; w: number; h: number; p: number }[]) {
  const m = new Float32Array(width * height).fill(0.05);
  for (const r of rects)
    for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) m[y * width + x] = r.p;
  return m;
}

describe('text boxes from the probability map (DB-net postprocess)', () => {
  test('each confident region is one box, grown back by the unclip ratio, in reading order', () => {
    const m = map(100, 60, [
      { x: 60, y: 10, w: 30, h: 6, p: 0.9 }, // right word of the first line
      { x: 10, y: 11, w: 40, h: 6, p: 0.8 }, // left word, a pixel lower
      { x: 10, y: 40, w: 50, h: 8, p: 0.95 }, // second line
    ]);
    const boxes = textBoxes(m, 100, 60, { unclipRatio: 1.5 });
    expect(boxes.map((b) => [b.x < 10, b.y < 25])).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
    // Grown by area × ratio / perimeter = 40·6·1.5 / (2·46) ≈ 3.9 px on each side.
    expect(boxes[0]).toMatchObject({ x: 6, y: 7, w: 48, h: 14 });
    expect(boxes[2].score).toBeCloseTo(0.95, 5);
  });

  test('faint regions (mean below the box threshold) and specks are dropped', () => {
    const m = map(80, 40, [
      { x: 5, y: 5, w: 30, h: 6, p: 0.45 }, // above the pixel threshold, below the box score
      { x: 50, y: 20, w: 2, h: 2, p: 0.99 }, // a speck
    ]);
    expect(textBoxes(m, 80, 40)).toEqual([]);
  });

  test('regions that touch are one box; separate ones are not merged', () => {
    const m = map(60, 20, [
      { x: 5, y: 5, w: 10, h: 6, p: 0.9 },
      { x: 15, y: 5, w: 10, h: 6, p: 0.9 },
      { x: 40, y: 5, w: 10, h: 6, p: 0.9 },
    ]);
    expect(textBoxes(m, 60, 20)).toHaveLength(2);
  });
});

describe('CTC decoding', () => {
  const alphabet = ['a', 'b', 'c', ' '];
  /** Scores for a sequence of classes (one time step each; 0 is blank). */
  const scores = (classes: number[]) => {
    const out = new Float32Array(classes.length * 5).fill(0.01);
    classes.forEach((c, t) => (out[t * 5 + c] = 0.9));
    return out;
  };

  test('repeats merge, blanks separate a doubled letter and are dropped', () => {
    const s = scores([1, 1, 0, 1, 2, 2, 0, 0, 3, 3]);
    expect(
      ctcDecode(s, 10, 5, alphabet)
        .map((c) => c.char)
        .join(''),
    ).toBe('aabc');
  });

  test('each character keeps the time steps it spans; spaces split words', () => {
    const chars = ctcDecode(scores([0, 1, 1, 2, 0, 4, 4, 0, 3, 1, 0]), 11, 5, alphabet);
    expect(chars[0]).toMatchObject({ char: 'a', from: 1, to: 2 });
    expect(ctcWords(chars)).toEqual([
      { text: 'ab', from: 1, to: 3 },
      { text: 'ca', from: 8, to: 9 },
    ]);
  });
});

describe('matching words read on screen', () => {
  test('case and accents fold; words split at punctuation', () => {
    expect(fold('Crème BRÛLÉE')).toBe('creme brulee');
    expect(searchWords('Churn: -4.5%, (Q3)')).toEqual(['churn', '4', '5', 'q3']);
  });

  test('one wrong, missing or extra character, only in words of six letters or more', () => {
    expect(withinOneEdit('quarterly', 'quarterly')).toBe(true);
    expect(withinOneEdit('quarterly', 'quartorly')).toBe(true);
    expect(withinOneEdit('quarterly', 'quartrly')).toBe(true);
    expect(withinOneEdit('quarterly', 'quarterlly')).toBe(true);
    expect(withinOneEdit('quarterly', 'quatrerly')).toBe(false);
    expect(wordMatches('review', 'reviev')).toBe(true);
    expect(wordMatches('churn', 'chure')).toBe(false);
    expect(wordMatches('quarterback', 'quarterly')).toBe(false);
  });

  const line = (text: string, x = 0): ScreenLine => ({
    text,
    box: { x, y: 0.4, w: 0.5, h: 0.1 },
    words: text.split(' ').map((w, i) => ({ text: w, box: { x: x + i * 0.1, y: 0.4, w: 0.08, h: 0.1 } })),
  });
  const span: TextSpan = { start: 2, end: 6, lines: [line('Quarterly churn review'), line('Q3 2026', 0.6)] };

  test('a span matches when it shows every word of the query, and gives their boxes', () => {
    const m = matchSpan(span, searchWords('CHURN quarterly'));
    expect(m?.words.map((w) => w.text)).toEqual(['churn', 'Quarterly']);
    expect(m?.exact).toBe(2);
    expect(matchSpan(span, searchWords('quartrly'))?.exact).toBe(0);
    expect(matchSpan(span, searchWords('churn budget'))).toBeNull();
    expect(matchSpan(span, [])).toBeNull();
  });
});

describe('spans over time', () => {
  const frame = (time: number, ...texts: string[]): ReadFrame => ({
    time,
    lines: texts.map((text) => ({ text, box: { x: 0, y: 0, w: 1, h: 0.1 }, words: [] })),
  });

  test('the same text over consecutive frames is one span until the text changes or goes', () => {
    const spans = mergeSpans(
      [
        frame(0),
        frame(2, 'Quarterly churn review'),
        frame(4, 'Quarterly chum review'), // misread once: still the same slide
        frame(6, 'Lighthouse keeper'),
        frame(8, 'Lighthouse keeper'),
        frame(10),
        frame(12, 'Quarterly churn review'), // back later: a span of its own
      ],
      2,
    );
    expect(spans.map((s) => [s.start, s.end, s.lines[0].text])).toEqual([
      [2, 6, 'Quarterly churn review'],
      [6, 10, 'Lighthouse keeper'],
      [12, 14, 'Quarterly churn review'],
    ]);
  });

  test('frames arrive in any order; none with text gives no span', () => {
    expect(mergeSpans([frame(4, 'a b c'), frame(2, 'a b c')], 2)).toEqual([
      { start: 2, end: 6, lines: frame(2, 'a b c').lines },
    ]);
    expect(mergeSpans([frame(0), frame(2)], 2)).toEqual([]);
  });

  test('the reading plan: every few seconds plus scene frames, near-duplicates dropped, thinned to the cap', () => {
    expect(readingPlan(7, [3.1, 4.05, 9], 2, 100)).toEqual([0, 2, 3.1, 4, 6]);
    expect(readingPlan(100, [], 1, 10)).toHaveLength(10);
  });
});

describe('the text gate', () => {
  /** A 320 × 180 RGBA frame: `paint(x, y)` gives its gray level. */
  const rgba = (paint: (x: number, y: number) => number) => {
    const data = new Uint8ClampedArray(320 * 180 * 4);
    for (let y = 0; y < 180; y++)
      for (let x = 0; x < 320; x++) {
        const v = paint(x, y);
        data.set([v, v, v, 255], (y * 320 + x) * 4);
      }
    return grayThumb(data, 320, 180);
  };
  // Dark strokes 2 px wide every 5 px across a band: what a line of text looks like to the gate.
  const text = rgba((x, y) => (y > 80 && y < 100 && x > 40 && x < 280 && x % 5 < 2 ? 20 : 235));
  const gradient = rgba((x, y) => Math.round((x + y) / 2));

  test('stroke pairs pass the gate; a smooth picture does not', () => {
    expect(strokeDensity(text)).toBeGreaterThan(minStrokeDensity * 10);
    expect(strokeDensity(gradient)).toBe(0);
  });

  test('one short, small word in a large frame passes: the gate looks at its densest tile, not the whole frame', () => {
    // A 960 × 540 frame (a 720p video as it is read), gray, with one word-sized patch of strokes 8 px tall.
    const data = new Uint8ClampedArray(960 * 540 * 4).fill(128);
    for (let y = 100; y < 108; y++)
      for (let x = 200; x < 250; x++) if (x % 6 < 2) data.set([20, 20, 20], (y * 960 + x) * 4);
    const word = grayThumb(data, 960, 540);
    expect(strokeDensity(word)).toBeGreaterThan(minStrokeDensity);
  });

  test('a repeated frame is recognised as the same picture, a changed one is not', () => {
    expect(
      sameFrame(
        text,
        rgba((x, y) => (y > 80 && y < 100 && x > 40 && x < 280 && x % 5 < 2 ? 22 : 233)),
      ),
    ).toBe(true);
    expect(sameFrame(text, gradient)).toBe(false);
    // A short word going from a flat slide changes few pixels, but by a lot: not the same frame.
    const slide = (word: boolean) =>
      rgba((x, y) => (word && y > 85 && y < 95 && x > 150 && x < 170 && x % 5 < 2 ? 0 : 200));
    expect(sameFrame(slide(true), slide(false))).toBe(false);
    expect(sameFrame(slide(true), slide(true))).toBe(true);
    expect(sameFrame(null, text)).toBe(false);
  });
});

describe('the crop shown with a result', () => {
  test('it holds the matching words with a margin, inside the frame, about 16:9', () => {
    const c = cropAround([{ x: 0.45, y: 0.45, w: 0.1, h: 0.05 }], 16 / 9);
    expect(c.x).toBeLessThan(0.45);
    expect(c.x + c.w).toBeGreaterThan(0.55);
    expect(c.y).toBeLessThan(0.45);
    expect(c.y + c.h).toBeGreaterThan(0.5);
    expect((c.w * 16) / 9 / c.h).toBeCloseTo(16 / 9, 1);
    const corner = cropAround([{ x: 0.9, y: 0.92, w: 0.1, h: 0.08 }], 16 / 9);
    expect(corner.x + corner.w).toBeLessThanOrEqual(1);
    expect(corner.y + corner.h).toBeLessThanOrEqual(1);
  });
});

describe('reading at key frames', () => {
  test('planned times move to a key frame within reach, stay put otherwise, and never repeat', () => {
    expect(snapNear([0, 2, 4, 6, 8], [0, 1, 5, 10], 1)).toEqual([0, 1, 5, 8]);
    expect(snapNear([0, 2, 4], [], 1)).toEqual([0, 2, 4]);
    expect(snapNear([0.5, 0.9, 3], [1], 1)).toEqual([1, 3]);
  });
});
