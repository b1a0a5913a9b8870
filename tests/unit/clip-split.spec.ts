import { describe, expect, it } from 'vitest';
import { audioFileName, audioPlan } from '../../src/lib/clips/audio';
import { cutOutFileName, keyframeAtOrAfter, planCutOut } from '../../src/lib/clips/cut-out';
import { sceneRanges } from '../../src/lib/clips/scenes';
import { checkEvery, everyRanges, partFileName, snapParts, splitNote } from '../../src/lib/clips/split';

describe('split every N seconds', () => {
  it('cuts the video into parts of N seconds; the last holds what is left', () => {
    expect(everyRanges(12, 5)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10 },
      { start: 10, end: 12 },
    ]);
    expect(everyRanges(10, 5)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10 },
    ]);
  });

  it('joins a last part shorter than a frame to the one before, and makes nothing of nothing', () => {
    expect(everyRanges(10.02, 5)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10.02 },
    ]);
    expect(everyRanges(0, 5)).toEqual([]);
    expect(everyRanges(10, 0)).toEqual([]);
  });

  it('refuses parts under a second or as long as the video, saying why', () => {
    expect(checkEvery(0.5, 60)).toMatchObject({ ok: false, message: /at least 1 s/ });
    expect(checkEvery(60, 60)).toMatchObject({ ok: false, message: /whole video/ });
    expect(checkEvery(Number.NaN, 60).ok).toBe(false);
    expect(checkEvery(30, 60)).toEqual({ ok: true });
  });
});

describe('split points on key frames', () => {
  it('keeps points that are key frames, and the parts hold the whole video with no gap', () => {
    const plan = snapParts(everyRanges(12, 3), [0, 3, 6, 9], 12);
    expect(plan.moved).toBe(0);
    expect(plan.parts.map((p) => [p.start, p.end])).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 12],
    ]);
    expect(splitNote(plan, 4)).toBeNull();
  });

  it('moves a point back to the key frame before it; the part before ends there', () => {
    // scenes.mp4's key frames: 0, 3, 6, 7.2, 8.48.
    const plan = snapParts(everyRanges(12, 5), [0, 3, 6, 7.2, 8.48], 12);
    expect(plan.parts).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 8.48 },
      { start: 8.48, end: 12 },
    ]);
    expect(plan.moved).toBe(2);
    expect(splitNote(plan, 3)).toMatch(/nearest key frame/);
  });

  it('makes one part of two points that land on the same key frame, and says there are fewer parts', () => {
    const plan = snapParts(everyRanges(12, 2), [0, 6], 12);
    expect(plan.parts).toEqual([
      { start: 0, end: 6 },
      { start: 6, end: 12 },
    ]);
    expect(splitNote(plan, 6)).toMatch(/4 split points fell on the same key frame/);
  });

  it('starts the first part at 0 even when the first key frame comes later', () => {
    expect(snapParts(everyRanges(4, 2), [0.1, 2], 4).parts).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
  });

  it('treats a key frame a thousandth off (container rounding) as the point itself', () => {
    expect(snapParts(everyRanges(4, 2), [0, 1.9995], 4).moved).toBe(0);
  });
});

describe('split by scenes with a minimum length', () => {
  it('merges short scenes, then snaps the starts to key frames', () => {
    const scenes = [
      { start: 0, end: 3 },
      { start: 3, end: 3.5 },
      { start: 3.5, end: 6 },
      { start: 6, end: 12 },
    ];
    const ranges = sceneRanges(scenes, 12, 1);
    expect(ranges).toEqual([
      { start: 0, end: 3.5 },
      { start: 3.5, end: 6 },
      { start: 6, end: 12 },
    ]);
    expect(snapParts(ranges, [0, 3, 6], 12).parts).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 12 },
    ]);
  });
});

describe('naming', () => {
  it('names a part for what it is: its number, the count and its range', () => {
    expect(partFileName('beach.mp4', 0, 4, { start: 0, end: 30 }, 'mp4')).toBe(
      'beach part 1 of 4 (0-00-00 to 0-00-30).mp4',
    );
    expect(partFileName('beach.mov', 3, 4, { start: 90, end: 100.4 }, 'mov')).toBe(
      'beach part 4 of 4 (0-01-30 to 0-01-41).mov',
    );
  });

  it('names the sound after its video', () => {
    expect(audioFileName('beach.mp4', 'm4a')).toBe('beach audio.m4a');
  });
});

describe('where the sound goes', () => {
  it('copies each codec into the container that fits it', () => {
    expect(audioPlan('aac', 'original')).toMatchObject({ extension: 'm4a', encode: null });
    expect(audioPlan('opus', 'original')).toMatchObject({ container: 'ogg', extension: 'opus', encode: null });
    expect(audioPlan('mp3', 'original')).toMatchObject({ extension: 'mp3', encode: null });
    expect(audioPlan('pcm-s16', 'original')).toMatchObject({ extension: 'wav', encode: null });
    expect(audioPlan('ac3', 'original')).toBeNull();
  });

  it('as M4A copies AAC and encodes anything else', () => {
    expect(audioPlan('aac', 'm4a')).toMatchObject({ extension: 'm4a', encode: null });
    expect(audioPlan('opus', 'm4a')).toMatchObject({ extension: 'm4a', encode: 'aac' });
  });
});

describe('cut out a range and keep the rest', () => {
  // scenes.mp4's key frames.
  const keyframes = [0, 3, 6, 7.2, 8.48];

  it('removes from the first key frame at or after the in point to the first at or after the out point', () => {
    const plan = planCutOut({ start: 2.5, end: 6.5 }, keyframes, 12);
    expect(plan).toMatchObject({ ok: true, removed: { start: 3, end: 7.2 } });
    expect(plan.ok && plan.note).toMatch(/first key frame at or after your in and out points/);
    expect(planCutOut({ start: 3, end: 6 }, keyframes, 12)).toEqual({
      ok: true,
      removed: { start: 3, end: 6 },
      note: null,
    });
  });

  it('cuts from the very start or to the very end without a key frame there', () => {
    expect(planCutOut({ start: 0, end: 2.9 }, keyframes, 12)).toMatchObject({ removed: { start: 0, end: 3 } });
    expect(planCutOut({ start: 9, end: 12 }, keyframes, 12)).toMatchObject({ ok: false });
    expect(planCutOut({ start: 8, end: 12 }, keyframes, 12)).toMatchObject({ removed: { start: 8.48, end: 12 } });
  });

  it('refuses a range with no key frame to cut on, and the whole video', () => {
    expect(planCutOut({ start: 3.5, end: 5.5 }, keyframes, 12)).toMatchObject({
      ok: false,
      message: /no key frame inside the range/,
    });
    expect(planCutOut({ start: 0, end: 12 }, keyframes, 12)).toMatchObject({ ok: false, message: /whole video/ });
  });

  it('names the file for what was taken out', () => {
    expect(cutOutFileName('beach.mp4', { start: 3, end: 7.2 }, 'mp4')).toBe('beach without 0-00-03 to 0-00-08.mp4');
  });

  it('finds the key frame at or after a time, or none', () => {
    expect(keyframeAtOrAfter(keyframes, 6.1)).toBe(7.2);
    expect(keyframeAtOrAfter(keyframes, 5.9995)).toBe(6);
    expect(keyframeAtOrAfter(keyframes, 9)).toBeNull();
  });
});
