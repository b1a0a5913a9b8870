import type { FrameIndex, FrameMatch } from '../frame-index';

export interface DuplicateGroup {
  /** Videos sharing footage with another video of the group, most shared first. */
  videos: { videoId: number; sharedSeconds: number }[];
  /** The longest stretch any two videos of the group share, in seconds. */
  sharedSeconds: number;
}

/** Two videos share footage only when at least this much of it lines up in time. */
export const minSharedSeconds = 2;
/** Nearest frames looked at per frame. */
const k = 8;

/** Each query frame's nearest frames in `index` within `maxDistance`, as the duplicates scan takes them. */
export function nearestPerFrame(
  index: FrameIndex,
  queries: readonly Uint32Array[],
  maxDistance: number,
  excludeVideos?: ReadonlySet<number>,
): FrameMatch[][] {
  return index.searchMany(queries, { k, maxDistance, excludeVideos });
}

/**
 * Groups videos from what each one's frames align with (video → other video → shared seconds): any two aligned
 * videos share a group, and each video is credited with the longest stretch it shares.
 */
export function groupsOf(aligned: ReadonlyMap<number, ReadonlyMap<number, number>>): DuplicateGroup[] {
  const parent = new Map<number, number>();
  const root = (id: number): number => {
    let r = id;
    while ((parent.get(r) ?? r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  const shared = new Map<number, number>();
  for (const id of [...aligned.keys()].sort((a, b) => a - b)) {
    for (const [other, seconds] of aligned.get(id)!) {
      parent.set(root(id), root(other));
      shared.set(id, Math.max(shared.get(id) ?? 0, seconds));
      shared.set(other, Math.max(shared.get(other) ?? 0, seconds));
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
    .sort((a, b) => b.sharedSeconds - a.sharedSeconds || a.videos[0].videoId - b.videos[0].videoId);
}
