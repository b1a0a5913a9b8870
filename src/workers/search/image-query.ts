import type { RgbaFrame } from '../../lib/media/types';
import {
  fingerprintCoefficients,
  fingerprintOf,
  mirroredCoefficients,
  rejectReason,
} from '../../lib/search/fingerprint';
import type { FrameIndex, FrameMatch } from '../../lib/search/frame-index';
import { distanceFor, searchFloor } from '../../lib/search/settings';

/** Nearest frames fetched per query image before grouping. */
export const imageK = 1000;

/** What the index holds nearest to one image: `rejected` says why there is nothing to look for. */
export type ImageMatches =
  | { rejected: 'flat' | 'smooth'; matches: []; mirrored: false; coefficients: null }
  | {
      rejected: null;
      matches: FrameMatch[];
      /** The closest frame matched the picture mirrored left to right (a flipped re-upload). */
      mirrored: boolean;
      /** The DCT coefficients of the picture as the closest frame matched it, for moment refinement. */
      coefficients: Float64Array;
    };

/**
 * The frames nearest to a decoded image, closest first. The picture is looked for as it is and mirrored, each frame
 * at its closer distance; fetched well below any threshold, so the next video's score is known when judging a weaker
 * best match.
 */
export function matchImage(index: FrameIndex, frame: RgbaFrame): ImageMatches {
  const coefficients = fingerprintCoefficients(frame);
  if (!coefficients)
    return { rejected: rejectReason(frame) ?? 'flat', matches: [], mirrored: false, coefficients: null };
  const flipped = mirroredCoefficients(coefficients);
  const options = { k: imageK, maxDistance: distanceFor(searchFloor) };
  const [direct, mirror] = index.searchMany([fingerprintOf(coefficients), fingerprintOf(flipped)], options);
  const mirrored = (mirror[0]?.distance ?? Infinity) < (direct[0]?.distance ?? Infinity);
  return {
    rejected: null,
    matches: closerOfEach(direct, mirror),
    mirrored,
    coefficients: mirrored ? flipped : coefficients,
  };
}

/** Two match lists of one query merged: each frame once, at the closer of its two distances, closest first. */
function closerOfEach(a: readonly FrameMatch[], b: readonly FrameMatch[]): FrameMatch[] {
  const byFrame = new Map<string, FrameMatch>();
  for (const m of [...a, ...b]) {
    const key = `${m.videoId}:${m.time}`;
    const seen = byFrame.get(key);
    if (!seen || m.distance < seen.distance) byFrame.set(key, m);
  }
  return [...byFrame.values()].sort((x, y) => x.distance - y.distance || x.videoId - y.videoId || x.time - y.time);
}
