import { describe, expect, it } from 'vitest';
import { copiesOf, refinedAmong } from '../../src/lib/search/copies';

describe('copies among search results', () => {
  it('marks a result as a copy of the first one holding the same picture at the same moment', () => {
    expect(
      copiesOf([
        { score: 0.98, time: 0.7 },
        { score: 0.97, time: 0.73 }, // the same clip in another container
        { score: 0.98, time: 12.4 }, // as good, but another moment: a repeat, not a copy
        { score: 0.8, time: 0.7 }, // the same moment, much weaker: another video with a similar shot
        { score: 0.975, time: 0.69 }, // a third copy points at the first
      ]),
    ).toEqual([null, 0, null, null, 0]);
  });

  it('finds none in an empty or single result list', () => {
    expect(copiesOf([])).toEqual([]);
    expect(copiesOf([{ score: 1, time: 0 }])).toEqual([null]);
  });
});

describe('results looked at closely', () => {
  it('are the first few, and beyond them the copies as well matched as the first, up to a limit', () => {
    expect(refinedAmong([0.95, 0.9, 0.85, 0.8], 3, 8)).toBe(3);
    expect(refinedAmong([0.95, 0.95, 0.95, 0.94, 0.94, 0.9], 3, 8)).toBe(5);
    expect(refinedAmong(Array(12).fill(0.9), 3, 8)).toBe(8);
    expect(refinedAmong([0.9], 3, 8)).toBe(1);
  });
});
