import type { ImageVideoResult } from './alignment';
import { fingerprintBits } from './frame-index';
import { settingDefault, type SettingValue } from '../settings';
import { colourMismatch } from './picture-colour';

/** The reverse-search settings (`search` in lib/settings.ts, with their bounds and how the defaults were measured). */
export type SearchSettings = SettingValue<'search'>;
export const defaultSearchSettings: SearchSettings = settingDefault('search');

/** How far below the threshold a match may be when it stands out, and by how much it must stand out. */
export const standOutBand = 0.06;
export const standOutGap = 0.05;
/** Frames less similar than this are not fetched at all: it is well below anything that can count. */
export const searchFloor = 0.62;

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

/**
 * A screenshot from between two samples of fast footage (a whip pan, a phone swung round) can be further from both
 * than unrelated pictures are from their nearest frame: 0.72–0.80 (see `similarityThreshold` in lib/settings.ts). So
 * can a captioned screenshot of fine texture (one-pixel foliage): its fingerprint has little low-frequency structure
 * of its own, a caption adds some, and the nearest sample three generations away was 0.719 alike in search-realworld.
 * When nothing is accepted, the nearest videos at least this alike have their frames around the nearest moments
 * read and the screenshot compared with each (`closerLookAccepts`): the frame it was taken from is there. Outside
 * images' nearest videos reach 0.73 too; their closer looks score 0.45 at most against the 0.9 asked.
 */
export const closerLookFloor = 0.7;
/** The picture score (luma correlation where the screenshot lies on the frame) a closer look must reach. */
export const closerLookScore = 0.9;

/** Videos a closer look reads at most, nearest first: a copy in other colours may be nearer than the video. */
const closerLookVideos = 2;

/** The nearest videos worth a closer look when no video was accepted (at least `closerLookFloor` alike). */
export function closerLook(results: readonly ImageVideoResult[]): ImageVideoResult[] {
  return results.slice(0, closerLookVideos).filter((r) => r.similarity >= closerLookFloor);
}

/**
 * Whether a closer look found the screenshot: a frame at least as alike as the threshold asks, that is the same
 * picture where the screenshot lies on it, in the same colours (colour distance at most `colourMismatch`).
 */
export function closerLookAccepts(
  found: { similarity: number; score?: number; colour?: number | null },
  s: SearchSettings,
): boolean {
  return (
    found.similarity >= s.similarityThreshold &&
    (found.score ?? 0) >= closerLookScore &&
    (found.colour ?? 0) <= colourMismatch
  );
}
