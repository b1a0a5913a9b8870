import { describe, expect, it } from 'vitest';
import type { ImageVideoResult } from '../../src/lib/search/alignment';
import { acceptImageResults, defaultSearchSettings } from '../../src/lib/search/settings';

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
