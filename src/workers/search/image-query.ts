import type { RgbaFrame } from '../../lib/media/types';
import {
  fingerprintCoefficients,
  fingerprintOf,
  mirroredCoefficients,
  rejectReason,
} from '../../lib/search/fingerprint';
import type { FrameIndex, FrameMatch } from '../../lib/search/frame-index';
import { distanceFor, searchFloor } from '../../lib/search/settings';
import { finelyDetailed, textureFingerprint } from '../../lib/search/texture';

/** Nearest frames fetched per query image before grouping. */
export const imageK = 1000;

/**
 * What the index holds nearest to one image: `rejected` says why there is nothing to look for. An image with no
 * layout but a fine regular texture is looked for by its texture code, with no coefficients to refine with.
 */
export type ImageMatches =
  | { rejected: 'flat' | 'smooth'; matches: []; mirrored: false; coefficients: null }
  | { rejected: null; matches: FrameMatch[]; mirrored: false; coefficients: null }
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
 * best match. When no frame is within `sure` bits and `patch` (the image's centre at its own size) is a fine regular
 * pattern, its texture code is looked for too: shrunk to the query's size such a pattern is grey or a moiré, whose
 * layout matches nothing. The two kinds of code sit ~128 bits apart, so each list only ever holds frames of its own
 * kind; when the texture is nearer, there is no layout to refine the moment with.
 */
export function matchImage(
  index: FrameIndex,
  frame: RgbaFrame,
  patch: RgbaFrame | null = null,
  sure = 0,
): ImageMatches {
  const options = { k: imageK, maxDistance: distanceFor(searchFloor) };
  /** Frames near the patch's texture code; null when it has none (not a fine regular pattern). */
  const byTexture = (): FrameMatch[] | null => {
    const texture = patch && finelyDetailed(patch) ? textureFingerprint(patch) : null;
    return texture && index.search(texture, options);
  };
  const coefficients = fingerprintCoefficients(frame);
  if (!coefficients) {
    const matches = byTexture();
    if (matches) return { rejected: null, matches, mirrored: false, coefficients: null };
    return { rejected: rejectReason(frame) ?? 'flat', matches: [], mirrored: false, coefficients: null };
  }
  const flipped = mirroredCoefficients(coefficients);
  const [direct, mirror] = index.searchMany([fingerprintOf(coefficients), fingerprintOf(flipped)], options);
  const byLayout = closerOfEach(direct, mirror);
  const textured = ((byLayout[0]?.distance ?? Infinity) > sure && byTexture()) || [];
  if ((textured[0]?.distance ?? Infinity) < (byLayout[0]?.distance ?? Infinity))
    return { rejected: null, matches: closerOfEach(textured, byLayout), mirrored: false, coefficients: null };
  const mirrored = (mirror[0]?.distance ?? Infinity) < (direct[0]?.distance ?? Infinity);
  return {
    rejected: null,
    matches: closerOfEach(byLayout, textured),
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
