// What the user does to videos of the library: tags, collections and the Trash. Each action writes the catalog
// (the call resolves once the edit is on disk), lets every view re-read it, and says what happened; the files
// on disk are never touched.
import { plural } from '../lib/format';
import { toggled } from '../lib/view';
import { catalog } from './catalog.svelte';
import { library } from './library.svelte';
import { selection } from './selection.svelte';
import { handleError, toasts } from './toasts.svelte';

async function write<T>(message: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await fn();
    catalog.touch();
    return result;
  } catch (err) {
    handleError(err, message);
    return undefined;
  }
}

/** "Remove from library": the videos go to the Trash, with an Undo. */
export async function removeFromLibrary(ids: readonly number[]): Promise<void> {
  const removed = await write('Could not remove the videos', () => catalog.db.removeVideos([...ids]));
  if (removed === undefined) return;
  selection.clear();
  toasts.show(`${plural(removed, 'video')} moved to the Trash. Files on disk are not touched.`, 'info', 8000, {
    label: 'Undo',
    run: () => void restoreVideos(ids, false),
  });
}

/** Brings videos back from the Trash to where they were (tags and collections included). */
export async function restoreVideos(ids: readonly number[], announce = true): Promise<void> {
  const restored = await write('Could not restore the videos', () => catalog.db.restoreVideos([...ids]));
  if (restored === undefined) return;
  selection.clear();
  if (announce) toasts.show(`${plural(restored, 'video')} restored to the library.`);
}

export async function tagVideos(ids: readonly number[], names: readonly string[]): Promise<boolean> {
  return (await write('Could not add the tag', () => catalog.db.tagVideos([...ids], [...names]))) !== undefined;
}

export async function untagVideos(ids: readonly number[], tagIds: readonly number[]): Promise<void> {
  await write('Could not remove the tag', () => catalog.db.untagVideos([...ids], [...tagIds]));
}

export async function renameTag(id: number, name: string): Promise<boolean> {
  const tag = await write('Could not rename the tag', () => catalog.db.renameTag(id, name));
  // Renamed onto an existing tag, the two merged under the other's id: a view filtered by this one follows.
  if (tag && tag.id !== id && library.view.tagIds?.includes(id)) {
    const tagIds = [...new Set(library.view.tagIds.map((t) => (t === id ? tag.id : t)))];
    library.setView({ ...library.view, tagIds }, { replace: true });
  }
  return tag !== undefined;
}

export async function deleteTag(id: number): Promise<boolean> {
  const done = (await write('Could not delete the tag', () => catalog.db.deleteTag(id))) !== undefined;
  if (done && library.view.tagIds?.includes(id))
    library.setView({ ...library.view, tagIds: toggled(library.view.tagIds, id) }, { replace: true });
  return done;
}

export async function createCollection(name: string): Promise<number | undefined> {
  return (await write('Could not create the collection', () => catalog.db.createCollection(name)))?.id;
}

export async function renameCollection(id: number, name: string): Promise<boolean> {
  return (await write('Could not rename the collection', () => catalog.db.renameCollection(id, name))) !== undefined;
}

/** Deletes the list; its videos stay in the library. A view of it goes back to every video. */
export async function deleteCollection(id: number): Promise<boolean> {
  const done = (await write('Could not delete the collection', () => catalog.db.deleteCollection(id))) !== undefined;
  if (done && library.view.collectionId === id) library.select(undefined);
  return done;
}

/** Appends videos to a collection (`name` says which in the message: a new one is not listed yet). */
export async function addToCollection(id: number, ids: readonly number[], name?: string): Promise<void> {
  const added = await write('Could not add to the collection', () => catalog.db.addToCollection(id, [...ids]));
  if (added === undefined) return;
  name ??= library.collections.find((c) => c.id === id)?.name ?? 'the collection';
  const skipped = ids.length - added;
  toasts.show(
    `${plural(added, 'video')} added to “${name}”${skipped > 0 ? ` (${formatSkipped(skipped)} already in it)` : ''}.`,
  );
}

const formatSkipped = (n: number) => (n === 1 ? '1 was' : `${n} were`);

export async function removeFromCollection(id: number, ids: readonly number[]): Promise<void> {
  const removed = await write('Could not remove from the collection', () =>
    catalog.db.removeFromCollection(id, [...ids]),
  );
  if (removed !== undefined) selection.clear();
}

/** Moves a video to `index` of the collection as shown. */
export async function moveInCollection(id: number, videoId: number, index: number): Promise<boolean> {
  return (await write('Could not move the video', () => catalog.db.moveInCollection(id, videoId, index))) === true;
}
