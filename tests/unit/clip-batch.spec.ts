import { describe, expect, it } from 'vitest';
import {
  batchProgress,
  checkOperation,
  operationTitle,
  planBatch,
  progressText,
  type BatchCandidate,
  type BatchVideo,
} from '../../src/lib/clips/batch';

const video = (name: string, more: Partial<BatchVideo> = {}): BatchVideo => ({
  name,
  extension: name.slice(name.lastIndexOf('.') + 1),
  duration: 12,
  hasAudio: true,
  ...more,
});
const names = (xs: readonly { video: BatchVideo }[]) => xs.map((x) => x.video.name);

describe('planning a batch', () => {
  it('gives every video the sound can be taken from a job, and skips a silent one saying it has no sound', () => {
    const plan = planBatch(
      [{ video: video('a.mp4') }, { video: video('silent.mp4', { hasAudio: false }) }, { video: video('b.webm') }],
      { kind: 'audio', as: 'original' },
    );
    expect(names(plan.steps)).toEqual(['a.mp4', 'b.webm']);
    expect(plan.steps[0]).toMatchObject({ tool: { kind: 'audio', as: 'original' }, title: 'Sound of a.mp4' });
    expect(plan.skipped).toEqual([
      { video: video('silent.mp4', { hasAudio: false }), reason: expect.stringMatching(/has no sound track/) },
    ]);
  });

  it('titles each job as the same single job is titled, over the whole video', () => {
    const plan = planBatch([{ video: video('a.mp4') }], { kind: 'audio', as: 'm4a' });
    expect(plan.steps[0]).toMatchObject({ title: 'Sound of a.mp4 as M4A', range: { start: 0, end: 12 } });
    const opus = planBatch([{ video: video('a.mp4') }], { kind: 'audio', as: 'opus' });
    expect(opus.steps[0]).toMatchObject({ tool: { kind: 'audio', as: 'opus' }, title: 'Sound of a.mp4 as Opus' });
    const split = planBatch([{ video: video('a.mp4') }], { kind: 'split-every', every: 5 });
    expect(split.steps[0]).toMatchObject({ tool: { kind: 'split', every: 5 }, title: 'a.mp4 split every 5 s' });
  });

  it('skips a video not measured yet and a container the tools cannot copy, for every operation', () => {
    const candidates = [
      { video: video('new.mp4', { duration: null }) },
      { video: video('old.avi') },
      { video: video('ok.mkv') },
    ];
    for (const op of [
      { kind: 'split-every', every: 5 },
      { kind: 'audio', as: 'original' },
    ] as const) {
      const plan = planBatch(candidates, op);
      expect(names(plan.steps)).toEqual(['ok.mkv']);
      expect(plan.skipped.map((s) => [s.video.name, s.reason])).toEqual([
        ['new.mp4', expect.stringMatching(/Not measured yet/)],
        ['old.avi', expect.stringMatching(/cannot copy \.avi/)],
      ]);
    }
  });

  it('skips a video shorter than one part rather than failing it', () => {
    const plan = planBatch([{ video: video('short.mp4', { duration: 4 }) }, { video: video('long.mp4') }], {
      kind: 'split-every',
      every: 5,
    });
    expect(names(plan.steps)).toEqual(['long.mp4']);
    expect(plan.skipped[0].reason).toMatch(/would be the whole video/);
  });

  it('splits by scenes only the videos whose scenes make at least two parts of the minimum', () => {
    const scenes = [
      { start: 0, end: 3 },
      { start: 3, end: 8 },
      { start: 8, end: 12 },
    ];
    const candidates: BatchCandidate<BatchVideo>[] = [
      { video: video('cuts.mp4'), scenes },
      { video: video('none.mp4'), scenes: [] },
      { video: video('flashes.mp4'), scenes },
    ];
    const plan = planBatch(candidates, { kind: 'split-scenes', minScene: 2 });
    expect(names(plan.steps)).toEqual(['cuts.mp4', 'flashes.mp4']);
    expect(plan.steps[0].tool).toEqual({ kind: 'split', minScene: 2, scenes });
    expect(plan.skipped[0]).toMatchObject({ reason: expect.stringMatching(/scenes are not found yet/) });
    const long = planBatch(candidates, { kind: 'split-scenes', minScene: 10 });
    expect(long.steps).toEqual([]);
    expect(long.skipped.map((s) => s.reason)).toContain(
      'No two of its scenes are at least 10 s long: it would be one part.',
    );
  });

  it('removes still parts of the videos that have some, and says why the others are left', () => {
    const still = [{ start: 2, end: 6 }];
    const plan = planBatch(
      [
        { video: video('still.mp4'), still },
        { video: video('busy.mp4'), still: [] },
        { video: video('unsampled.mp4'), still: null },
      ],
      { kind: 'still', minSeconds: 3 },
    );
    expect(plan.steps).toEqual([
      {
        video: video('still.mp4'),
        tool: { kind: 'cut-out', still },
        title: 'still.mp4 without still parts',
        range: { start: 0, end: 12 },
      },
    ]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      'No still parts: the picture never stays the same for 3 s.',
      'Its frames are not sampled yet: wait until it is indexed.',
    ]);
  });

  it('refuses options that fit no video, before anything is queued', () => {
    expect(checkOperation({ kind: 'split-every', every: 0.5 })).toMatch(/at least 1 s/);
    expect(checkOperation({ kind: 'split-every', every: Number.NaN })).toMatch(/at least 1 s/);
    expect(checkOperation({ kind: 'still', minSeconds: 0 })).toMatch(/more than 0/);
    expect(checkOperation({ kind: 'split-scenes', minScene: -1 })).toMatch(/0 or more/);
    expect(checkOperation({ kind: 'audio', as: 'm4a' })).toBeNull();
    expect(operationTitle({ kind: 'split-every', every: 120 })).toBe('Split every 2 min');
  });
});

describe('a batch’s progress', () => {
  it('counts done jobs out of all, the running one by its own progress', () => {
    const p = batchProgress([
      { status: 'done', progress: 1 },
      { status: 'running', progress: 0.5 },
      { status: 'queued', progress: 0 },
      { status: 'queued', progress: 0 },
    ]);
    expect(p).toMatchObject({ total: 4, done: 1, finished: false });
    expect(p.fraction).toBeCloseTo(1.5 / 4);
    expect(progressText(p)).toBe('1 of 4 done');
  });

  it('is finished when nothing waits or runs, and says what failed or was cancelled', () => {
    const p = batchProgress([
      { status: 'done', progress: 1 },
      { status: 'failed', progress: 0.3 },
      { status: 'cancelled', progress: 0 },
      { status: 'cancelled', progress: 0.2 },
    ]);
    expect(p).toMatchObject({ finished: true, fraction: 1 });
    expect(progressText(p)).toBe('1 of 4 done, 1 failed, 2 cancelled');
  });
});
