import type { CueHit } from '../lib/transcripts/cue-index';
import type { Video } from '../lib/types';
import { transcriptsWorker } from '../workers/bridge';
import { withVideos } from './hit-videos';

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
  const results = await withVideos(hits, maxLines);
  return { results, cues };
}
