import { describe, expect, it } from 'vitest';
import { exactCutArgs, exactCutFileName, exactCutNote, exactCutPlan } from '../../src/lib/clips/exact-cut';

describe('an exact cut on ffmpeg.wasm', () => {
  const video = { width: 1920, height: 1080, audioCodec: 'aac' };

  it('seeks the input to the in point and keeps the range’s length, picture and first sound, as H.264 in MP4', () => {
    const plan = exactCutPlan({ start: 0.6, end: 1.8 }, video);
    const args = exactCutArgs('/input/input.mov', '/cut/output.mp4', plan);
    // -ss before -i: an input seek, which decodes from the key frame before and drops the pictures before the in point.
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 6)).toEqual([
      '-ss',
      '0.600',
      '-i',
      '/input/input.mov',
      '-t',
      '1.200',
    ]);
    expect(args).toEqual(expect.arrayContaining(['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libx264']));
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/cut/output.mp4']);
    expect(args.join(' ')).toMatch(/-c:a copy/);
  });

  it('encodes the sound as AAC when MP4 cannot hold it as it is', () => {
    const plan = exactCutPlan({ start: 1, end: 2 }, { ...video, audioCodec: 'vorbis' });
    expect(plan.sound).toBe('aac');
    expect(exactCutArgs('in', 'out', plan).join(' ')).toMatch(/-c:a aac -b:a 160k/);
  });

  it('allows more time for a longer range and a bigger picture, never under two minutes', () => {
    expect(exactCutPlan({ start: 0, end: 1 }, video).timeoutMs).toBe(120_000);
    const long = exactCutPlan({ start: 0, end: 120 }, video).timeoutMs;
    expect(long).toBeGreaterThan(exactCutPlan({ start: 0, end: 120 }, { ...video, width: 640, height: 360 }).timeoutMs);
  });

  it('names the clip .mp4 whatever the source, and says what was re-encoded and why', () => {
    expect(exactCutFileName('beach.mov', { start: 61, end: 65.5 })).toBe('beach 0-01-01 to 0-01-06.mp4');
    expect(exactCutNote(exactCutPlan({ start: 0.6, end: 1.8 }, video), 'this browser has no H.265 decoder.')).toBe(
      'Re-encoded all 1.2 s from 0:00.6 as H.264 with ffmpeg.wasm (the sound copied): this browser has no H.265 decoder, so WebCodecs could not re-encode only up to the first key frame.',
    );
  });
});
