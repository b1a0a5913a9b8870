import { describe, expect, it } from 'vitest';
import { joinAtSeam, placeCues } from '../../src/lib/speech/seams';

const cue = (start: number, end: number, text: string) => ({ start, end, text });

describe('merging overlapping windows at the seam', () => {
  it('drops the words both windows heard, once', () => {
    const before = [cue(0, 10, 'we walked to the'), cue(10, 28, 'old harbour and looked at the boats')];
    const after = [cue(26, 30, 'at the boats, then'), cue(30, 35, 'we went home')];
    const joined = joinAtSeam(before, after);
    const text = [...before, ...joined].map((c) => c.text).join(' ');
    expect(text).toBe('we walked to the old harbour and looked at the boats then we went home');
  });

  it('compares words without case, accents or punctuation', () => {
    const joined = joinAtSeam([cue(0, 28, 'Le café était fermé.')], [cue(26, 32, 'etait FERME, alors nous')]);
    expect(joined).toEqual([cue(26, 32, 'alors nous')]);
  });

  it('keeps everything when the windows share no words', () => {
    const after = [cue(26, 30, 'something else entirely')];
    expect(joinAtSeam([cue(0, 28, 'the first part')], after)).toEqual(after);
  });

  it('drops a cue of the next window that ends before the previous window ended', () => {
    const joined = joinAtSeam([cue(0, 28, 'one two three')], [cue(26, 27, 'three'), cue(28, 31, 'four')]);
    expect(joined).toEqual([cue(28, 31, 'four')]);
  });
});

describe('placing a window’s chunks on the track', () => {
  it('offsets by the window start, keeps times inside the window and in order, drops empty text', () => {
    const placed = placeCues(
      [
        { text: ' later ', timestamp: [3, null] },
        { text: 'first', timestamp: [0.5, 1.5] },
        { text: '  ', timestamp: [2, 2.5] },
        { text: 'beyond', timestamp: [9, 12] },
      ],
      { start: 100, duration: 5 },
    );
    expect(placed).toEqual([cue(100.5, 101.5, 'first'), cue(103, 105, 'later'), cue(105, 105, 'beyond')]);
  });

  it('spans the whole window when the model gives no times (a CTC model)', () => {
    expect(placeCues([{ text: 'words' }], { start: 7, duration: 3 })).toEqual([cue(7, 10, 'words')]);
  });
});
