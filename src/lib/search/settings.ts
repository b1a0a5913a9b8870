import { fingerprintBits } from './frame-index';

/** The reverse-search settings, with the names the Settings panel uses. */
export interface SearchSettings {
  /** A library frame matches when its similarity to the query is at least this (0..1, share of equal bits). */
  similarityThreshold: number;
  /** A clip (or a duplicate) needs at least this many frames aligned in time. */
  minMatches: number;
}

/**
 * Unrelated frames measured 104 bits apart on average (the closest pair 78), while a frame and its rescaled,
 * re-encoded, cropped, captioned or brightened copies stayed within 48 bits: a threshold of 58 bits
 * (77 % similar) sits between the two with room on both sides.
 */
export const defaultSearchSettings: SearchSettings = {
  similarityThreshold: 0.77,
  minMatches: 3,
};

export const searchSettingLimits: Record<keyof SearchSettings, [number, number]> = {
  similarityThreshold: [0.6, 0.95],
  minMatches: [1, 50],
};

/** The threshold as the largest Hamming distance (bits) a match may have. */
export const maxDistanceOf = (s: SearchSettings) => Math.floor((1 - s.similarityThreshold) * fingerprintBits);
