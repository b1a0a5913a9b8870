import { alignClip } from '../alignment';
import type { FrameIndex } from '../frame-index';
import { groupsOf, minSharedSeconds, nearestPerFrame, type DuplicateGroup } from './groups';

/**
 * The exhaustive duplicates scan: every video's frames searched against every other video's, then aligned in time.
 * Quadratic in frames (minutes at 100k frames); kept as the reference the candidate index is measured against.
 */
export function findDuplicatesExhaustive(
  index: FrameIndex,
  options: { maxDistance: number; minFrames: number; exclude?: ReadonlySet<number> },
): DuplicateGroup[] {
  const exclude = options.exclude ?? new Set<number>();
  const ids = [...index.videoIds()].filter((id) => !exclude.has(id)).sort((a, b) => a - b);
  const aligned = new Map<number, Map<number, number>>();
  for (const id of ids) {
    const { fingerprints, times } = index.framesOf(id);
    const out = new Map<number, number>();
    aligned.set(id, out);
    if (fingerprints.length < options.minFrames) continue;
    const matches = nearestPerFrame(index, fingerprints, options.maxDistance, new Set([id, ...exclude]));
    const alignments = alignClip(
      times.map((t, i) => ({ queryTime: t, matches: matches[i] })),
      { minMatches: options.minFrames },
    );
    for (const a of alignments) if (a.matchedDuration >= minSharedSeconds) out.set(a.videoId, a.matchedDuration);
  }
  return groupsOf(aligned);
}
