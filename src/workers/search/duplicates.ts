import { alignClip } from '../../lib/search/alignment';
import type { FrameIndex } from '../../lib/search/frame-index';
import { maxDistanceOf, type SearchSettings } from '../../lib/search/settings';

export interface DuplicateGroup {
  /** Videos sharing footage with another video of the group, most shared first. */
  videos: { videoId: number; sharedSeconds: number }[];
  /** The longest stretch any two videos of the group share, in seconds. */
  sharedSeconds: number;
}

/** Two videos share footage only when at least this much of it lines up in time. */
const minSharedSeconds = 2;
/** Nearest frames looked at per frame. */
const k = 8;

/**
 * Groups videos that share aligned stretches (re-encodes, trims, resized copies): each video's frames are
 * searched against every other video and aligned in time, as a clip query would be. Flat and black frames
 * have no fingerprint, and a pair needs several frames aligned over seconds, so two videos that merely open
 * on black are never grouped.
 */
export function findDuplicates(
  index: FrameIndex,
  settings: SearchSettings,
  exclude: ReadonlySet<number>,
): DuplicateGroup[] {
  const ids = [...index.videoIds()].filter((id) => !exclude.has(id)).sort((a, b) => a - b);
  const minFrames = Math.max(3, settings.minMatches);
  const parent = new Map<number, number>(ids.map((id) => [id, id]));
  const root = (id: number): number => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  const shared = new Map<number, number>();
  for (const id of ids) {
    const { fingerprints, times } = index.framesOf(id);
    if (fingerprints.length < minFrames) continue;
    const matches = index.searchMany(fingerprints, {
      k,
      maxDistance: maxDistanceOf(settings),
      excludeVideos: new Set([id, ...exclude]),
    });
    const alignments = alignClip(
      times.map((t, i) => ({ queryTime: t, matches: matches[i] })),
      { minMatches: minFrames },
    );
    for (const a of alignments) {
      if (a.matchedDuration < minSharedSeconds) continue;
      parent.set(root(id), root(a.videoId));
      shared.set(id, Math.max(shared.get(id) ?? 0, a.matchedDuration));
      shared.set(a.videoId, Math.max(shared.get(a.videoId) ?? 0, a.matchedDuration));
    }
  }
  const groups = new Map<number, DuplicateGroup>();
  for (const [id, seconds] of shared) {
    const r = root(id);
    const g = groups.get(r) ?? { videos: [], sharedSeconds: 0 };
    g.videos.push({ videoId: id, sharedSeconds: seconds });
    g.sharedSeconds = Math.max(g.sharedSeconds, seconds);
    groups.set(r, g);
  }
  return [...groups.values()]
    .filter((g) => g.videos.length > 1)
    .map((g) => ({ ...g, videos: g.videos.sort((a, b) => b.sharedSeconds - a.sharedSeconds || a.videoId - b.videoId) }))
    .sort((a, b) => b.sharedSeconds - a.sharedSeconds);
}
