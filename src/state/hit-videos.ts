import type { Video } from '../lib/types';
import { catalog } from './catalog.svelte';

/**
 * Word-search hits ("Said", "On screen") with their videos, best first, at most `max`: a removed video or a missing
 * file is not offered as a result.
 */
export async function withVideos<H extends { videoId: number }>(
  hits: readonly H[],
  max: number,
): Promise<{ video: Video; hit: H }[]> {
  const ids = [...new Set(hits.map((h) => h.videoId))];
  const videos = new Map(
    (await Promise.all(ids.map((id) => catalog.db.getVideo(id))))
      .filter((v): v is Video => v !== undefined && !v.missing && v.removedAt === null)
      .map((v) => [v.id, v]),
  );
  return hits
    .filter((h) => videos.has(h.videoId))
    .slice(0, max)
    .map((hit) => ({ video: videos.get(hit.videoId)!, hit }));
}
