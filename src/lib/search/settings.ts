import type { ImageVideoResult } from './alignment';
import { fingerprintBits } from './frame-index';

/** The reverse-search settings, with the names the Settings panel uses. */
export interface SearchSettings {
  /** A video matches for sure when a frame is at least this similar to the query (0..1, share of equal bits). */
  similarityThreshold: number;
  /** A clip (or a duplicate) needs at least this many frames aligned in time. */
  minMatches: number;
}

/**
 * Measured on the search fixtures (tests/fixtures/search, 288 transformed screenshots at random times and 96
 * from videos outside the library, `.bench` quality runs): a copy of a frame sampled within half a second scores
 * 0.85–0.98; a frame between two samples of fast footage, re-encoded or captioned, drops to 0.72–0.80; unrelated
 * frames score 0.69 on average and up to 0.80 at worst. No single threshold separates the middle band, so a
 * weaker match counts only when it clearly stands out from every other video (see `acceptImageResults`).
 */
export const defaultSearchSettings: SearchSettings = {
  similarityThreshold: 0.8,
  minMatches: 3,
};

/** How far below the threshold a match may be when it stands out, and by how much it must stand out. */
export const standOutBand = 0.06;
export const standOutGap = 0.05;
/** Frames less similar than this are not fetched at all: it is well below anything that can count. */
export const searchFloor = 0.62;

export const searchSettingLimits: Record<keyof SearchSettings, [number, number]> = {
  similarityThreshold: [0.7, 0.98],
  minMatches: [1, 50],
};

/** A similarity as the largest Hamming distance (bits) a frame may be from the query. */
export const distanceFor = (similarity: number) => Math.floor((1 - similarity) * fingerprintBits);

/** The threshold as the largest Hamming distance (bits) a sure match may have. */
export const maxDistanceOf = (s: SearchSettings) => distanceFor(s.similarityThreshold);

/**
 * Which videos an image matches, from its nearest frames grouped per video (best first): every video at or above
 * the threshold, and the best video when it is a little below but beats the next video by `standOutGap` — the way a
 * ratio test trusts a nearest neighbour that is far better than the second. A frame from outside the library lands
 * near several videos at once and stands out from none. Moments kept per video: those within the band.
 */
export function acceptImageResults(results: readonly ImageVideoResult[], s: SearchSettings): ImageVideoResult[] {
  const low = s.similarityThreshold - standOutBand;
  const accepted: ImageVideoResult[] = [];
  results.forEach((r, i) => {
    const next = results[i + 1]?.similarity ?? searchFloor;
    const standsOut = i === 0 && r.similarity >= low && r.similarity - next >= standOutGap;
    if (r.similarity < s.similarityThreshold && !standsOut) return;
    const floor = Math.max(low, r.similarity - standOutBand);
    accepted.push({ ...r, times: r.times.filter((t) => t.similarity >= floor) });
  });
  return accepted;
}
