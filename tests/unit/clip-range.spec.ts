import { describe, expect, it } from 'vitest';
import { checkRange, keyframeAtOrBefore, momentRange, planCopy } from '../../src/lib/clips/range';
import { clipFileName, copyContainerFor, fileClock, uniqueName } from '../../src/lib/clips/naming';

describe('checking a marked range', () => {
  it('keeps a range inside the video as it is, with nothing to say', () => {
    expect(checkRange(1.5, 3.2, 4)).toEqual({ ok: true, range: { start: 1.5, end: 3.2 }, notes: [] });
  });

  it('clamps a range running past the end to the end, and says so', () => {
    const r = checkRange(2.5, 9, 4);
    expect(r.ok && r.range).toEqual({ start: 2.5, end: 4 });
    expect(r.ok && r.notes.join(' ')).toMatch(/past the end .* ends at 0:04\.0/);
  });

  it('clamps a start before 0 to 0', () => {
    const r = checkRange(-2, 1, 4);
    expect(r.ok && r.range).toEqual({ start: 0, end: 1 });
    expect(r.ok && r.notes).toHaveLength(1);
  });

  it('refuses an empty range, a backwards one, one that starts after the end, and a missing mark', () => {
    expect(checkRange(2, 2, 4)).toEqual({ ok: false, message: expect.stringMatching(/empty/) });
    expect(checkRange(2, 2.01, 4)).toEqual({ ok: false, message: expect.stringMatching(/empty/) });
    expect(checkRange(3, 1, 4)).toEqual({ ok: false, message: expect.stringMatching(/before the in point/) });
    expect(checkRange(5, 8, 4)).toEqual({ ok: false, message: expect.stringMatching(/after the video ends/) });
    expect(checkRange(null, 2, 4)).toEqual({ ok: false, message: expect.stringMatching(/in point \(I\)/) });
  });

  it('checks only the order when the duration is not known yet', () => {
    expect(checkRange(10, 20, null)).toEqual({ ok: true, range: { start: 10, end: 20 }, notes: [] });
  });
});

describe('snapping to key frames', () => {
  const keyframes = [0, 3, 6, 7.2, 8.48];

  it('takes the key frame at or before the time', () => {
    expect(keyframeAtOrBefore(keyframes, 4.5)).toBe(3);
    expect(keyframeAtOrBefore(keyframes, 7.2)).toBe(7.2);
    // A timestamp rounded by the container's timescale still counts as the key frame itself.
    expect(keyframeAtOrBefore(keyframes, 7.1995)).toBe(7.2);
    expect(keyframeAtOrBefore([...keyframes].reverse(), 100)).toBe(8.48);
  });

  it('takes the first key frame when none comes before (a file starting late), 0 when there are none', () => {
    expect(keyframeAtOrBefore([0.007, 2.007], 0)).toBe(0.007);
    expect(keyframeAtOrBefore([], 5)).toBe(0);
  });

  it('moves the start of a copy back to the key frame and says why', () => {
    const plan = planCopy({ start: 4.5, end: 5.5 }, 3);
    expect(plan.range).toEqual({ start: 3, end: 5.5 });
    expect(plan.snappedBy).toBeCloseTo(1.5, 9);
    expect(plan.note).toMatch(/starts at 0:03\.0, the key frame before your in point \(0:04\.5\)/);
  });

  it('says nothing when the in point is a key frame', () => {
    expect(planCopy({ start: 3, end: 5 }, 3)).toEqual({ range: { start: 3, end: 5 }, snappedBy: 0, note: null });
    expect(planCopy({ start: 3.004, end: 5 }, 3).note).toBeNull();
  });

  it('never starts after the in point, whatever key frame it is given', () => {
    expect(planCopy({ start: 2, end: 5 }, 2.5).range.start).toBe(2);
  });
});

describe('the range around a matched moment', () => {
  it('reaches 5 s each side by default', () => {
    expect(momentRange(20, 60)).toEqual({ start: 15, end: 25 });
  });
  it('stays inside the video', () => {
    expect(momentRange(2, 60)).toEqual({ start: 0, end: 7 });
    expect(momentRange(58, 60)).toEqual({ start: 53, end: 60 });
    expect(momentRange(60, 60, 1, 1)).toEqual({ start: 59, end: 60 });
  });
});

describe('clip file names', () => {
  it('say the parent and the range, with the clock written for file systems', () => {
    expect(clipFileName('beach.mp4', { start: 761, end: 775 })).toBe('beach 0-12-41 to 0-12-55.mp4');
    expect(clipFileName('trip.2024.MOV', { start: 3725.4, end: 3730.2 })).toBe('trip.2024 1-02-05 to 1-02-11.mov');
    expect(clipFileName('night.ts', { start: 0, end: 2.5 }, 'mp4')).toBe('night 0-00-00 to 0-00-03.mp4');
    expect(fileClock(59.9999999)).toBe('0-01-00');
  });

  it('never take a name already in the folder, whatever its case', () => {
    expect(uniqueName('beach 0-00-01 to 0-00-03.mp4', [])).toBe('beach 0-00-01 to 0-00-03.mp4');
    expect(uniqueName('a.mp4', ['A.MP4'])).toBe('a (2).mp4');
    expect(uniqueName('a.mp4', ['a.mp4', 'a (2).mp4', 'a (3).mp4'])).toBe('a (4).mp4');
    expect(uniqueName('noext', ['noext'])).toBe('noext (2)');
  });

  it('copy MP4, MOV, WebM and Matroska into their own kind, TS into MP4, and nothing else yet', () => {
    expect(copyContainerFor('MP4')).toBe('mp4');
    expect(copyContainerFor('ts')).toBe('mp4');
    expect(copyContainerFor('webm')).toBe('webm');
    expect(copyContainerFor('avi')).toBeNull();
  });
});
