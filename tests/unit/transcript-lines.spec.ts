import { describe, expect, it } from 'vitest';
import { carryEdits, editCue, editedCount } from '../../src/lib/subtitles/edits';
import { CueTimeline } from '../../src/lib/subtitles/timeline';
import { filterLines } from '../../src/lib/transcripts/filter';
import { transcriptsApi } from '../../src/workers/transcripts/api';
import { memoryBlobs } from './memory-blobs';

// talk.srt's lines: two overlap (4.2–6.5 and 5–6), and there are gaps between the others.
const talk = [
  { start: 0.5, end: 2, text: 'Good evening, and welcome aboard.' },
  { start: 2.4, end: 4, text: 'The lighthouse keeper waves\nat the passing ferry.' },
  { start: 4.2, end: 6.5, text: 'Mind the gap between the platform and the train.' },
  { start: 5, end: 6, text: '- Wait for me!' },
];

describe('the line playing now', () => {
  const timeline = new CueTimeline(talk);

  it('is the line on screen, the later one where two overlap', () => {
    expect(timeline.active(1)).toEqual([0]);
    expect(timeline.active(5.5)).toEqual([2, 3]);
    expect(timeline.current(5.5)).toBe(3);
    expect(timeline.current(6.2)).toBe(2); // the short line ended, the long one still shows
    expect(timeline.active(2)).toEqual([]); // an end is exclusive
  });

  it('between lines it is the one just said; before the first, none', () => {
    expect(timeline.current(0.1)).toBe(-1);
    expect(timeline.current(2.2)).toBe(0);
    expect(timeline.current(99)).toBe(3);
    expect(new CueTimeline([]).current(3)).toBe(-1);
  });

  it('finds a line under a long one that started far earlier, among many', () => {
    const many = [{ start: 0, end: 1000, text: 'a long song' }];
    for (let i = 1; i < 5000; i++) many.push({ start: i / 10, end: i / 10 + 0.05, text: `w${i}` });
    const t = new CueTimeline(many);
    expect(t.active(250.02)).toEqual([0, 2500]);
    expect(t.active(250.07)).toEqual([0]);
    expect(t.current(250.07)).toBe(0);
  });
});

describe('fixing a line by hand', () => {
  it('marks the line edited, keeps what the source said, and an edit back to it is no edit', () => {
    const fixed = editCue(talk[0], '  Good evening,   and welcome aboard!\n\n');
    expect(fixed).toEqual({
      ...talk[0],
      text: 'Good evening, and welcome aboard!',
      edited: true,
      original: talk[0].text,
    });
    expect(editCue(editCue(fixed, 'Again'), talk[0].text)).toEqual(talk[0]);
  });

  it('a source read again keeps the edits of lines it did not change, and drops those it did', () => {
    const before = [editCue(talk[0], 'Good evening!'), editCue(talk[1], 'The keeper waves.'), talk[2]];
    const after = [talk[0], { ...talk[1], text: 'The keeper waves at the ferry.' }, talk[2]];
    const { cues, kept } = carryEdits(before, after);
    expect(kept).toBe(1);
    expect(cues.map((c) => c.text)).toEqual(['Good evening!', 'The keeper waves at the ferry.', talk[2].text]);
    expect(editedCount([{ cues }])).toBe(1);
  });
});

describe('the transcript filter', () => {
  it('keeps the lines holding every word (prefixes, case and accents folded) and marks them', () => {
    const lines = [...talk, { start: 7, end: 8, text: 'Crème brûlée à Noël' }];
    expect(filterLines(lines, '')).toBeNull();
    expect(filterLines(lines, 'THE ga')).toEqual([
      {
        index: 2,
        marks: [
          [5, 8],
          [9, 12],
          [21, 24],
          [38, 41],
        ],
      },
    ]);
    expect(filterLines(lines, 'creme noel')?.map((l) => l.index)).toEqual([4]);
    expect(filterLines(lines, '"passing ferry"')?.map((l) => l.index)).toEqual([1]);
    expect(filterLines(lines, '"ferry passing"')).toEqual([]);
  });
});

