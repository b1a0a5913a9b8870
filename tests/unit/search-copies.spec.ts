import { describe, expect, it } from 'vitest';
import { copiesOf } from '../../src/lib/search/copies';

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
