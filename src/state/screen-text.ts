// Text on screen: the per-library switch that reads it, and "On screen" search over what was read.
import { plural } from '../lib/format';
import type { ScreenTextHit } from '../workers/screen-text/api';
import type { TextSpan } from '../lib/screen-text/types';
import type { Video } from '../lib/types';
import { screenTextWorker } from '../workers/bridge';
import { catalog } from './catalog.svelte';
import { withVideos } from './hit-videos';
import { jobs } from './jobs.svelte';
import { handleError, toasts } from './toasts.svelte';

/** Turns "Read text on screen" on for a library (its videos are read in the background) or off. */
export async function setReadText(libraryId: number, on: boolean): Promise<void> {
  try {
    const queued = await catalog.db.setReadText(libraryId, on);
    catalog.touch();
    if (on)
      toasts.show(queued ? `Text on screen will be read in ${plural(queued, 'video')}.` : 'Text on screen is read.');
    jobs.poke();
    jobs.refresh();
  } catch (err) {
    handleError(err, 'Could not change “Read text on screen”');
  }
}

/** The smallest text read on screen in a library's videos (pixels of the video's height; 0: any), from now on. */
export async function setMinTextSize(libraryId: number, px: number): Promise<void> {
  try {
    await catalog.db.setMinTextSize(libraryId, px);
    catalog.touch();
  } catch (err) {
    handleError(err, 'Could not change the smallest text to read');
  }
}

/**
 * The language text on screen is read in, in a library's videos (a language added from a folder; null: the built-in
 * English and Chinese). While the library's switch is on, its videos are read again in it.
 */
export async function setTextLanguage(libraryId: number, language: string | null): Promise<void> {
  try {
    const queued = await catalog.db.setTextLanguage(libraryId, language);
    catalog.touch();
    if (queued) toasts.show(`Text on screen will be read again in ${plural(queued, 'video')}.`);
    jobs.poke();
    jobs.refresh();
  } catch (err) {
    handleError(err, 'Could not change the language of text on screen');
  }
}

/** Text found on screen by words: the video, the span and the matching words' boxes. */
export interface OnScreenResult {
  video: Video;
  hit: ScreenTextHit;
}

/** Spans shown at most: the best ones. */
const maxSpans = 50;

/** "On screen": spans of recognised text holding the words, best first, in the view's videos. Needs no model. */
export async function searchOnScreen(
  words: string,
  videoIds: number[] | undefined,
): Promise<{ results: OnScreenResult[]; spans: number }> {
  const { hits, spans } = await screenTextWorker.api.search(words, { videoIds, limit: maxSpans * 2 });
  const results = await withVideos(hits, maxSpans);
  return { results, spans };
}

/** The text read on screen in a video, span after span (the player's "On screen" tab); empty when none was read. */
export const screenTextOf = (videoId: number): Promise<TextSpan[]> =>
  screenTextWorker.api.textBetween(videoId, 0, Number.MAX_VALUE);
