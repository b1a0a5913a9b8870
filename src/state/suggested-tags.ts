// What the user answers to suggested tags (issue 15): accept (a real tag, like one typed in) or dismiss (never
// offered again), for one video or a selection. Each answer is on disk when the call resolves, every view re-reads
// the catalog, and a toast offers Undo, which offers the word again (and takes off the tag an accept gave).
import { plural } from '../lib/format';
import { catalog } from './catalog.svelte';
import { handleError, toasts } from './toasts.svelte';

async function answered(ids: readonly number[], word: string, what: string): Promise<void> {
  try {
    await catalog.db.reofferTagSuggestion([...ids], word);
    catalog.touch();
  } catch (err) {
    handleError(err, `Could not undo ${what}`);
  }
}

/** Tags the videos among `ids` that were offered `word`; resolves whether any was tagged. */
export async function acceptSuggestion(ids: readonly number[], word: string): Promise<boolean> {
  try {
    const { tag, videoIds } = await catalog.db.acceptTagSuggestion([...ids], word);
    catalog.touch();
    if (!tag) return false;
    toasts.show(`Tagged ${plural(videoIds.length, 'video')} “${tag.name}”.`, 'info', 8000, {
      label: 'Undo',
      run: () => void answered(videoIds, word, 'the tag'),
    });
    return true;
  } catch (err) {
    handleError(err, 'Could not add the tag');
    return false;
  }
}

/** Dismisses `word` for the videos among `ids` that were offered it: it is not suggested to them again. */
export async function dismissSuggestion(ids: readonly number[], word: string): Promise<void> {
  try {
    const videoIds = await catalog.db.dismissTagSuggestion([...ids], word);
    catalog.touch();
    if (videoIds.length === 0) return;
    toasts.show(
      `“${word}” will not be suggested again for ${videoIds.length === 1 ? 'this video' : plural(videoIds.length, 'video')}.`,
      'info',
      8000,
      {
        label: 'Undo',
        run: () => void answered(videoIds, word, 'the dismissal'),
      },
    );
  } catch (err) {
    handleError(err, 'Could not dismiss the suggestion');
  }
}
