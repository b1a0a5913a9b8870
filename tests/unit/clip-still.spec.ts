import { describe, expect, it } from 'vitest';
import { cutOutsNote, planCutOuts, withoutStillFileName } from '../../src/lib/clips/cut-out';
import { samplesOf, stillRanges, stillSummary, type FrameSample } from '../../src/lib/clips/still';

/** A fingerprint whose first `bits` bits are set: two of them are |a - b| bits apart. */
const print = (bits: number) => {
  const f = new Uint32Array(8);
  for (let b = 0; b < bits; b++) f[b >> 5] |= 1 << (b & 31);
  return f;
};
/** Samples every half second; `pictures[i]` is the picture at i / 2 s (same number: same picture). */
const samples = (pictures: (number | null)[]): FrameSample[] =>
  pictures.map((p, i) => ({ time: i / 2, fingerprint: p === null ? null : print(p) }));
const settings = { minSeconds: 3, maxDistance: 8 };

describe('still parts from the sampled frames', () => {
  it('finds a run of the same picture at least N s long, from its first sample to its last', () => {
    // Moving 0–1.5, still 2–6 (the picture of 2 s), moving again.
    const pictures = [0, 40, 80, 120, 160, 160, 160, 160, 160, 160, 160, 160, 160, 200, 240, 20];
    expect(stillRanges(samples(pictures), 8, settings)).toEqual([{ start: 2, end: 6 }]);
    // 4 s is not long enough for "at least 5 s".
    expect(stillRanges(samples(pictures), 8, { ...settings, minSeconds: 5 })).toEqual([]);
  });

  it('counts pictures within the threshold of the run’s first as the same, not a slow drift', () => {
    const noisy = [0, 40, 80, 83, 78, 85, 80, 82, 86, 81, 120];
    expect(stillRanges(samples(noisy), 5, settings)).toEqual([{ start: 1, end: 4.5 }]);
    expect(stillRanges(samples(noisy), 5, { ...settings, maxDistance: 2 })).toEqual([]);
    // 3 bits a sample: each close to the one before, but 30 bits from where it started.
    const pan = Array.from({ length: 11 }, (_, i) => 100 + 3 * i);
    expect(stillRanges(samples(pan), 5, settings)).toEqual([]);
  });

  it('runs from 0 when the video starts still, and to the end when it ends still', () => {
    expect(stillRanges(samples([5, 5, 5, 5, 5, 5, 5, 90, 130]), 4.5, settings)).toEqual([{ start: 0, end: 3 }]);
    expect(stillRanges(samples([90, 130, 5, 5, 5, 5, 5, 5, 5]), 4.4, settings)).toEqual([{ start: 1, end: 4.4 }]);
    // A first sample later than the first frame says nothing before it.
    const late = samples([5, 5, 5, 5, 5, 5, 5, 90]).map((s) => ({ ...s, time: s.time + 1 }));
    expect(stillRanges(late, 5, settings)).toEqual([{ start: 1, end: 4 }]);
  });

  it('finds several, and a frame with no fingerprint breaks a run', () => {
    const two = [1, 1, 1, 1, 1, 1, 1, 90, 130, 170, 170, 170, 170, 170, 170, 170, 210];
    expect(stillRanges(samples(two), 8.5, settings)).toEqual([
      { start: 0, end: 3 },
      { start: 4.5, end: 7.5 },
    ]);
    expect(stillRanges(samples([1, 1, 1, 1, null, 1, 1, 1, 1, 90]), 5, settings)).toEqual([]);
  });

  it('rebuilds every sample from the index, which keeps one frame of a still stretch', () => {
    const kept = { times: [0, 0.5, 3, 3.5], fingerprints: [print(0), print(40), print(80), print(120)] };
    const rebuilt = samplesOf([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], kept);
    expect(rebuilt.map((s) => s.time)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(rebuilt[4].fingerprint).toEqual(print(40));
    expect(stillRanges(rebuilt, 4, { ...settings, minSeconds: 2 })).toEqual([{ start: 0.5, end: 2.5 }]);
    // Times before the first kept fingerprint have none.
    expect(samplesOf([0, 1], { times: [1], fingerprints: [print(3)] })[0].fingerprint).toBeNull();
  });

  it('says how many and how long in all', () => {
    expect(
      stillSummary([
        { start: 2, end: 6 },
        { start: 10, end: 15.5 },
      ]),
    ).toBe('2 still parts, 0:09.5 in all');
    expect(stillSummary([{ start: 2, end: 6 }])).toBe('1 still part, 0:04.0 in all');
  });
});

describe('cutting several ranges out on key frames', () => {
  const keyframes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('cuts each inside its range: the first key frame at or after its start to the last at or before its end', () => {
    const plan = planCutOuts(
      [
        { start: 5.5, end: 8.7 },
        { start: 1.2, end: 3.9 },
      ],
      keyframes,
      10,
    );
    expect(plan).toEqual({
      removed: [
        { start: 2, end: 3 },
        { start: 6, end: 8 },
      ],
      kept: [],
    });
    expect(cutOutsNote(plan)).toMatch(/^Cut out 0:02.0 to 0:03.0, 0:06.0 to 0:08.0 \(0:03.0 in all\)/);
  });

  it('needs no key frame at the video’s start or end', () => {
    expect(planCutOuts([{ start: 0, end: 2.5 }], keyframes, 10).removed).toEqual([{ start: 0, end: 2 }]);
    expect(planCutOuts([{ start: 8.5, end: 10 }], keyframes, 10).removed).toEqual([{ start: 9, end: 10 }]);
  });

  it('keeps a range with no key frames inside to cut on, says so, and refuses the whole video', () => {
    const plan = planCutOuts(
      [
        { start: 2.2, end: 2.9 },
        { start: 4, end: 7 },
      ],
      keyframes,
      10,
    );
    expect(plan).toEqual({ removed: [{ start: 4, end: 7 }], kept: [{ start: 2.2, end: 2.9 }] });
    expect(cutOutsNote(plan)).toMatch(/Kept 0:02.2 to 0:02.9: there is no key frame inside/);
    expect(planCutOuts([{ start: 0, end: 10 }], keyframes, 10).removed).toEqual([]);
    expect(planCutOuts([{ start: 3, end: 6 }], [], 10).removed).toEqual([]);
  });

  it('names the file for what it is', () => {
    expect(withoutStillFileName('beach.mp4', 'mp4')).toBe('beach without still parts.mp4');
  });
});