describe('the transcript store: editing a line', () => {
  async function stored() {
    const api = transcriptsApi(async () => memoryBlobs());
    await api.storeTracks(7, 1, 'sidecar', [
      { source: 'sidecar', language: 'en', label: 'talk.srt', modelId: null, cues: talk, warnings: [] },
    ]);
    await api.storeTracks(7, 1, 'speech', [
      { source: 'speech', language: 'en', label: 'Speech', modelId: 'tiny', cues: [talk[0]], warnings: [] },
    ]);
    return api;
  }
  const ref = (index: number) => ({ source: 'sidecar' as const, label: 'talk.srt', index, ...talk[index] });

  it('stores the new text, searchable at once, the old words no longer found', async () => {
    const api = await stored();
    const track = await api.editLine(7, ref(1), 'The zeppelin pilot waves at the ferry.');
    expect(track.cues[1]).toMatchObject({ text: 'The zeppelin pilot waves at the ferry.', edited: true });
    expect((await api.search('zeppelin')).hits).toMatchObject([{ videoId: 7, start: 2.4, source: 'sidecar' }]);
    expect((await api.search('lighthouse')).hits).toEqual([]);
    // The other lines and the other source's track are as they were.
    const tracks = await api.tracks(7);
    expect(tracks.map((t) => t.source)).toEqual(['sidecar', 'speech']);
    expect(tracks[0].cues.map((c) => c.text)).toEqual([talk[0].text, track.cues[1].text, talk[2].text, talk[3].text]);
    expect(await api.editedLines(7, 'sidecar')).toBe(1);
    expect(await api.editedLines(7, 'speech')).toBe(0);
  });

  it('an undo (the old text again) makes the line plain and findable by its old words', async () => {
    const api = await stored();
    await api.editLine(7, ref(1), 'A zeppelin.');
    const edited = (await api.tracks(7))[0].cues[1];
    await api.editLine(7, { ...ref(1), text: edited.text }, talk[1].text);
    expect((await api.tracks(7))[0].cues[1]).toEqual(talk[1]);
    expect((await api.search('lighthouse')).hits).toHaveLength(1);
    expect(await api.editedLines(7, 'sidecar')).toBe(0);
  });

  it('refuses to edit a line that changed since it was shown', async () => {
    const api = await stored();
    await expect(api.editLine(7, { ...ref(1), text: 'something else' }, 'x')).rejects.toMatchObject({
      name: 'LineChangedError',
    });
    await expect(api.editLine(8, ref(1), 'x')).rejects.toMatchObject({ name: 'LineChangedError' });
    expect((await api.search('lighthouse')).hits).toHaveLength(1);
  });

  it('the edit survives the file being read again unchanged (a rescan), not a change of that line', async () => {
    const api = await stored();
    await api.editLine(7, ref(0), 'Good evening, travellers.');
    const reread = (cues: typeof talk) =>
      api.storeTracks(7, 1, 'sidecar', [
        { source: 'sidecar', language: 'en', label: 'talk.srt', modelId: null, cues, warnings: [] },
      ]);
    await reread(talk);
    expect((await api.search('travellers')).hits).toHaveLength(1);
    await reread([{ ...talk[0], text: 'Good morning.' }, ...talk.slice(1)]);
    expect((await api.search('travellers')).hits).toEqual([]);
    expect((await api.search('morning')).hits).toHaveLength(1);
  });

  it('an edit made while the source is read again is kept, whichever stores first (no lost update)', async () => {
    for (const editFirst of [true, false]) {
      const api = await stored();
      const reread = () =>
        api.storeTracks(7, 1, 'sidecar', [
          { source: 'sidecar', language: 'en', label: 'talk.srt', modelId: null, cues: talk, warnings: [] },
        ]);
      const edit = () => api.editLine(7, ref(1), 'The zeppelin pilot waves.');
      await Promise.all(editFirst ? [edit(), reread()] : [reread(), edit()]);
      const sidecar = (await api.tracks(7)).find((t) => t.source === 'sidecar')!;
      expect(sidecar.cues[1], `edit started ${editFirst ? 'first' : 'second'}`).toMatchObject({
        text: 'The zeppelin pilot waves.',
        edited: true,
      });
      expect((await api.search('zeppelin')).hits).toHaveLength(1);
    }
  });
});
