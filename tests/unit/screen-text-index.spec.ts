// "On screen" search's word index: spans found by their words without reading every span, the one-typo match for
// long words kept, and a video's text replaced or removed.
import { describe, expect, test } from 'vitest';
import { searchWords } from '../../src/lib/screen-text/match';
import type { TextSpan } from '../../src/lib/screen-text/types';
import { WordIndex } from '../../src/lib/screen-text/word-index';

const box = { x: 0, y: 0, w: 0.1, h: 0.05 };
/** A span from `start` showing `lines`, each a string of words. */
const span = (start: number, ...lines: string[]): TextSpan => ({
  start,
  end: start + 2,
  lines: lines.map((text) => ({ text, box, words: text.split(' ').map((w) => ({ text: w, box })) })),
});
const found = (index: WordIndex, query: string, only?: Set<number>) =>
  index.search(searchWords(query), only).map((r) => `${r.videoId}@${r.span.start}`);

describe('the word index', () => {
  const index = () => {
    const i = new WordIndex();
    i.set(1, [span(0, 'Quarterly churn review'), span(4, 'Lighthouse keeper')]);
    i.set(2, [span(10, 'Churn, by region', 'Café opening hours')]);
    return i;
  };

  test('every span showing all the query words, folded; none when a word is missing', () => {
    expect(found(index(), 'churn')).toEqual(['1@0', '2@10']);
    expect(found(index(), 'CHURN region')).toEqual(['2@10']);
    expect(found(index(), 'cafe hours')).toEqual(['2@10']);
    expect(found(index(), 'churn keeper')).toEqual([]);
    expect(found(index(), 'nowhere')).toEqual([]);
    expect(found(index(), '')).toEqual([]);
  });

  test('one wrong character is forgiven in words of six letters or more only', () => {
    expect(found(index(), 'quartrly')).toEqual(['1@0']);
    expect(found(index(), 'lighthoose')).toEqual(['1@4']);
    expect(found(index(), 'chorn')).toEqual([]);
    // A typo match counts as less exact than the word itself.
    expect(index().search(['quartrly'])[0].match.exact).toBe(0);
  });

  test('a view limits the videos; replacing or removing a video changes what is found', () => {
    const i = index();
    expect(found(i, 'churn', new Set([2]))).toEqual(['2@10']);
    i.set(1, [span(7, 'Harbour churn')]);
    expect(found(i, 'churn')).toEqual(['2@10', '1@7']);
    expect(found(i, 'quarterly')).toEqual([]);
    i.remove(2);
    expect(found(i, 'churn')).toEqual(['1@7']);
    expect(i.size).toBe(1);
  });

  test('many replacements rebuild it: the same results, no dead rows kept', () => {
    const i = new WordIndex();
    const rounds = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    for (let round = 0; round < 5; round++)
      for (let v = 0; v < 300; v++) i.set(v, [span(round, `slide ${v} ${rounds[round]}`), span(round + 1, 'footer')]);
    expect(i.size).toBe(600);
    expect(found(i, 'echo')).toHaveLength(300);
    expect(found(i, 'bravo')).toEqual([]);
    expect(found(i, '17 slide')).toEqual(['17@4']);
  });
});
