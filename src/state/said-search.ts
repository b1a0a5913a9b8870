import type { CueHit } from '../lib/transcripts/cue-index';
import type { Video } from '../lib/types';
import { transcriptsWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';

/** A line found by words: the video, the moment and the line, with the words to highlight. */
export interface SaidResult {
  video: Video;
  hit: CueHit;
}

/** Lines shown at most: the best ones; a broader query is a narrower one away. */
const maxLines = 50;

/**
 * "Said": lines of subtitles (and later transcripts) holding the words, best first, in the view's videos. Needs no
 * model. `cues` is how many lines there are to search at all, so the results can tell "nothing matches" from
 * "no video has subtitles".
 */
export async function searchSaid(
  words: string,
  videoIds: number[] | undefined,
): Promise<{ results: SaidResult[]; cues: number }> {
  const { hits, cues } = await transcriptsWorker.api.search(words, { videoIds, limit: maxLines * 2 });
  const ids = [...new Set(hits.map((h) => h.videoId))];
  const videos = new Map(
    (await Promise.all(ids.map((id) => catalog.db.getVideo(id))))
      // A removed video or a missing file is not offered as a result.
      .filter((v): v is Video => v !== undefined && !v.missing && v.removedAt === null)
      .map((v) => [v.id, v]),
  );
  const results = hits
    .filter((h) => videos.has(h.videoId))
    .slice(0, maxLines)
    .map((hit) => ({ video: videos.get(hit.videoId)!, hit }));
  return { results, cues };
}
