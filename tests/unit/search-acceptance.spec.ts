import { describe, expect, it } from 'vitest';
import type { ImageVideoResult } from '../../src/lib/search/alignment';
import {
  acceptImageResults,
  closerLook,
  closerLookAccepts,
  defaultSearchSettings,
} from '../../src/lib/search/settings';

const video = (videoId: number, ...sims: number[]): ImageVideoResult => ({
  videoId,
  similarity: sims[0],
  times: sims.map((similarity, i) => ({ time: i * 10, similarity })),
});
const accepted = (...results: ImageVideoResult[]) =>
  acceptImageResults(results, defaultSearchSettings).map((r) => r.videoId);

describe('which videos an image matches', () => {
  it('keeps every video at or above the threshold', () => {
    expect(accepted(video(1, 0.95), video(2, 0.84), video(3, 0.7))).toEqual([1, 2]);
  });

  it('keeps a best video a little below the threshold only when it stands out from the next one', () => {
    expect(accepted(video(1, 0.76), video(2, 0.69))).toEqual([1]);
    expect(accepted(video(1, 0.76))).toEqual([1]);
    // A frame from outside the library lands near two videos at once: neither stands out.
    expect(accepted(video(1, 0.78), video(2, 0.77))).toEqual([]);
    // Too far below the threshold, however alone.
    expect(accepted(video(1, 0.71), video(2, 0.63))).toEqual([]);
    // Only the best video may be let in that way.
    expect(accepted(video(1, 0.9), video(2, 0.76), video(3, 0.65))).toEqual([1]);
  });

  it('keeps the moments of a video that are close to its best', () => {
    const [r] = acceptImageResults([video(1, 0.95, 0.9, 0.8)], defaultSearchSettings);
    expect(r.times.map((t) => t.similarity)).toEqual([0.95, 0.9]);
  });
});

describe('a closer look when nothing is accepted', () => {
  it('is taken at the nearest videos when they are in the band fast footage between two samples falls in', () => {
    const looked = (...results: ImageVideoResult[]) => closerLook(results).map((r) => r.videoId);
    // The two nearest: a copy in other colours can be nearer than the video itself.
    expect(looked(video(1, 0.77), video(2, 0.75), video(3, 0.74))).toEqual([1, 2]);
    expect(looked(video(1, 0.77), video(2, 0.69))).toEqual([1]);
    // A captioned screenshot of fine texture, three generations from its nearest sample (search-realworld).
    expect(looked(video(1, 0.719), video(2, 0.672))).toEqual([1]);
    expect(looked(video(1, 0.69), video(2, 0.65))).toEqual([]);
    expect(looked()).toEqual([]);
  });

  it('answers only with a frame as alike as the threshold asks, the same picture in the same colours', () => {
    const s = defaultSearchSettings;
    expect(closerLookAccepts({ similarity: 0.97, score: 0.99, colour: 0.01 }, s)).toBe(true);
    // Near in bits, but another picture where the screenshot lies: an unrelated frame that happens to be close.
    expect(closerLookAccepts({ similarity: 0.82, score: 0.6, colour: 0.01 }, s)).toBe(false);
    // The same luma in other colours.
    expect(closerLookAccepts({ similarity: 0.97, score: 0.99, colour: 0.3 }, s)).toBe(false);
    // Below the threshold even after reading every frame around the moment.
    expect(closerLookAccepts({ similarity: 0.78, score: 0.95, colour: 0.01 }, s)).toBe(false);
    // Never scored (no window frame was read): nothing to go on.
    expect(closerLookAccepts({ similarity: 0.9 }, s)).toBe(false);
  });
});
