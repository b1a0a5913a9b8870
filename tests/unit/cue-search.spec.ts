import { describe, expect, it } from 'vitest';
import { CueIndex } from '../../src/lib/transcripts/cue-index';
import { foldWord, parseQuery } from '../../src/lib/transcripts/words';

const track = (cues: [number, string][]) => ({
  source: 'sidecar' as const,
  language: null,
  cues: cues.map(([start, text]) => ({ start, end: start + 2, text })),
});

const marked = (hit: { text: string; marks: [number, number][] }) => hit.marks.map(([a, b]) => hit.text.slice(a, b));

describe('words and queries', () => {
  it('folds case and accents', () => {
    expect(foldWord('Été')).toBe('ete');
    expect(foldWord('STRAẞE')).toBe('strasse');
    expect(foldWord('Ça')).toBe('ca');
  });

  it('reads quoted phrases and loose words', () => {
    expect(parseQuery('keeper "passing Ferry" Waves').phrases).toEqual([['passing', 'ferry'], ['keeper'], ['waves']]);
    expect(parseQuery('“à noite”').phrases).toEqual([['a', 'noite']]);
  });
});

describe('searching cues', () => {
  const index = new CueIndex();
  index.setVideo(1, [
    track([
      [1, 'The lighthouse keeper waves at the passing ferry.'],
      [5, 'A ferry, then a long wait, and finally the keeper.'],
      [9, 'Nothing to see here.'],
    ]),
  ]);
  index.setVideo(2, [track([[3, 'As rosas florescem à noite neste JARDIM.']])]);

  it('matches word prefixes, folded, and marks the words in the original text', () => {
    const hits = index.search('jardim NOITE');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ videoId: 2, start: 3 });
    expect(marked(hits[0])).toEqual(['noite', 'JARDIM']);
    expect(marked(index.search('lightho')[0])).toEqual(['lighthouse']);
    expect(index.search('a noite')[0].videoId).toBe(2); // "a" finds "à"
  });

  it('needs every word in the line', () => {
    expect(index.search('keeper ferry').map((h) => h.start)).toEqual([1, 5]);
    expect(index.search('keeper roses')).toEqual([]);
    expect(index.search('')).toEqual([]);
  });

  it('ranks lines whose words are closer together first', () => {
    // "keeper … ferry" are 5 words apart at 0:01 and 9 apart at 0:05.
    const hits = index.search('ferry keeper');
    expect(hits.map((h) => h.start)).toEqual([1, 5]);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('a quoted phrase needs its words in order, next to each other', () => {
    expect(index.search('"passing ferry"').map((h) => h.start)).toEqual([1]);
    expect(index.search('"ferry passing"')).toEqual([]);
    expect(marked(index.search('"the keeper"')[0])).toEqual(['the', 'keeper']);
  });

  it('a whole word ranks above a longer word it starts', () => {
    const i = new CueIndex();
    i.setVideo(1, [
      track([
        [1, 'running late again'],
        [2, 'run for it'],
      ]),
    ]);
    expect(i.search('run').map((h) => h.start)).toEqual([2, 1]);
  });

  it('replacing or removing a video replaces its lines, and a scope limits the videos', () => {
    const i = new CueIndex();
    i.setVideo(1, [track([[1, 'old words']])]);
    i.setVideo(1, [track([[2, 'new words']])]);
    expect(i.search('words').map((h) => h.text)).toEqual(['new words']);
    i.setVideo(2, [track([[3, 'more words']])]);
    expect(i.search('words', { videoIds: new Set([2]) }).map((h) => h.videoId)).toEqual([2]);
    i.removeVideo(1);
    expect(i.search('words').map((h) => h.videoId)).toEqual([2]);
    expect(i.size).toBe(1);
  });

  it('with more lines than the limit, keeps the best: whole words first, then by video and time', () => {
    const i = new CueIndex();
    for (let v = 9; v >= 0; v--)
      i.setVideo(v, [
        track([
          [1, v % 3 === 0 ? 'a runner ran' : 'we run and run'],
          [2, 'run, then rest'],
        ]),
      ]);
    const all = i.search('run', { limit: 1000 });
    expect(all).toHaveLength(20);
    // The four lines with only "runner" come last; the rest in video, then time order.
    expect(all.slice(-4).map((h) => h.videoId)).toEqual([0, 3, 6, 9]);
    const top = i.search('run', { limit: 5 });
    expect(top.map((h) => [h.videoId, h.start])).toEqual(all.slice(0, 5).map((h) => [h.videoId, h.start]));
    expect(top.map((h) => [h.videoId, h.start])).toEqual([
      [0, 2],
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
  });

  it('finds words stored after a search, by prefix, among the words it had', () => {
    const i = new CueIndex();
    i.setVideo(1, [track([[1, 'apple banana']])]);
    expect(i.search('ban')).toHaveLength(1);
    i.setVideo(2, [track([[2, 'bandana apricot']])]);
    i.setVideo(3, [track([[3, 'aardvark']])]);
    expect(i.search('ban').map((h) => h.videoId)).toEqual([1, 2]);
    expect(i.search('a').map((h) => h.videoId)).toEqual([1, 2, 3]);
    expect(marked(i.search('"bandana ap"')[0])).toEqual(['bandana', 'apricot']);
  });

  it('stays correct after removals rebuild it', () => {
    const i = new CueIndex();
    for (let v = 0; v < 30; v++)
      i.setVideo(v, [track(Array.from({ length: 100 }, (_, k) => [k, `line ${v} zebra ${k}`]))]);
    for (let v = 0; v < 25; v++) i.removeVideo(v);
    expect(i.size).toBe(500);
    expect(new Set(i.search('zebra', { limit: 10_000 }).map((h) => h.videoId))).toEqual(new Set([25, 26, 27, 28, 29]));
  });
});
